#!/bin/sh
# Build a static musl BusyBox from the pinned upstream tarball with our
# full config (busybox.config). Outputs in $OUT: busybox (stripped, static)
# and busybox.links (one applet path a line, e.g. /bin/sh).
# Environment: see builder/RECIPES.md (OUT, RECIPE_DIR, PIN_busybox_src, JOBS).
set -eu

prog=build-busybox
# shellcheck source=../../scripts/step/steplib.sh
. "${SRC_ROOT:?}/scripts/step/steplib.sh"
: "${PIN_busybox_src:?}"

config=$RECIPE_DIR/busybox.config
[ -f "$config" ] || die "missing $config"
unpack "$PIN_busybox_src"
# the kernel headers that applets such as ip, brctl and mdev include
kernel_headers kinc

# The banner's date ("BusyBox v1.35.0 (DATE)") comes from
# SOURCE_DATE_EPOCH: use the tarball's release time, not the clock.
SOURCE_DATE_EPOCH=$(stat -c %Y src/Makefile)
export SOURCE_DATE_EPOCH

say "configure from $(basename "$config")"
cp "$config" src/.config
# a version bump may add symbols: they take their defaults here and are
# listed below so they can be reviewed and added to busybox.config
yes '' | make -s -C src oldconfig >oldconfig.log 2>&1 || {
	tail -n 20 oldconfig.log >&2
	die "make oldconfig failed"
}
syms() { sed -n 's/^\(# \)\{0,1\}\(CONFIG_[A-Za-z0-9_]*\).*/\2/p' "$1" | sort -u; }
syms "$config" >known.tmp
new=$(syms src/.config | comm -23 - known.tmp)
[ -z "$new" ] || say "warning: symbols not in busybox.config took defaults: $(echo "$new" | tr '\n' ' ')"
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*|"# CONFIG_"*" is not set") ;;
	*) continue ;;
	esac
	grep -qxF -- "$line" src/.config && continue
	echo "$prog: config line not in final .config: $line" >&2
	bad=1
done <"$config"
[ "$bad" -eq 0 ] || die "busybox.config does not match this BusyBox (see lines above)"

say "build with musl-gcc, -j$JOBS"
quiet build.log make -C src -j"$JOBS" CC=musl-gcc HOSTCC=gcc \
	EXTRA_CFLAGS="-isystem $PWD/kinc" busybox busybox.links

bb=src/busybox
file "$bb" | grep -q 'statically linked' || die "not static: $(file "$bb")"
file "$bb" | grep -q ', stripped' || die "not stripped: $(file "$bb")"

# the applets the initramfs and dom0 rely on must be there, and work
"$bb" --list >applets.txt || die "busybox does not run"
missing=
for a in sh ash init mount umount losetup switch_root mdev \
	modprobe insmod rmmod lsmod depmod \
	udhcpc udhcpd ip brctl ifconfig route ping wget httpd nc telnet \
	fdisk mkfs.ext2 mkfs.vfat blkid findfs getty login passwd su \
	hostname dmesg poweroff reboot sha256sum xz gzip tar cpio \
	vi top ps free less stty setsid cttyhack timeout seq \
	awk sed grep find xargs; do
	grep -qx "$a" applets.txt || missing="$missing $a"
done
[ -z "$missing" ] || die "applets missing:$missing"
got=$(echo 'a b' | "$bb" awk '{print $2}' | "$bb" sed 's/b/ok/')
[ "$got" = ok ] || die "awk/sed smoke test gave '$got'"
got=$(printf abc | "$bb" sha256sum | "$bb" cut -c1-8)
[ "$got" = ba7816bf ] || die "sha256sum smoke test gave '$got'"
"$bb" sh -c 'set -eu; x=$(( 6 * 7 )); [ "$x" = 42 ]' || die "ash smoke test failed"
grep -qx /bin/sh src/busybox.links || die "busybox.links has no /bin/sh"

cp "$bb" "$OUT/busybox"
cp src/busybox.links "$OUT/busybox.links"
say "done: busybox $(wc -c <"$OUT/busybox") bytes, $(wc -l <"$OUT/busybox.links") applets"
say "$("$bb" 2>&1 | head -n1)"
