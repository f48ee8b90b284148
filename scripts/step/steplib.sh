# steplib.sh: sourced by every build-*.sh step script (directly, or through
# sysroot.sh beside it), after it sets prog. Messages, a
# clean environment, quiet logs and unpacking pinned Debian sources.
# A step that sources it lists it as a `file` in its recipe, so that a change
# here rebuilds it. Environment: builder/RECIPES.md.

: "${prog:?set prog before sourcing steplib.sh}"
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

# our_patches DIR: apply our own DIR/*.patch to ./src, in name order
our_patches() {
	for p in "$1"/*.patch; do
		[ -e "$p" ] || continue
		say "patch $(basename "$p"): $(head -n1 "$p")"
		patch -p1 -s -N -d src <"$p" || die "patch $(basename "$p") does not apply"
	done
}

# kernel_headers DIR: links in DIR to the host's kernel headers (linux/,
# asm-generic/, asm/), which musl-gcc's -nostdinc hides; pass DIR with
# -isystem (not -I) so musl's own definitions (_IOC) win
kernel_headers() {
	rm -rf "$1"
	mkdir "$1"
	for d in /usr/include/linux /usr/include/asm-generic /usr/include/x86_64-linux-gnu/asm; do
		[ -d "$d" ] || die "missing $d (install Debian package linux-libc-dev)"
		ln -s "$d" "$1"/
	done
}
