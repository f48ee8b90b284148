#!/bin/sh
# The Linux userspace headers (linux/, asm/, asm-generic/) from Debian's
# linux-libc-dev, for the sysroot: musl-gcc compiles with -nostdinc, and
# Xen's privcmd code and util-linux include them. Output: $OUT/usr/include.
set -eu
prog=build-kernel-headers
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_linux_libc_dev:?}"

set -- "$PIN_linux_libc_dev"/linux-libc-dev_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || die "want one linux-libc-dev_*.deb in $PIN_linux_libc_dev"
say "unpack $(basename "$1")"
rm -rf deb
dpkg-deb -x "$1" deb
mkdir -p "$OUT/usr/include"
cp -a deb/usr/include/linux deb/usr/include/asm-generic "$OUT/usr/include/"
cp -a deb/usr/include/x86_64-linux-gnu/asm "$OUT/usr/include/asm"
say "headers: $(find "$OUT" -type f | wc -l) files"
