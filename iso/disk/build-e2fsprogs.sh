#!/bin/sh
# mkfs.ext4 for dom0 and e2fsck for dom0 and the guests, from e2fsprogs,
# built with musl (its own static libext2fs, libuuid and libblkid).
# BusyBox's mke2fs makes only ext2, and BusyBox has no e2fsck.
# Output: $OUT/root/usr/sbin/mkfs.ext4 (it works as mke2fs -t ext4 by name)
# and $OUT/root/usr/sbin/e2fsck, linked statically: the guest images hold a
# static BusyBox and no musl loader.
set -eu
prog=build-e2fsprogs
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_e2fsprogs_src:?}"

unpack "$PIN_e2fsprogs_src"
cd src
say "configure"
quiet configure.log ./configure --prefix=/usr --disable-nls \
	--disable-elf-shlibs --enable-libuuid --enable-libblkid \
	--disable-fuse2fs --disable-uuidd --disable-debugfs --disable-imager \
	--disable-resizer --disable-defrag --disable-e2initrd-helper \
	--without-libarchive
say "build with -j$JOBS"
quiet make.log make -j"$JOBS" libs
quiet make.log make -C misc mke2fs
quiet make.log make -C e2fsck e2fsck.static
mkdir -p "$OUT/root/usr/sbin"
cp misc/mke2fs "$OUT/root/usr/sbin/mkfs.ext4"
cp e2fsck/e2fsck.static "$OUT/root/usr/sbin/e2fsck"
for p in mkfs.ext4 e2fsck; do
	strip "$OUT/root/usr/sbin/$p"
	say "$p: $(wc -c <"$OUT/root/usr/sbin/$p") bytes"
done
