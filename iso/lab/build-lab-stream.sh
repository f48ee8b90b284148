#!/bin/sh
# lab-stream for dom0 (LZ4 around the live-migration stream, lab-stream.c),
# with LZ4's one-file block compressor (lib/lz4.c) from Debian's lz4 source
# package, built with musl and linked statically: about 100 KiB, no library.
# Output: $OUT/root/usr/lib/xenlive/lab-stream.
set -eu
prog=build-lab-stream
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_lz4_src:?}"

unpack "$PIN_lz4_src"
say "compile lab-stream.c and lz4.c"
quiet cc.log "$CC" -static -O2 -c -o lz4.o src/lib/lz4.c
quiet cc.log "$CC" -static -O2 -Wall -Wextra -Wshadow -Wmissing-prototypes \
	-Wvla -Werror -I src/lib -o lab-stream "$RECIPE_DIR/lab-stream.c" lz4.o
mkdir -p "$OUT/root/usr/lib/xenlive"
cp lab-stream "$OUT/root/usr/lib/xenlive/lab-stream"
strip "$OUT/root/usr/lib/xenlive/lab-stream"
say "lab-stream: $(wc -c <"$OUT/root/usr/lib/xenlive/lab-stream") bytes"
