#!/bin/sh
# Build GRUB's x86_64-efi modules and grub-mkimage from the pinned Debian
# grub2 source: the upstream tarball, Debian's whole patch series (what
# Debian's grub-efi-amd64-bin is built from; some of its patches change
# configure.ac and the module lists, hence autogen.sh), then our patches.
# Outputs in $OUT: grub-mkimage, x86_64-efi/ (its -d folder).
# Environment: see builder/RECIPES.md (OUT, RECIPE_DIR, PIN_grub2_src, JOBS).
set -eu

prog=build-grub-efi
# shellcheck source=../../../scripts/step/steplib.sh
. "${SRC_ROOT:?}/scripts/step/steplib.sh"
: "${PIN_grub2_src:?}"

# one_file GLOB: the pin's one file matching GLOB (the lock picks the version)
one_file() {
	# shellcheck disable=SC2086 # GLOB is meant to expand
	set -- "$PIN_grub2_src"/$1
	if [ $# -ne 1 ] || [ ! -f "$1" ]; then
		die "want one file in $PIN_grub2_src, found: $*"
	fi
	echo "$1"
}
tarball=$(one_file '*.orig.tar.xz')
debian=$(one_file '*.debian.tar.xz')

start=$(date +%s)
say "unpack $(basename "$tarball") and $(basename "$debian")"
rm -rf src debian
mkdir src
tar -xf "$tarball" -C src --strip-components=1
tar -xf "$debian" debian/patches

grep -v '^[[:space:]]*\(#\|$\)' debian/patches/series >series
while read -r p _; do
	patch -p1 -s -N -d src <"debian/patches/$p" >/dev/null ||
		die "Debian patch $p does not apply"
done <series
say "applied Debian's $(wc -l <series) patches"
our_patches "$RECIPE_DIR/patches"

cd src
say "autogen"
quiet autogen.log env PYTHON=python3 ./autogen.sh
say "configure for x86_64-efi"
quiet configure.log ./configure --with-platform=efi --target=x86_64 \
	--disable-nls --disable-grub-mkfont --disable-grub-themes \
	--disable-grub-mount --disable-device-mapper --disable-liblzma \
	--disable-libzfs --disable-dependency-tracking
say "build modules and grub-mkimage with -j$JOBS"
quiet make.log make -j"$JOBS" -C grub-core
quiet make.log make -j"$JOBS" -C grub-core/lib/gnulib
quiet make.log make -j"$JOBS" grub-mkimage

mkdir "$OUT/x86_64-efi"
cp grub-core/kernel.img grub-core/*.mod grub-core/*.lst "$OUT/x86_64-efi/"
cp grub-mkimage "$OUT/grub-mkimage"
strip "$OUT/grub-mkimage"
set -- "$OUT"/x86_64-efi/*.mod
say "done in $(($(date +%s) - start)) s: $# modules"
