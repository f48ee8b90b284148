#!/bin/sh
# zlib for the Xen tools (libxenguest unpacks gzip kernels; libxl and xl
# use it too), built with musl. Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-zlib
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_zlib_src:?}"

unpack "$PIN_zlib_src"
cd src
say "configure"
# zlib's own configure script; it builds the static archive regardless,
# fragment_tidy drops it
quiet configure.log ./configure --prefix=/usr --libdir=/usr/lib --shared
say "build with -j$JOBS"
quiet make.log make -j"$JOBS"
quiet make.log make install DESTDIR="$OUT"
fragment_tidy
