#!/bin/sh
# wpa_supplicant and wpa_cli from Debian's wpa source package (its
# upstream fixes and CVE patches; not its D-Bus and systemd ones), built
# with musl and our wpa_supplicant.config, libnl and libcrypto linked in
# statically (only what is called, --gc-sections), dynamic against dom0's
# musl libc alone.
# Output: $OUT/root/usr/sbin/wpa_supplicant, $OUT/root/usr/sbin/wpa_cli.
set -eu
prog=build-wpa
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_wpa_src:?}"

unpack "$PIN_wpa_src"
debian_patches "$PIN_wpa_src" 'upstream-fixes/*' '*CVE-*'
cp "$RECIPE_DIR/wpa_supplicant.config" src/wpa_supplicant/.config
say "build with -j$JOBS"
# the sysroot's pkg-config finds libnl; the archives are the only libnl
# and libcrypto there are, so the link is static for them. CFLAGS and
# LDFLAGS from the environment: the Makefile appends its own to them.
CFLAGS="-Os -ffunction-sections -fdata-sections -MMD"
LDFLAGS="-Wl,--gc-sections"
PKG_CONFIG=pkg-config
export CFLAGS LDFLAGS PKG_CONFIG
quiet make.log make -C src/wpa_supplicant -j"$JOBS" V=1 wpa_supplicant wpa_cli
mkdir -p "$OUT/root/usr/sbin"
for b in wpa_supplicant wpa_cli; do
	cp "src/wpa_supplicant/$b" "$OUT/root/usr/sbin/$b"
	strip --strip-all "$OUT/root/usr/sbin/$b"
	f=$OUT/root/usr/sbin/$b
	interp=$(readelf -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	needed=$(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | tr '\n' ' ')
	[ "$interp" = /lib/ld-musl-x86_64.so.1 ] && [ "$needed" = "libc.so " ] ||
		die "$b: interpreter '$interp', needs '$needed' (want musl's loader and libc.so only)"
	say "$b: $(wc -c <"$f") bytes"
done
# what SAE and nl80211 bring in must be there
nm src/wpa_supplicant/wpa_supplicant >syms.txt
for s in sae_prepare_commit wpa_driver_nl80211_ops wpa_supplicant_create_ap; do
	grep -q " $s\$" syms.txt || die "wpa_supplicant lacks $s"
done
