# Sourced by the steps that lay out a root/ for the dom0 root (xen-tools,
# the device model), after sysroot.sh: programs and the shared libraries
# they need, stripped, checked to run with musl's loader alone. A step that
# sources it lists it as a `file` in its recipe.
#   root:     the folder being laid out ($OUT/root)
#   provided: more root/ folders whose libraries the dom0 root also has
#             (another step's), blank-separated; they are not copied again

: "${root:?set root before sourcing rootlib.sh}"
provided=${provided:-}

# the ELF files under root/, one per line
elfs() {
	find "$root" -type f | while IFS= read -r f; do
		if [ "$(head -c 4 "$f")" = "$(printf '\177ELF')" ]; then
			echo "$f"
		fi
	done
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

# copy_lib NAME DIR: copy library NAME (a soname) from DIR into root's
# /usr/lib, following its symlinks, so the soname link comes with its file
copy_lib() {
	c_name=$1
	mkdir -p "$root/usr/lib"
	while :; do
		cp -a "$2/$c_name" "$root/usr/lib/"
		[ -L "$2/$c_name" ] || break
		c_name=$(readlink "$2/$c_name")
		case $c_name in */*) die "$2/$1: link leaves its folder" ;; esac
	done
}

# has_lib NAME: root/ or a provided root has library NAME
has_lib() {
	for r in "$root" $provided; do
		[ -e "$r/usr/lib/$1" ] || [ -e "$r/lib/$1" ] && return 0
	done
	return 1
}

# add_needed: copy from the sysroot every library something in root/ needs
# and no root has, until nothing new is needed; libc.so is musl's loader
add_needed() {
	while :; do
		added=0
		for n in $(elfs | while IFS= read -r f; do needed "$f"; done | sort -u); do
			[ "$n" = libc.so ] && continue
			has_lib "$n" && continue
			[ -e "$sysroot/usr/lib/$n" ] || continue
			copy_lib "$n" "$sysroot/usr/lib"
			added=1
		done
		[ "$added" -eq 1 ] || break
	done
}

# strip_elfs: symbols and debug info off every ELF file (libraries keep what
# the dynamic linker needs)
strip_elfs() {
	elfs | while IFS= read -r f; do
		case $f in
		*.so*) strip --strip-unneeded "$f" ;;
		*) strip --strip-all "$f" ;;
		esac
	done
}

# check_closure: every ELF file uses the musl loader and needs only
# libraries that a root has; no run path either (the libraries are in the
# default /usr/lib). Stops the step otherwise.
check_closure() {
	say "check the NEEDED closure"
	bad=$(elfs | while IFS= read -r f; do
		rel=${f#"$root"}
		interp=$(readelf -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
		case $interp in
		''|/lib/ld-musl-x86_64.so.1) ;;
		*) echo "$rel: program interpreter $interp (not musl)" ;;
		esac
		readelf -d "$f" | grep -q '(RPATH)\|(RUNPATH)' && echo "$rel: has a run path"
		for n in $(needed "$f"); do
			case $n in
			libc.so) continue ;;
			libc.so.6|ld-linux*|libm.so.6|libpthread.so.0|libdl.so.2|librt.so.1)
				echo "$rel: needs $n, a glibc library"; continue ;;
			esac
			has_lib "$n" || echo "$rel: needs $n, which is not in root/"
		done
	done)
	[ -z "$bad" ] || { echo "$bad" >&2; die "root/ is not self-contained (lines above)"; }
}

# write_manifest FILE: one line per entry of root/, sorted: "PATH SIZE" or
# "PATH -> TARGET"
write_manifest() {
	(cd "$root" && find . ! -type d | sed 's,^\.,,' | LC_ALL=C sort) |
		while IFS= read -r p; do
			if [ -L "$root$p" ]; then
				echo "$p -> $(readlink "$root$p")"
			else
				echo "$p $(wc -c <"$root$p")"
			fi
		done >"$1"
}
