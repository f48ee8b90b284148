#!/bin/sh
# xenlive-metrics for dom0: compiled with musl against the sysroot of the
# toolstack (libxenstat), linked dynamically to the libraries xentop
# already brings into the dom0 root.
# Output: $OUT/root/usr/sbin/xenlive-metrics.
set -eu
prog=build-metrics
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${DEP_xen_tools:?}"

say "compile xenlive-metrics"
d=$RECIPE_DIR
quiet cc.log "$CC" -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_GNU_SOURCE \
	-O2 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wvla -Werror \
	-o xenlive-metrics "$d/metrics.c" "$d/util.c" "$d/expo.c" "$d/http.c" \
	"$d/serve.c" "$d/drbd.c" "$d/migr.c" "$d/view.c" "$d/netdev.c" "$d/xen.c" -lxenstat
root=$OUT/root
mkdir -p "$root/usr/sbin"
cp xenlive-metrics "$root/usr/sbin/"
# every library it needs is one the toolstack's root has
provided=$DEP_xen_tools/root
. "${SRC_ROOT:?}/scripts/step/rootlib.sh"
strip_elfs
check_closure
say "xenlive-metrics: $(wc -c <"$root/usr/sbin/xenlive-metrics") bytes"
