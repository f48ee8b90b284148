#!/bin/sh
# The initramfs /init: one static musl program.
set -eu
musl-gcc -static -Os -std=c99 -Wall -Wextra -Wshadow -Wmissing-prototypes \
	-Wvla -Werror -o init "$RECIPE_DIR/init.c" "$RECIPE_DIR/initnet.c" \
	"$RECIPE_DIR/persist.c" "$RECIPE_DIR/initlib.c" "$RECIPE_DIR/initmod.c"
strip init
mv init "$OUT/init"
