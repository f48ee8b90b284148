#!/bin/sh
# build.sh: builds what the initramfs boot tests need into $OUT, around the
# real initramfs and kernel of the XenLive build (build/out, made by `make`):
#   vmlinuz  initrd.zst  dom0.sfs (a test root)  cd.iso (id + dom0.sfs)
#   nosfs.iso (id only)  initrd-badmod.img
# Environment:
#   OUT    output folder (default tests/initramfs/out, git-ignored)
#   BUILD  the builder's output folder (default build/out)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OUT=${OUT:-$here/out}
BUILD=${BUILD:-$top/build/out}
ID=xenlive-test-1

for f in dom0-kernel/vmlinuz kernel/kernel-version initramfs/initrd.zst busybox/busybox; do
	[ -f "$BUILD/$f" ] || { echo "build: fatal: no $BUILD/$f (run make first)" >&2; exit 1; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cp "$BUILD/dom0-kernel/vmlinuz" "$BUILD/initramfs/initrd.zst" "$OUT/"
BUSYBOX=$BUILD/busybox/busybox
ver=$(cat "$BUILD/kernel/kernel-version")

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

# The same initramfs with a second archive on top, gzip-compressed (the
# kernel unpacks them in order, each by its own compression) whose module list starts with a missing module and one
# the kernel refuses: boot must go on after a warning for each.
echo "build: initrd-badmod.img"
t=$OUT/badmod
rm -rf "$t"
mkdir -p "$t/etc/xenlive" "$t/lib/modules/$ver/kernel/fake"
(cd "$t" && zstd -dcq "$OUT/initrd.zst" | cpio -i --quiet etc/xenlive/modules)
{ echo no-such-module; echo 'broken   # not an ELF file'; cat "$t/etc/xenlive/modules"; } >"$t/m"
mv "$t/m" "$t/etc/xenlive/modules"
echo 'not a module' >"$t/lib/modules/$ver/kernel/fake/broken.ko"
(cd "$t" && zstd -dcq "$OUT/initrd.zst" | cpio -i --quiet "lib/modules/$ver/modules.dep")
echo 'kernel/fake/broken.ko:' >>"$t/lib/modules/$ver/modules.dep"
(cd "$t" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$OUT/badmod.gz"
cat "$OUT/initrd.zst" "$OUT/badmod.gz" >"$OUT/initrd-badmod.img"
rm -rf "$t" "$OUT/badmod.gz"
