#!/bin/sh
# The Xen toolstack for the musl dom0: libraries, xl, xenstored (C),
# xenconsoled, xenconsole, xen-init-dom0, xentop, hotplug scripts, from the
# pinned Xen tarball and our patches, against the sysroot of the other
# steps. Outputs in $OUT: root/ (exactly what goes into the dom0 root:
# stripped programs, shared libraries and the musl loader, /etc/xen,
# terminfo) and manifest (every entry of root/ with its size).
set -eu
prog=build-xen-tools
. "$RECIPE_DIR/sysroot.sh"
: "${PIN_xen_src:?}" "${PIN_musl_bin:?}"

# xen_*.orig.tar.* has no .asc beside it, but unpack skips one anyway
unpack "$PIN_xen_src"
our_patches "$RECIPE_DIR/patches"

# no build date, user or host in the result (see ../build-xen.sh)
epoch=$(stat -c %Y src/Makefile)
SOURCE_DATE_EPOCH=$epoch
XEN_BUILD_DATE=$(date -u -d "@$epoch")
XEN_BUILD_TIME=$(date -u -d "@$epoch" +%T)
XEN_BUILD_HOST=xenlive XEN_WHOAMI=xenlive XEN_DOMAIN=xenlive
export SOURCE_DATE_EPOCH XEN_BUILD_DATE XEN_BUILD_TIME XEN_BUILD_HOST \
	XEN_WHOAMI XEN_DOMAIN

# --host makes configure treat musl as a foreign target: it then neither
# runs test programs nor asks for the host's Python headers (the Python
# bindings are not built). argp.h is only for xenalyze, which is skipped.
say "configure"
cd src
quiet configure.log ./configure --build=x86_64-linux-gnu \
	--host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc \
	--localstatedir=/var --disable-xen --disable-docs --disable-stubdom \
	--disable-qemu-traditional --disable-seabios --disable-rombios \
	--disable-ipxe --disable-ocamltools --disable-golang --disable-pvshim \
	--disable-xsmpolicy --with-system-qemu=/bin/false \
	--with-xenstored=xenstored \
	CC="$CC" PYTHON=/usr/bin/python3 PKG_CONFIG=pkg-config \
	ac_cv_header_argp_h=yes

# the wanted parts of tools/, in dependency order; not tools/ as a whole,
# which also builds the Python bindings, pygrub, xentrace (xenalyze needs
# argp), firmware and the rest
parts="include libs xenstore console helpers xl xentop hotplug examples"
inst=$work/inst
rm -rf "$inst"
for d in $parts; do
	say "build tools/$d with -j$JOBS"
	quiet make.log make -C "tools/$d" -j"$JOBS" CC="$CC"
done
for d in $parts; do
	quiet install.log make -C "tools/$d" install CC="$CC" DESTDIR="$inst"
done
cd "$work"

root=$OUT/root
rm -rf "$root"
mkdir -p "$root"

# programs: what Xen installs in these folders (libexec is /usr/lib/xen/bin)
for d in usr/bin usr/sbin usr/lib/xen/bin; do
	[ -d "$inst/$d" ] || continue
	mkdir -p "$root/$d"
	cp -a "$inst/$d/." "$root/$d/"
done
# xendomains belongs to the sysvinit scripts, which are not installed
rm -f "$root/usr/lib/xen/bin/xendomains"
# /etc/xen: xl.conf, the examples and the hotplug scripts
mkdir -p "$root/etc"
cp -a "$inst/etc/xen" "$root/etc/"
# the terminfo entries the ncurses step compiled, for xentop
mkdir -p "$root/usr/share"
cp -a "$sysroot/usr/share/terminfo" "$root/usr/share/"

# hard links (xenstore-read and its siblings, terminfo aliases) become
# symbolic links to the first name, which later copies cannot undo
(cd "$root" && find . -type f -links +1 -printf '%i %p\n' | LC_ALL=C sort -k1,1n -k2) |
	while read -r ino path; do
		if [ "$ino" = "${first_ino:-}" ]; then
			ln -sfr "$root/$first" "$root/$path"
		else
			first_ino=$ino first=$path
		fi
	done

