#!/bin/sh
# libffi, built with musl: GLib's GObject needs it to build (QEMU itself
# does not link GObject, so libffi does not reach the dom0 root).
# Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-libffi
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_libffi_src:?}"

unpack "$PIN_libffi_src"
cd src
say "configure"
# --disable-multi-os-directory: the library in /usr/lib, not /usr/lib/../lib64
quiet configure.log ./configure --prefix=/usr --libdir=/usr/lib \
	--disable-static --disable-docs --disable-multi-os-directory \
	--disable-exec-static-tramp
say "build with -j$JOBS"
quiet make.log make -j"$JOBS"
quiet make.log make install DESTDIR="$OUT"
fragment_tidy
