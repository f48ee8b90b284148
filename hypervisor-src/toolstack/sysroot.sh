# Sourced by the build-*.sh scripts of this folder, after they set prog:
# messages, unpacking a pinned Debian source package, and the musl sysroot
# each step compiles in. Environment: builder/RECIPES.md.

: "${prog:?set prog before sourcing sysroot.sh}"
say() { echo "$prog: $*"; }
die() { echo "$prog: fatal: $*" >&2; exit 1; }

: "${OUT:?}" "${RECIPE_DIR:?}"
JOBS=${JOBS:-1}
export LC_ALL=C TZ=UTC
# a caller's flags or make's jobserver must not leak into the packages' builds
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS LIBS MAKEFLAGS MFLAGS MAKELEVEL \
	PKG_CONFIG_PATH CC LD_LIBRARY_PATH

work=$PWD

# quiet LOG COMMAND...: run COMMAND with its output appended to $work/LOG;
# on failure show the log's tail and stop
quiet() {
	q_log=$work/$1
	shift
	"$@" >>"$q_log" 2>&1 || {
		tail -n 40 "$q_log" >&2
		die "$1 failed (full log: $q_log)"
	}
}

# unpack PINDIR: the package's one upstream tarball (*.orig.tar.*, not the
# .asc signature) into ./src; the lock picks the version
unpack() {
	tarball=
	for f in "$1"/*.orig.tar.*; do
		case $f in *.asc) continue ;; esac
		[ -f "$f" ] || continue
		[ -z "$tarball" ] || die "more than one *.orig.tar.* in $1"
		tarball=$f
	done
	[ -n "$tarball" ] || die "no *.orig.tar.* in $1"
	say "unpack $(basename "$tarball")"
	rm -rf src
	mkdir src
	tar -xf "$tarball" -C src --strip-components=1
}

# debian_patches PINDIR GLOB...: apply, in the order of Debian's series, the
# patches of the package's *.debian.tar.* whose names match a GLOB
debian_patches() {
	dir=$1
	shift
	set -- "$dir"/*.debian.tar.* "$@"
	[ -f "$1" ] || die "no *.debian.tar.* in $dir"
	rm -rf debian
	tar -xf "$1" debian/patches
	shift
	grep -v '^[[:space:]]*\(#\|$\)' debian/patches/series | while read -r p _; do
		for g in "$@"; do
			# shellcheck disable=SC2254
			case $p in $g) ;; *) continue ;; esac
			say "debian patch $p"
			patch -p1 -s -N -d src <"debian/patches/$p" ||
				die "Debian patch $p does not apply"
			break
		done
	done
}

# The sysroot: every dep's fragment (usr/include, usr/lib) merged, plus a
# compiler wrapper that builds against musl and this sysroot only. Headers
# come with -isystem, not -I: musl's bits/ioctl.h and the kernel's
# asm-generic/ioctl.h both define _IOC, which gcc lets pass only between
# system headers (else Xen's -Werror stops). ld gets -nostdlib so that it
# never falls back to the host's glibc libraries; -rpath-link lets it follow
# NEEDED entries (libxenlight -> libyajl) at link time.
sysroot=$PWD/sysroot
rm -rf "$sysroot" bin
mkdir -p "$sysroot/usr/include" "$sysroot/usr/lib" bin
env | sed -n 's/^DEP_[A-Za-z0-9_]*=//p' | while IFS= read -r dep; do
	[ -d "$dep/usr" ] || continue
	cp -a "$dep/usr" "$sysroot/"
done
cat >bin/cc <<WRAP
#!/bin/sh
exec musl-gcc -isystem "$sysroot/usr/include" -ffile-prefix-map="$PWD/"= \\
	-L"$sysroot/usr/lib" -Wl,-nostdlib -Wl,-rpath-link,"$sysroot/usr/lib" "\$@"
WRAP
chmod +x bin/cc
CC=$PWD/bin/cc
export CC
export PKG_CONFIG_LIBDIR="$sysroot/usr/lib/pkgconfig:$sysroot/usr/share/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$sysroot"

# fragment_tidy: keep only what later steps compile and link against
fragment_tidy() {
	for d in share/man share/doc share/info share/locale bin sbin; do
		rm -rf "${OUT:?}/usr/$d"
	done
	find "$OUT" \( -name '*.a' -o -name '*.la' \) -exec rm -f {} +
	find "$OUT" -depth -type d -empty -exec rmdir {} \;
	say "fragment: $(find "$OUT" -type f | wc -l) files, $(du -sk "$OUT" | cut -f1) KiB"
}
