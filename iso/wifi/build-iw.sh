#!/bin/sh
# iw (nl80211 configuration: devices, scans, regulatory domain) from
# Debian's iw source package, built with musl, libnl linked in, dynamic
# against dom0's musl libc alone; and the wireless regulatory database as
# Debian's wireless-regdb package ships it, with Debian's signature, which
# the Debian kernel's cfg80211 checks against the key built into it.
# Output: $OUT/root/usr/sbin/iw, $OUT/root/lib/firmware/regulatory.db and
# regulatory.db.p7s.
set -eu
prog=build-iw
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_iw_src:?}" "${PIN_wireless_regdb:?}"

unpack "$PIN_iw_src"
say "build with -j$JOBS"
CFLAGS="-Os -ffunction-sections -fdata-sections"
LDFLAGS="-Wl,--gc-sections"
PKG_CONFIG=pkg-config
export CFLAGS LDFLAGS PKG_CONFIG
quiet make.log make -C src -j"$JOBS" V=1 iw
f=$OUT/root/usr/sbin/iw
mkdir -p "$OUT/root/usr/sbin"
cp src/iw "$f"
strip --strip-all "$f"
interp=$(readelf -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
needed=$(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | tr '\n' ' ')
[ "$interp" = /lib/ld-musl-x86_64.so.1 ] && [ "$needed" = "libc.so " ] ||
	die "iw: interpreter '$interp', needs '$needed' (want musl's loader and libc.so only)"
say "iw: $(wc -c <"$f") bytes"

set -- "$PIN_wireless_regdb"/wireless-regdb_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || die "want one wireless-regdb_*.deb in $PIN_wireless_regdb, found: $*"
rm -rf regdb
dpkg-deb -x "$1" regdb
mkdir -p "$OUT/root/lib/firmware"
cp regdb/lib/firmware/regulatory.db-debian "$OUT/root/lib/firmware/regulatory.db"
cp regdb/lib/firmware/regulatory.db.p7s-debian "$OUT/root/lib/firmware/regulatory.db.p7s"
say "regulatory.db: $(wc -c <"$OUT/root/lib/firmware/regulatory.db") bytes, from $(basename "$1")"
