#!/bin/sh
# libuuid from util-linux (libxl names domains by UUID), built with musl;
# no util-linux program. Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-libuuid
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_util_linux_src:?}"

unpack "$PIN_util_linux_src"
cd src
say "configure"
quiet configure.log ./configure --prefix=/usr --libdir=/usr/lib \
	--disable-all-programs --enable-libuuid --disable-static \
	--disable-nls --disable-bash-completion --disable-asciidoc \
	--without-python --without-systemd --without-udev
say "build with -j$JOBS"
quiet make.log make -j"$JOBS"
quiet make.log make install DESTDIR="$OUT"
fragment_tidy
