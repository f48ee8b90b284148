#!/bin/sh
# Dropbear for dom0 (the lab's SSH: server, client, key tool), from Debian's
# dropbear source package with Debian's patch series (its CVE fixes among
# them), built with musl as one dropbearmulti binary, dynamic against
# dom0's musl, with our localoptions.h. No zlib: compression only slows
# a lab LAN down, and it saves a library.
# Output: $OUT/root/usr/sbin/dropbearmulti and the relative links
# usr/sbin/dropbear, usr/bin/dbclient, usr/bin/dropbearkey.
set -eu
prog=build-dropbear
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_dropbear_src:?}"

unpack "$PIN_dropbear_src"
debian_patches "$PIN_dropbear_src" '*'
cp "$RECIPE_DIR/localoptions.h" src/localoptions.h
cd src
say "configure"
# the bundled libtomcrypt/libtommath, never the host's; no login records
# (dom0 keeps no utmp/wtmp/lastlog) and no shadow file lookups (no
# password authentication)
quiet configure.log ./configure --prefix=/usr --disable-zlib \
	--enable-bundled-libtom --disable-pam --disable-shadow \
	--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp \
	--disable-wtmpx --disable-loginfunc --disable-pututline \
	--disable-pututxline
say "build with -j$JOBS"
quiet make.log make -j"$JOBS" PROGRAMS="dropbear dbclient dropbearkey" \
	MULTI=1 dropbearmulti
mkdir -p "$OUT/root/usr/sbin" "$OUT/root/usr/bin"
cp dropbearmulti "$OUT/root/usr/sbin/dropbearmulti"
strip "$OUT/root/usr/sbin/dropbearmulti"
ln -s dropbearmulti "$OUT/root/usr/sbin/dropbear"
ln -s ../sbin/dropbearmulti "$OUT/root/usr/bin/dbclient"
ln -s ../sbin/dropbearmulti "$OUT/root/usr/bin/dropbearkey"
say "dropbearmulti: $(wc -c <"$OUT/root/usr/sbin/dropbearmulti") bytes"
