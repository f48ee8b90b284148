#!/bin/sh
# mkinitramfs.sh OUTPUT INIT BUSYBOX KROOT MODULES
#
# Builds the XenLive dom0 initramfs (cpio newc, gzip) at OUTPUT from
#   INIT     the static xenlive-init binary (iso/dom0/init.c)
#   BUSYBOX  a static busybox, for the rescue shell
#   KROOT    a folder holding lib/modules/VERSION (an extracted kernel
#            package); depmod is run there if modules.dep is missing
#   MODULES  the module list, installed as /etc/xenlive/modules; the
#            listed modules and everything they depend on are copied
# Layout: /init /bin/busybox /bin/<applets> -> busybox /etc/xenlive/modules
#         /lib/modules/VERSION/{modules.dep,modules.builtin,...,kernel/...}
set -eu

[ $# -eq 5 ] || { echo "usage: $0 OUTPUT INIT BUSYBOX KROOT MODULES" >&2; exit 100; }
out=$1 init=$2 busybox=$3 kroot=$4 modules=$5

set -- "$kroot"/lib/modules/*
if [ $# -ne 1 ] || [ ! -d "$1" ]; then echo "$0: fatal: want one folder in $kroot/lib/modules" >&2; exit 100; fi
ver=${1##*/}
kmod=$kroot/lib/modules/$ver
[ -f "$kmod/modules.dep" ] || depmod -b "$kroot" "$ver"

root=$(mktemp -d "${TMPDIR:-/tmp}/xenlive-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc/xenlive" "$root/lib/modules/$ver"

install -m 755 "$init" "$root/init"
install -m 755 "$busybox" "$root/bin/busybox"
# Every applet as a link, so the rescue shell has ls, mount, modprobe...
for a in $("$busybox" --list-full 2>/dev/null || echo bin/sh); do
	[ "$a" != linuxrc ] || continue
	mkdir -p "$root/${a%/*}"
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
grep -v '^[[:space:]]*\(#\|$\)' "$modules" >"$root/etc/xenlive/modules"

# modules.dep lists each module's whole dependency closure, so the lines
# of the wanted modules name every file needed.  Names match basenames,
# with '-' and '_' the same.
awk -v list="$root/etc/xenlive/modules" -v builtin="$kmod/modules.builtin" '
	function norm(s) { sub(/.*\//, "", s); sub(/\.ko$/, "", s); gsub(/-/, "_", s); return s }
	BEGIN {
		while ((getline l < list) > 0) { sub(/#.*/, "", l); if (split(l, w)) want[norm(w[1])] = w[1] }
		while ((getline l < builtin) > 0) inkernel[norm(l)] = 1
	}
	{ k = $1; sub(/:$/, "", k); n = norm(k)
	  if (n in want) { found[n] = 1; print k; for (i = 2; i <= NF; i++) print $i } }
	END {
		for (n in want) if (!(n in found) && !(n in inkernel)) {
			print "mkinitramfs: fatal: module " want[n] " is not in modules.dep" > "/dev/stderr"; bad = 1 }
		exit bad
	}' "$kmod/modules.dep" | sort -u >"$root/files"
while read -r f; do
	mkdir -p "$root/lib/modules/$ver/${f%/*}"
	cp "$kmod/$f" "$root/lib/modules/$ver/$f"
done <"$root/files"
rm "$root/files"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ ! -f "$kmod/$f" ] || cp "$kmod/$f" "$root/lib/modules/$ver/"
done
depmod -b "$root" "$ver"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
