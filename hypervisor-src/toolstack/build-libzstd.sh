#!/bin/sh
# libzstd, built with musl: libxenguest uses it to unpack zstd-compressed
# guest kernels. Decompression only (all libxenguest calls), no legacy
# formats, no zstd program. Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-libzstd
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_zstd_src:?}"

unpack "$PIN_zstd_src"
set -- -C src/lib PREFIX=/usr ZSTD_LIB_COMPRESSION=0 ZSTD_LEGACY_SUPPORT=0
say "build with -j$JOBS"
quiet make.log make "$@" -j"$JOBS" libzstd libzstd.pc
quiet make.log make "$@" install-shared install-includes install-pc \
	DESTDIR="$OUT"
fragment_tidy
