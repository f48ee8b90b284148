#!/bin/sh
# Build the Xen hypervisor from the pinned upstream tarball, our patches and
# our Kconfig fragment. Outputs in $OUT: xen.gz, xen, xen-version.
# Environment: see builder/RECIPES.md (OUT, RECIPE_DIR, PIN_xen_src, JOBS).
set -eu

prog=build-xen
# shellcheck source=../scripts/step/steplib.sh
. "${SRC_ROOT:?}/scripts/step/steplib.sh"
# shellcheck source=../scripts/step/kconfig.sh
. "${SRC_ROOT:?}/scripts/step/kconfig.sh"
: "${PIN_xen_src:?}"

fragment=$RECIPE_DIR/xenlive.kconfig
[ -f "$fragment" ] || die "missing $fragment"
unpack "$PIN_xen_src"
our_patches "$RECIPE_DIR/patches"

# Xen stamps date, time, user, domain and host into compile.h (shown by
# `xl info` and the boot banner). Fix them: the date is the tarball's commit
# date (git archive sets every mtime to it), the rest are constants, so the
# same inputs give a byte-identical xen.gz. SOURCE_DATE_EPOCH also zeroes
# the PE timestamp of xen.efi. The changeset is the tarball's version.
epoch=$(stat -c %Y src/Makefile)
XEN_BUILD_DATE=$(date -u -d "@$epoch")
XEN_BUILD_TIME=$(date -u -d "@$epoch" +%T)
export SOURCE_DATE_EPOCH="$epoch" XEN_BUILD_DATE XEN_BUILD_TIME
export XEN_BUILD_HOST=xenlive XEN_WHOAMI=xenlive XEN_DOMAIN=xenlive
srcver=$(basename "$tarball" | sed 's/^xen_//; s/\.orig\.tar\..*$//')
echo "$srcver" >src/.scmversion

say "configure: defconfig + $(basename "$fragment")"
make -s -C src/xen defconfig >/dev/null
kconfig_fragment src/xen "$fragment"

version=$(make -s -C src/xen xenversion)
say "build Xen $version ($srcver) with -j$JOBS"
quiet build.log make -C src/xen -j"$JOBS"

# xen.gz (gzip -n, so no name or time inside) is what the build makes on
# x86; xen is the uncompressed ELF32 multiboot image it was made from
cp src/xen/xen.gz src/xen/xen "$OUT/"
echo "$version" >"$OUT/xen-version"
say "done: xen $(wc -c <"$OUT/xen") bytes, xen.gz $(wc -c <"$OUT/xen.gz") bytes"
