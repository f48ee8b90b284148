#!/bin/sh
# Take Debian's kernel package apart: vmlinuz, its config, kernel-version, and
# module trees holding only the listed modules and what they need:
#   modules-boot/lib/modules/VER   from modules.boot + modules.net (initramfs)
#   modules/lib/modules/VER        from those + modules.dom0 (dom0)
#   modules-wifi/lib/modules/VER   the Wi-Fi drivers (../wifi/modules.wifi) the
#                                  dom0 tree lacks, with the indexes of both
# Environment: see builder/RECIPES.md (OUT, RECIPE_DIR, PIN_kernel).
set -eu

prog=kernel
say() { echo "$prog: $*"; }
die() { echo "$prog: fatal: $*" >&2; exit 1; }

: "${OUT:?}" "${RECIPE_DIR:?}" "${PIN_kernel:?}"
export LC_ALL=C
# depmod lives in /sbin, which a normal user's PATH may lack
PATH=$PATH:/usr/sbin:/sbin

set -- "$PIN_kernel"/linux-image-*.deb
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	die "want one linux-image-*.deb in $PIN_kernel, found: $*"
fi
deb=$1

say "unpack $(basename "$deb")"
rm -rf pkg
dpkg-deb -x "$deb" pkg

set -- pkg/lib/modules/*
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	die "want one folder in pkg/lib/modules, found: $*"
fi
ver=${1##*/}
[ -f "pkg/boot/vmlinuz-$ver" ] || die "no boot/vmlinuz-$ver in the package"
full=pkg/lib/modules/$ver

# modules.dep/softdep/alias of the whole package, to resolve dependencies
depmod -b pkg "$ver" || die "depmod on the whole package failed"

# list files: one module a line, '#' comments, '-' same as '_'
names() {
	sed 's/#.*//' "$@" | awk '{ for (i = 1; i <= NF; i++) { gsub(/-/, "_", $i); print $i } }'
}

# resolve names to the set of .ko paths (relative to lib/modules/VER) they
# need: hard dependencies from modules.dep (already transitive), soft ones
# from modules.softdep (names or aliases, e.g. ext4 -> crypto-crc32c,
# r8169 -> realtek). Unknown names go to stderr as "missing NAME".
resolve() {
	awk -v builtin="$full/modules.builtin" -v want="$1" '
	function norm(s) { gsub(/-/, "_", s); return s }
	function modname(p) { sub(/.*\//, "", p); sub(/\.ko.*$/, "", p); return norm(p) }
	function add(n,    i, j, k, d, t, t2) {
		if (n in taken || !(n in path)) return
		taken[n] = 1
		k = split(deps[n], d, " ")
		for (i = 1; i <= k; i++) add(modname(d[i]))
		k = split(soft[n], d, " ")
		for (i = 1; i <= k; i++) {
			t = norm(d[i])
			if (t in path) add(t)
			else if (d[i] in alias) {
				split(alias[d[i]], t2, " ")
				for (j in t2) add(t2[j])
			}
		}
	}
	FILENAME ~ /modules\.dep$/ {
		p = $1; sub(/:$/, "", p); n = modname(p)
		path[n] = p; $1 = ""; deps[n] = $0; next
	}
	FILENAME ~ /modules\.softdep$/ && $1 == "softdep" {
		for (i = 3; i <= NF; i++) if ($i != "pre:" && $i != "post:") soft[norm($2)] = soft[norm($2)] " " $i
		next
	}
	FILENAME ~ /modules\.alias$/ && $1 == "alias" { alias[$2] = alias[$2] " " $3; next }
	END {
		while ((getline l < builtin) > 0) isbuiltin[modname(l)] = 1
		while ((getline n < want) > 0) {
			if (n in path) add(n)
			else if (n in isbuiltin) print "builtin " n > "/dev/stderr"
			else print "missing " n > "/dev/stderr"
		}
		for (n in taken) print path[n]
	}' "$full/modules.dep" "$full/modules.softdep" "$full/modules.alias" | sort
}

# tree NAME LISTS...: $OUT/NAME/lib/modules/VER with the resolved modules
tree() {
	t_name=$1; shift
	names "$@" | sort -u >"$t_name.want"
	resolve "$t_name.want" >"$t_name.paths" 2>"$t_name.notes"
	if grep -q '^missing ' "$t_name.notes"; then
		die "$t_name: not in $(basename "$deb") and not built in:$(sed -n 's/^missing / /p' "$t_name.notes" | tr -d '\n')"
	fi
	if grep -q '^builtin ' "$t_name.notes"; then
		say "$t_name: built in, skipped:$(sed -n 's/^builtin / /p' "$t_name.notes" | tr -d '\n')"
	fi
	t_dir=$OUT/$t_name/lib/modules/$ver
	mkdir -p "$t_dir"
	while IFS= read -r p; do
		mkdir -p "$t_dir/${p%/*}"
		cp "$full/$p" "$t_dir/$p"
	done <"$t_name.paths"
	# depmod reads modules.order (load order of equals) and modules.builtin
	# (so modprobe of a built-in module succeeds); keep order to our set
	grep -xFf "$t_name.paths" "$full/modules.order" >"$t_dir/modules.order" || true
	cp "$full/modules.builtin" "$full/modules.builtin.modinfo" "$t_dir/"
	depmod -b "$OUT/$t_name" "$ver" || die "$t_name: depmod failed"
	say "$t_name: $(wc -l <"$t_name.want") listed, $(wc -l <"$t_name.paths") modules with dependencies, $(du -sh "$OUT/$t_name" | cut -f1) in all"
}

rm -rf "$OUT/modules-boot" "$OUT/modules" "$OUT/modules-wifi"
tree modules-boot "$RECIPE_DIR/modules.boot" "$RECIPE_DIR/modules.net"
tree modules "$RECIPE_DIR/modules.boot" "$RECIPE_DIR/modules.net" "$RECIPE_DIR/modules.dom0"
# the Wi-Fi drivers (../wifi/modules.wifi): the dom0 tree's lists plus that
# one, less the .ko files the dom0 tree has; its index files (modules.dep,
# .alias, ...) cover both, as live/wifi.sfs mounted over the dom0 tree
tree modules-wifi "$RECIPE_DIR/modules.boot" "$RECIPE_DIR/modules.net" \
	"$RECIPE_DIR/modules.dom0" "$RECIPE_DIR/../wifi/modules.wifi"
(cd "$OUT/modules/lib/modules/$ver" && find . -name '*.ko') |
	(cd "$OUT/modules-wifi/lib/modules/$ver" && xargs rm -f)
find "$OUT/modules-wifi" -depth -type d -empty -exec rmdir {} \;
say "modules-wifi: $(find "$OUT/modules-wifi" -name '*.ko' | wc -l) modules beyond the dom0 tree's, $(du -sh "$OUT/modules-wifi" | cut -f1)"

cp "pkg/boot/vmlinuz-$ver" "$OUT/vmlinuz"
cp "pkg/boot/config-$ver" "$OUT/config"
echo "$ver" >"$OUT/kernel-version"
# the unpacked package is ~400 MB and is remade in 2 s; keep the lists
rm -rf pkg
say "done: kernel $ver, vmlinuz $(wc -c <"$OUT/vmlinuz") bytes"
