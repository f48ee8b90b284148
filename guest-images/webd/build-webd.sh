#!/bin/sh
# webd for the demo guests' images (webd.c), built with musl and linked
# statically (the images have no musl loader).
# Output: $OUT/root/usr/sbin/webd.
set -eu
prog=build-webd
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"

say "compile webd.c"
quiet cc.log "$CC" -static -O2 -Wall -Wextra -Wshadow -Wmissing-prototypes \
	-Wvla -Werror -o webd "$RECIPE_DIR/webd/webd.c"
mkdir -p "$OUT/root/usr/sbin"
cp webd "$OUT/root/usr/sbin/webd"
strip "$OUT/root/usr/sbin/webd"
say "webd: $(wc -c <"$OUT/root/usr/sbin/webd") bytes"
