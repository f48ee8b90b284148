#!/bin/sh
# live/wifi.sfs: the Wi-Fi drivers the dom0 root leaves out (the kernel
# step's modules-wifi tree, ../wifi/modules.wifi) and their firmware from
# Debian's non-free-firmware packages, Wi-Fi files only: those the drivers
# name (modinfo -F firmware, globs included) and those of firmware.wifi.
# iwlwifi names the newest firmware API it speaks (iwlwifi-cc-a0-72.ucode)
# and falls back to older ones: of each chip's files, the newest the
# driver takes. Layout: firmware/ (for /lib/firmware) and modules/ (for
# /lib/modules/VER), which rcS mounts over dom0's own (README, "Wi-Fi").
# WIFI_FIRMWARE=no: an empty $OUT/wifi, and the medium has no wifi.sfs.
# Output: $OUT/wifi/wifi.sfs and $OUT/wifi/wifi.list (its files, sizes).
set -eu
prog=mkfirmware
. "${SRC_ROOT:?}/scripts/step/steplib.sh"
: "${DEP_kernel:?}"
PATH=$PATH:/usr/sbin:/sbin

mkdir -p "$OUT/wifi"
case ${WIFI_FIRMWARE:-yes} in
no) say "WIFI_FIRMWARE is no: no Wi-Fi firmware or drivers on the medium"; exit 0 ;;
yes) ;;
*) die "WIFI_FIRMWARE is '$WIFI_FIRMWARE', want yes or no" ;;
esac

ver=$(cat "$DEP_kernel/kernel-version")
mods=$DEP_kernel/modules-wifi/lib/modules/$ver
[ -d "$mods" ] || die "no $mods (the kernel step's Wi-Fi module tree)"
rm -rf fw sel
mkdir -p fw sel/firmware sel/modules
for p in "$PIN_firmware_iwlwifi" "$PIN_firmware_realtek" "$PIN_firmware_atheros" \
	"$PIN_firmware_misc_nonfree"; do
	for deb in "$p"/*.deb; do
		say "unpack $(basename "$deb")"
		dpkg-deb -x "$deb" fw
	done
done
src=$PWD/fw/lib/firmware

# the names: what the drivers ask for, and firmware.wifi's "+ GLOB" lines;
# its "- GLOB" lines: files never taken
list=$RECIPE_DIR/firmware.wifi
bad=$(sed 's/#.*//' "$list" | awk 'NF && !(NF == 2 && ($1 == "+" || $1 == "-")) {print FILENAME ":" NR ": want + GLOB or - GLOB: " $0}' FILENAME="$list")
[ -z "$bad" ] || die "$bad"
find "$mods" -name '*.ko' -exec modinfo -F firmware {} + | sort -u >names
sed 's/#.*//' "$list" | awk '$1 == "+" {print $2}' >>names
drops=$(sed 's/#.*//' "$list" | awk '$1 == "-" {print $2}')

# take NAME: the files NAME (a path under $src, maybe a glob) matches,
# links followed (squashfs stores a file that is there twice once); run in $src
dst=$PWD/sel/firmware
dropped() {
	set -f
	for g in $drops; do
		# shellcheck disable=SC2254
		case $1 in $g) set +f; return 0 ;; esac
	done
	set +f
	return 1
}
take() {
	found=1
	for f in $1; do
		[ -f "$f" ] || continue
		dropped "$f" && { found=0; continue; }
		mkdir -p "$dst/$(dirname "$f")"
		cp -L "$f" "$dst/$f"
		found=0
	done
	return $found
}
n=0 miss=0
cd "$src"
while IFS= read -r name; do
	n=$((n + 1))
	case $name in
	iwlwifi-*-[0-9]*.ucode)
		base=${name%-*}
		max=${name##*-}; max=${max%.ucode}
		best=$(for f in "$base"-*.ucode; do
			v=${f##*-}; v=${v%.ucode}
			case $v in *[!0-9]*|'') continue ;; esac
			[ "$v" -le "$max" ] && echo "$v"
		done | sort -n | tail -n 1)
		[ -n "$best" ] && take "$base-$best.ucode" || miss=$((miss + 1)) ;;
	*)	take "$name" || miss=$((miss + 1)) ;;
	esac
done <"$work/names"
cd "$work"
say "firmware: $n names, $miss not in Debian's packages (chips they have no firmware for), $(find sel/firmware -type f | wc -l) files taken"

cp -R "$mods/." sel/modules/
(cd sel && find . -type f | sed 's,^\./,,' | LC_ALL=C sort | while IFS= read -r f; do
	echo "$f $(wc -c <"$f")"
done) >"$OUT/wifi/wifi.list"
say "firmware $(du -sk sel/firmware | cut -f1) KiB, modules $(du -sk sel/modules | cut -f1) KiB"
# xz: the best ratio on firmware and modules; it is made once per pin
# change, and read only while a driver loads
mksquashfs sel "$OUT/wifi/wifi.sfs" -noappend -comp xz -b 1M \
	-all-root -mkfs-time 0 -all-time 0 -no-progress -quiet \
	-processors "${JOBS:-2}"
say "wifi.sfs: $(wc -c <"$OUT/wifi/wifi.sfs") bytes"
