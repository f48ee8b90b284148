#!/bin/sh
# xenlive-console for dom0: compiled with musl against the sysroot of the
# toolstack (libxenctrl, libxenstore, ncurses), linked dynamically to the
# libraries xl and xentop already bring into the dom0 root.
# Output: $OUT/root/usr/sbin/xenlive-console.
set -eu
prog=build-console
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${DEP_xen_tools:?}"

say "compile xenlive-console"
quiet cc.log "$CC" -O2 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wvla -Werror \
	-o xenlive-console "$RECIPE_DIR/console.c" "$RECIPE_DIR/run.c" \
	"$RECIPE_DIR/sysinfo.c" "$RECIPE_DIR/xeninfo.c" \
	-lxenctrl -lxenstore -lxentoollog -lncurses
root=$OUT/root
mkdir -p "$root/usr/sbin"
cp xenlive-console "$root/usr/sbin/"
# every library it needs is one the toolstack's root has
provided=$DEP_xen_tools/root
. "${SRC_ROOT:?}/scripts/step/rootlib.sh"
strip_elfs
check_closure
say "xenlive-console: $(wc -c <"$root/usr/sbin/xenlive-console") bytes"
