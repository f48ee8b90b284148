#!/bin/sh
# yajl, the JSON library of libxenlight, built with musl. Debian's CVE
# patches are applied: libxl parses JSON that QEMU sends over QMP.
# Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-yajl
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_yajl_src:?}"

unpack "$PIN_yajl_src"
debian_patches "$PIN_yajl_src" 'CVE-*'
say "configure"
quiet cmake.log cmake -S src -B b -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_C_COMPILER="$CC"
say "build with -j$JOBS"
# the libraries only (src/ installs the static one too, fragment_tidy drops
# it): the JSON tools, tests and examples are not wanted
quiet make.log cmake --build b --target yajl yajl_s -j "$JOBS"
DESTDIR=$OUT quiet make.log cmake --install b/src
fragment_tidy
