# Sourced by the build-*.sh scripts that compile with musl, after they set
# prog: steplib.sh beside it (messages, quiet, unpack, patches), then the
# musl sysroot each step compiles in. A step that sources it lists both
# files in its recipe. Environment: builder/RECIPES.md.

# shellcheck source=steplib.sh
. "${SRC_ROOT:?}/scripts/step/steplib.sh"

# The sysroot: every dep's fragment (usr/include, usr/lib) merged, plus a
# compiler wrapper that builds against musl and this sysroot only. Headers
# come with -isystem, not -I: musl's bits/ioctl.h and the kernel's
# asm-generic/ioctl.h both define _IOC, which gcc lets pass only between
# system headers (else Xen's -Werror stops). ld gets -nostdlib so that it
# never falls back to the host's glibc libraries; -rpath-link lets it follow
# NEEDED entries (libxenlight -> libyajl) at link time.
# The sysroot is a build folder, in the source tree: no run path may name
# it. Meson links every program and library that uses a pkg-config library
# of the sysroot with a run path to the sysroot's lib; `meson install`
# removes that entry but leaves its string in .dynstr, so GLib and QEMU
# held the tree's path (issue 32). The wrapper drops it from -rpath.
sysroot=$PWD/sysroot
rm -rf "$sysroot" bin
mkdir -p "$sysroot/usr/include" "$sysroot/usr/lib" bin
env | sed -n 's/^DEP_[A-Za-z0-9_]*=//p' | while IFS= read -r dep; do
	[ -d "$dep/usr" ] || continue
	cp -a "$dep/usr" "$sysroot/"
done
cat >bin/cc <<WRAP
#!/bin/sh
for a; do
	shift
	case \$a in
	-Wl,-rpath,*)
		a=\$(printf '%s\\n' "\${a#-Wl,-rpath,}" | tr : '\\n' |
			grep -vxF "$sysroot/usr/lib" | paste -sd: -)
		[ -n "\$a" ] || continue
		a=-Wl,-rpath,\$a ;;
	esac
	set -- "\$@" "\$a"
done
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
