#!/bin/sh
# liblzma from xz-utils, built with musl: libxenguest needs it to unpack
# XZ-compressed guest kernels (Debian's are). Decoders only, which is all
# libxenguest uses; no xz program. Debian's liblzma fixes are applied.
# Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-liblzma
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_xz_src:?}"

unpack "$PIN_xz_src"
debian_patches "$PIN_xz_src" 'liblzma-*'
cd src
say "configure"
quiet configure.log ./configure --prefix=/usr --libdir=/usr/lib \
	--disable-static --disable-encoders --disable-xz --disable-xzdec \
	--disable-lzmadec --disable-lzmainfo --disable-lzma-links \
	--disable-scripts --disable-doc --disable-nls
say "build with -j$JOBS"
quiet make.log make -j"$JOBS"
quiet make.log make install DESTDIR="$OUT"
fragment_tidy
