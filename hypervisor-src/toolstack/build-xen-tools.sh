#!/bin/sh
# The Xen toolstack for the musl dom0: libraries, xl, xenstored (C),
# xenconsoled, xenconsole, xen-init-dom0, xentop, hotplug scripts, from the
# pinned Xen tarball and our patches, against the sysroot of the other
# steps. Outputs in $OUT: root/ (exactly what goes into the dom0 root:
# stripped programs, shared libraries and the musl loader, /etc/xen,
# terminfo, hvmloader), manifest (every entry of root/ with its size) and
# usr/ (a sysroot fragment: the Xen libraries' headers and links).
set -eu
prog=build-xen-tools
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
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
	--disable-xsmpolicy \
	--with-system-qemu=/usr/lib/xen/bin/qemu-system-i386 \
	--with-system-seabios=/usr/share/seabios/bios-256k.bin \
	--with-xenstored=xenstored \
	CC="$CC" PYTHON=/usr/bin/python3 PKG_CONFIG=pkg-config \
	ac_cv_header_argp_h=yes

# the wanted parts of tools/, in dependency order; not tools/ as a whole,
# which also builds the Python bindings, pygrub, xentrace (xenalyze needs
# argp) and the rest
parts="include libs xenstore console helpers xl xentop hotplug examples"
inst=$work/inst
rm -rf "$inst"
for d in $parts; do
	say "build tools/$d with -j$JOBS"
	quiet make.log make -C "tools/$d" -j"$JOBS" CC="$CC"
done
# hvmloader: 32-bit firmware that runs inside HVM guests, freestanding (its
# own headers), so the host's compiler builds it, not the musl wrapper.
# SeaBIOS is not built here: libxl hands hvmloader Debian's (the device
# model's step lays it into the root at the path configure was given)
say "build tools/firmware (hvmloader)"
quiet make.log make -C tools/firmware -j"$JOBS" CC=gcc
quiet install.log make -C tools/firmware install CC=gcc DESTDIR="$inst"
# the libraries install their .pc files into this folder without making it
# (make -C tools would): made first, else each lands as a file of its name
mkdir -p "$inst/usr/lib/pkgconfig"
for d in $parts; do
	quiet install.log make -C "tools/$d" install CC="$CC" DESTDIR="$inst"
done
cd "$work"

root=$OUT/root
rm -rf "$root"
mkdir -p "$root"
. "${SRC_ROOT:?}/scripts/step/rootlib.sh"

# programs: what Xen installs in these folders (libexec is /usr/lib/xen/bin),
# and hvmloader, the HVM guests' firmware loader (/usr/lib/xen/boot)
for d in usr/bin usr/sbin usr/lib/xen/bin usr/lib/xen/boot; do
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

# the Xen libraries: every real file, reached by its soname; no dev links
mkdir -p "$root/usr/lib"
for f in "$inst"/usr/lib/lib*.so.*; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	soname=$(readelf -d "$f" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
	[ -n "$soname" ] || die "$f has no SONAME"
	copy_lib "$soname" "$inst/usr/lib"
done

# libraries from the sysroot (yajl, zlib, ...) that something in root/
# needs; then strip every ELF file
add_needed
strip_elfs

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

check_closure
write_manifest "$OUT/manifest"

# the sysroot fragment for steps that build against the Xen libraries (the
# device model): headers, the libraries' development links, pkg-config
mkdir -p "$OUT/usr/lib"
cp -a "$inst/usr/include" "$OUT/usr/"
cp -a "$inst/usr/lib/pkgconfig" "$OUT/usr/lib/"
cp -a "$inst"/usr/lib/lib*.so* "$OUT/usr/lib/"
total=$(du -sk "$root" | cut -f1)
say "done: $(wc -l <"$OUT/manifest") entries, $total KiB in root/"
