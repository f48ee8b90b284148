#!/bin/sh
# PCRE2 (8-bit library only), built with musl: GLib's GRegex needs it.
# No JIT: QEMU hardly uses regular expressions, and JIT's code is large.
# Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-pcre2
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_pcre2_src:?}"

unpack "$PIN_pcre2_src"
cd src
say "configure"
quiet configure.log ./configure --prefix=/usr --libdir=/usr/lib \
	--disable-static --enable-pcre2-8 --disable-pcre2-16 \
	--disable-pcre2-32 --disable-jit --disable-pcre2grep-libz \
	--disable-pcre2grep-libbz2 --disable-pcre2test-libreadline
say "build with -j$JOBS"
quiet make.log make -j"$JOBS"
quiet make.log make install DESTDIR="$OUT"
fragment_tidy
