#!/bin/sh
# drbd-utils for dom0, built with musl from the pinned Debian source's
# upstream tarball (9.22.0; the mirror does not serve its .debian.tar, and
# none of Debian's packaging is needed for the tools).
# Debian 12's drbd.ko is DRBD 8.4. drbdadm and drbdsetup are the DRBD 9
# tools: they read the module's version (/proc/drbd, else `modinfo -F
# version drbd`) and, for 8.4, exec drbdadm-84 / drbdsetup-84, looked up
# in PATH plus /lib/drbd. drbdmeta handles both metadata formats (v08 for
# 8.4). Linked dynamically against musl's libc.so, which dom0 has.
# Output: $OUT/root/usr/sbin/{drbdadm,drbdsetup,drbdmeta},
# $OUT/root/lib/drbd/{drbdadm-84,drbdsetup-84}, $OUT/root/etc/drbd.conf,
# the empty folders etc/drbd.d (resource files) and var/lib/drbd.
set -eu
prog=build-drbd-utils
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_drbd_utils_src:?}"

unpack "$PIN_drbd_utils_src"
our_patches "$RECIPE_DIR/patches"
cd src
# the build tag says "reproducible build" and the tarball's date instead of
# user@host and the clock
WANT_DRBD_REPRODUCIBLE_BUILD=1
SOURCE_DATE_EPOCH=$(stat -c %Y configure)
export WANT_DRBD_REPRODUCIBLE_BUILD SOURCE_DATE_EPOCH
say "configure"
# no 8.3 tools (no such kernel), no drbdmon (C++), no man pages, udev rules,
# Xen block-drbd script (bash), cluster manager glue or init scripts
quiet configure.log ./configure CFLAGS=-O2 --prefix=/usr --sysconfdir=/etc \
	--localstatedir=/var --with-distro=generic --with-84support \
	--without-83support --without-drbdmon --without-manual --without-udev \
	--without-xen --without-pacemaker --without-heartbeat \
	--without-rgmanager --without-bashcompletion --with-initscripttype=none
# the tools only: the top-level make would also visit scripts/
say "build with -j$JOBS"
quiet make.log make -C user/shared
quiet make.log make -j"$JOBS" -C user/v9 drbdadm drbdsetup drbdmeta
quiet make.log make -j"$JOBS" -C user/v84 drbdadm-84 drbdsetup-84

r=$OUT/root
mkdir -p "$r/usr/sbin" "$r/lib/drbd" "$r/etc/drbd.d" "$r/var/lib/drbd"
cp user/v9/drbdadm user/v9/drbdsetup user/v9/drbdmeta "$r/usr/sbin/"
cp user/v84/drbdadm-84 user/v84/drbdsetup-84 "$r/lib/drbd/"
# a new file, not cp: its mode must not be the checkout's (umask)
cat "$RECIPE_DIR/drbd.conf" >"$r/etc/drbd.conf"
for f in usr/sbin/drbdadm usr/sbin/drbdsetup usr/sbin/drbdmeta \
	lib/drbd/drbdadm-84 lib/drbd/drbdsetup-84; do
	strip "$r/$f"
	say "$f: $(wc -c <"$r/$f") bytes"
done
