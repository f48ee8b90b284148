#!/bin/sh
# pixman, built with musl: QEMU draws its displays (the VGA guest's screen
# that VNC shows) with it. Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-pixman
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_pixman_src:?}"

unpack "$PIN_pixman_src"
cd src
say "configure"
quiet configure.log ./configure --prefix=/usr --libdir=/usr/lib \
	--disable-static --disable-gtk --disable-libpng --disable-openmp \
	--disable-timers
say "build with -j$JOBS"
quiet make.log make -j"$JOBS" -C pixman
quiet make.log make -C pixman install DESTDIR="$OUT"
quiet make.log make install-pkgconfigDATA DESTDIR="$OUT"
fragment_tidy
