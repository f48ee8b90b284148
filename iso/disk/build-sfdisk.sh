#!/bin/sh
# sfdisk and partx for dom0, from util-linux, built with musl against its
# own static libfdisk, libblkid, libsmartcols and libuuid.
# Output: $OUT/root/usr/sbin/sfdisk, partx.
set -eu
prog=build-sfdisk
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_util_linux_src:?}"

unpack "$PIN_util_linux_src"
cd src
say "configure"
# fdisks=check: sfdisk (and fdisk) without cfdisk, which would want ncurses
quiet configure.log ./configure --prefix=/usr --disable-all-programs \
	--enable-libuuid --enable-libblkid --enable-libfdisk \
	--enable-libsmartcols --enable-fdisks=check --enable-partx \
	--disable-shared --enable-static --disable-nls \
	--disable-bash-completion --disable-asciidoc --without-python \
	--without-systemd --without-udev --without-readline --without-ncurses \
	--without-ncursesw --without-tinfo --without-libmagic --without-cap-ng
say "build with -j$JOBS"
quiet make.log make -j"$JOBS" sfdisk partx
mkdir -p "$OUT/root/usr/sbin"
cp sfdisk partx "$OUT/root/usr/sbin/"
strip "$OUT/root/usr/sbin/sfdisk" "$OUT/root/usr/sbin/partx"
say "sfdisk, partx: $(cat sfdisk partx | wc -c) bytes"
