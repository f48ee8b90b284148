#!/bin/sh
# Build the demo guests' kernel from Debian's pinned linux source package
# (upstream tarball + Debian's patches + ours) with our fragment domu.config over
# `make allnoconfig`. Everything built in, no modules. Outputs in $OUT:
#   vmlinuz          the bzImage (zstd inside), what xl.cfg's kernel names
#   kernel-version   its `uname -r`
#   config           the full .config, for reading
# Environment: see builder/RECIPES.md (OUT, RECIPE_DIR, PIN_linux_src, JOBS).
set -eu

prog=build-kernel
# shellcheck source=../../scripts/step/steplib.sh
. "${SRC_ROOT:?}/scripts/step/steplib.sh"
# shellcheck source=../../scripts/step/kconfig.sh
. "${SRC_ROOT:?}/scripts/step/kconfig.sh"
: "${PIN_linux_src:?}"

fragment=$RECIPE_DIR/kernel/domu.config
[ -f "$fragment" ] || die "missing $fragment"
unpack "$PIN_linux_src"
# The kernel stamps time, user and host into its version string (uname -v,
# the boot banner). Fix them, so the same inputs give a byte-identical
# vmlinuz: the date is the upstream tarball's (its Makefile's, read before
# Debian's patches rewrite that file), as for Xen.
epoch=$(stat -c %Y src/Makefile)
# Debian's own patch series, as Debian's kernel is built (bug fixes,
# hardening defaults); they touch no option of ours
debian_patches "$PIN_linux_src" '*' >patches.log
# then ours (kernel/patches/, each one says why)
our_patches "$RECIPE_DIR/kernel/patches"

KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$epoch")
export KBUILD_BUILD_TIMESTAMP KBUILD_BUILD_USER=xenlive KBUILD_BUILD_HOST=xenlive \
	KBUILD_BUILD_VERSION=1

say "configure: allnoconfig + $(basename "$fragment") ($(wc -l <patches.log) Debian patches applied)"
make -s -C src allnoconfig >/dev/null
kconfig_fragment src "$fragment"

say "build with -j$JOBS"
quiet build.log make -C src -j"$JOBS" bzImage
# known once the build wrote include/config/kernel.release
version=$(make -s -C src kernelrelease)

cp src/arch/x86/boot/bzImage "$OUT/vmlinuz"
cp src/.config "$OUT/config"
echo "$version" >"$OUT/kernel-version"
say "done: Linux $version, vmlinuz $(wc -c <"$OUT/vmlinuz") bytes"