# copy_lib NAME DIR: copy library NAME (a soname) from DIR into root's
# /usr/lib, following its symlinks, so the soname link comes with its file
copy_lib() {
	c_name=$1
	while :; do
		cp -a "$2/$c_name" "$root/usr/lib/"
		[ -L "$2/$c_name" ] || break
		c_name=$(readlink "$2/$c_name")
		case $c_name in */*) die "$2/$1: link leaves its folder" ;; esac
	done
}

# the Xen libraries: every real file, reached by its soname; no dev links
mkdir -p "$root/usr/lib"
for f in "$inst"/usr/lib/lib*.so.*; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	soname=$(readelf -d "$f" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
	[ -n "$soname" ] || die "$f has no SONAME"
	copy_lib "$soname" "$inst/usr/lib"
done

# strip every ELF file (symbols and debug info; libraries keep what the
# dynamic linker needs)
elfs() {
	find "$root" -type f | while IFS= read -r f; do
		if [ "$(head -c 4 "$f")" = "$(printf '\177ELF')" ]; then
			echo "$f"
		fi
	done
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

# libraries from the sysroot (yajl, zlib, ...) that something in root/
# needs, until nothing new is needed; libc.so is the musl loader itself
while :; do
	added=0
	for n in $(elfs | while IFS= read -r f; do needed "$f"; done | sort -u); do
		[ "$n" = libc.so ] && continue
		[ -e "$root/usr/lib/$n" ] && continue
		[ -e "$sysroot/usr/lib/$n" ] || continue
		copy_lib "$n" "$sysroot/usr/lib"
		added=1
	done
	[ "$added" -eq 1 ] || break
done

elfs | while IFS= read -r f; do
	case $f in
	*.so*) strip --strip-unneeded "$f" ;;
	*) strip --strip-all "$f" ;;
	esac
done

# the musl dynamic loader, which is also its libc, from the pinned package;
# the tools were compiled against the host's musl-dev, which must not be
# newer than the libc that runs them
set -- "$PIN_musl_bin"/musl_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || die "want one musl_*.deb in $PIN_musl_bin"
muslver=$(dpkg-deb -f "$1" Version)
hostver=$(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null) ||
	die "musl-dev is not installed (Debian package musl-tools)"
dpkg --compare-versions "$hostver" le "$muslver" ||
	die "host musl-dev $hostver is newer than the locked musl $muslver; run make lock"
rm -rf musl
dpkg-deb -x "$1" musl
set -- musl/lib/x86_64-linux-musl/libc.so musl/usr/lib/x86_64-linux-musl/libc.so
[ -f "$1" ] || shift
[ -f "$1" ] || die "no x86_64-linux-musl/libc.so in $(basename "$1")"
mkdir -p "$root/lib"
cp "$1" "$root/lib/ld-musl-x86_64.so.1"
chmod 755 "$root/lib/ld-musl-x86_64.so.1"

# every ELF file must use the musl loader and need only libraries that are
# in root/; no run path either (the libraries are in the default /usr/lib)
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
		[ -e "$root/usr/lib/$n" ] || [ -e "$root/lib/$n" ] ||
			echo "$rel: needs $n, which is not in root/"
	done
done)
[ -z "$bad" ] || { echo "$bad" >&2; die "root/ is not self-contained (lines above)"; }

# manifest: one line per entry, sorted: "PATH SIZE" or "PATH -> TARGET"
(cd "$root" && find . ! -type d | sed 's,^\.,,' | LC_ALL=C sort) |
	while IFS= read -r p; do
		if [ -L "$root$p" ]; then
			echo "$p -> $(readlink "$root$p")"
		else
			echo "$p $(wc -c <"$root$p")"
		fi
	done >"$OUT/manifest"
total=$(du -sk "$root" | cut -f1)
say "done: $(wc -l <"$OUT/manifest") entries, $total KiB in root/"
