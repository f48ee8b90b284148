#!/bin/sh
# build.sh: builds what the initramfs boot tests need into $OUT:
#   init  vmlinuz  initrd.gz  dom0.sfs  cd.iso (id + dom0.sfs)  nosfs.iso (id only)
# Environment:
#   OUT         output folder (default tests/initramfs/out, git-ignored)
#   KERNEL_DEB  Debian linux-image .deb (default the one in /tmp/aptp/dl)
#   BUSYBOX     a static busybox (default: busybox-static from apt-get download)
#   CC          default musl-gcc
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OUT=${OUT:-$here/out}
KERNEL_DEB=${KERNEL_DEB:-/tmp/aptp/dl/linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb}
CC=${CC:-musl-gcc}
CFLAGS='-static -Os -Wall -Wextra -Wshadow -Wmissing-prototypes -Wvla'
ID=xenlive-test-1

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

echo "build: init"
# shellcheck disable=SC2086
$CC $CFLAGS -Werror -o "$OUT/init" "$top/iso/dom0/init.c"
strip "$OUT/init"

# Extracting the kernel package takes a while: once per .deb path.
if [ "$(cat "$OUT/kernel/.deb" 2>/dev/null)" != "$KERNEL_DEB" ]; then
	echo "build: kernel from $KERNEL_DEB"
	[ -f "$KERNEL_DEB" ] || { echo "build: fatal: no $KERNEL_DEB (set KERNEL_DEB)" >&2; exit 1; }
	rm -rf "$OUT/kernel"
	mkdir "$OUT/kernel"
	dpkg-deb -x "$KERNEL_DEB" "$OUT/kernel"
	set -- "$OUT"/kernel/lib/modules/*
	depmod -b "$OUT/kernel" "${1##*/}"
	echo "$KERNEL_DEB" >"$OUT/kernel/.deb"
fi
cp "$OUT"/kernel/boot/vmlinuz-* "$OUT/vmlinuz"

if [ -z "${BUSYBOX:-}" ]; then
	BUSYBOX=$OUT/busybox
	if [ ! -x "$BUSYBOX" ]; then
		echo "build: busybox-static"
		rm -rf "$OUT/bb"
		mkdir "$OUT/bb"
		(cd "$OUT/bb" && apt-get download busybox-static >/dev/null 2>&1 && dpkg-deb -x busybox-static_*.deb x)
		cp "$OUT/bb/x/bin/busybox" "$BUSYBOX"
		rm -rf "$OUT/bb"
	fi
fi

echo "build: initrd.gz"
sh "$here/mkinitramfs.sh" "$OUT/initrd.gz" "$OUT/init" "$BUSYBOX" "$OUT/kernel" "$here/modules"

echo "build: dom0.sfs"
r=$OUT/dom0root
rm -rf "$r"
mkdir -p "$r/bin" "$r/sbin" "$r/etc" "$r/dev" "$r/proc" "$r/sys" "$r/run"
cp "$BUSYBOX" "$r/bin/busybox"
for a in $("$BUSYBOX" --list-full); do
	[ "$a" != linuxrc ] || continue
	mkdir -p "$r/${a%/*}"
	[ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
done
rm -f "$r/sbin/init"
cp "$here/dom0-init.sh" "$r/sbin/init"
chmod 755 "$r/sbin/init"
mksquashfs "$r" "$OUT/dom0.sfs" -noappend -comp xz -all-root -quiet >/dev/null

# mkiso NAME [FILE...]: an ISO with /live/xenlive.id and FILEs in /live
mkiso() {
	name=$1
	shift
	echo "build: $name.iso"
	rm -rf "$OUT/isotree"
	mkdir -p "$OUT/isotree/live"
	echo "$ID" >"$OUT/isotree/live/xenlive.id"
	[ $# -eq 0 ] || cp "$@" "$OUT/isotree/live/"
	xorriso -as mkisofs -quiet -R -V XENLIVE_TEST -o "$OUT/$name.iso" "$OUT/isotree" 2>/dev/null
	rm -rf "$OUT/isotree"
}
mkiso cd "$OUT/dom0.sfs"
mkiso nosfs

# The same initramfs with a second archive on top (the kernel unpacks
# them in order) whose module list starts with a missing module and one
# the kernel refuses: boot must go on after a warning for each.
echo "build: initrd-badmod.gz"
set -- "$OUT"/kernel/lib/modules/*
ver=${1##*/}
t=$OUT/badmod
rm -rf "$t"
mkdir -p "$t/etc/xenlive" "$t/lib/modules/$ver/kernel/fake"
{ echo no-such-module; echo 'broken   # not an ELF file'; cat "$here/modules"; } >"$t/etc/xenlive/modules"
echo 'not a module' >"$t/lib/modules/$ver/kernel/fake/broken.ko"
(cd "$t" && gzip -dc "$OUT/initrd.gz" | cpio -i --quiet "lib/modules/$ver/modules.dep")
echo 'kernel/fake/broken.ko:' >>"$t/lib/modules/$ver/modules.dep"
(cd "$t" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$OUT/badmod.gz"
cat "$OUT/initrd.gz" "$OUT/badmod.gz" >"$OUT/initrd-badmod.gz"
rm -rf "$t" "$OUT/badmod.gz"
