#!/bin/sh
# mkfs.ext4 for dom0, from e2fsprogs, built with musl (its own static
# libext2fs, libuuid and libblkid). BusyBox's mke2fs makes only ext2.
# Output: $OUT/root/usr/sbin/mkfs.ext4 (it works as mke2fs -t ext4 by name).
set -eu
prog=build-e2fsprogs
. "$RECIPE_DIR/../../hypervisor-src/toolstack/sysroot.sh"
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
mkdir -p "$OUT/root/usr/sbin"
cp misc/mke2fs "$OUT/root/usr/sbin/mkfs.ext4"
strip "$OUT/root/usr/sbin/mkfs.ext4"
say "mkfs.ext4: $(wc -c <"$OUT/root/usr/sbin/mkfs.ext4") bytes"
