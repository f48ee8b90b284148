#!/bin/sh
# libnl-3 and libnl-genl-3 (netlink and generic netlink) from Debian's
# libnl3 source package, static archives built with musl, for
# wpa_supplicant's nl80211 driver and iw, which link them in: nothing of
# libnl goes into dom0 itself. The other libnl libraries (route, nf, ...)
# are not built.
# Output: $OUT/usr/include/libnl3/netlink/, $OUT/usr/lib/libnl-3.a,
# libnl-genl-3.a and their pkg-config files.
set -eu
prog=build-libnl
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_libnl3_src:?}"

unpack "$PIN_libnl3_src"
cd src
say "configure"
quiet configure.log ./configure CC="$CC" CFLAGS="-Os -ffunction-sections -fdata-sections" \
	--prefix=/usr --sysconfdir=/etc --disable-shared --enable-static \
	--enable-cli=no --disable-debug --disable-dependency-tracking
say "build with -j$JOBS"
quiet make.log make -j"$JOBS" lib/libnl-3.la lib/libnl-genl-3.la
mkdir -p "$OUT/usr/include/libnl3" "$OUT/usr/lib/pkgconfig"
cp lib/.libs/libnl-3.a lib/.libs/libnl-genl-3.a "$OUT/usr/lib/"
# the headers of the source and the one configure made (version.h)
cp -R include/netlink "$OUT/usr/include/libnl3/"
find "$OUT/usr/include/libnl3" ! -name '*.h' -type f -delete
# the pkg-config files, with the prefix the sysroot's pkg-config maps
for pc in libnl-3.0 libnl-genl-3.0; do
	sed 's,^prefix=.*,prefix=/usr,' "$pc.pc" >"$OUT/usr/lib/pkgconfig/$pc.pc"
done
say "libnl-3.a $(wc -c <"$OUT/usr/lib/libnl-3.a") bytes, libnl-genl-3.a $(wc -c <"$OUT/usr/lib/libnl-genl-3.a") bytes"
