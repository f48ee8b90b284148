#!/bin/sh
# libcrypto from Debian's openssl source package, a static archive built
# with musl, for wpa_supplicant: WPA3's SAE needs elliptic curves and big
# numbers, which wpa_supplicant takes from OpenSSL (or wolfSSL), not from
# its internal crypto. wpa_supplicant links it in (with --gc-sections, only
# what it calls), so nothing of OpenSSL goes into dom0 itself. No libssl,
# no engines or providers to load, no tests, no error strings, none of the
# ciphers and digests Wi-Fi does not use (DES and MD4 stay: wpa_supplicant's
# OpenSSL code calls them); plain C (no-asm): the handshakes need no speed
# and the build needs no assembler sources.
# Output: $OUT/usr/include/openssl/, $OUT/usr/lib/libcrypto.a.
set -eu
prog=build-libcrypto
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_openssl_src:?}"

unpack "$PIN_openssl_src"
debian_patches "$PIN_openssl_src" '*'
cd src
say "configure"
# the compiler by name, from PATH: OpenSSL keeps its command line in the
# library (OpenSSL_version's "compiler:"), and $CC is a path in this
# step's folder
PATH=${CC%/*}:$PATH
quiet configure.log ./Configure linux-x86_64 CC="${CC##*/}" \
	CFLAGS="-Os -ffunction-sections -fdata-sections" \
	--prefix=/usr --libdir=lib --openssldir=/etc/ssl \
	no-shared no-module no-engine no-dso no-asm no-async no-afalgeng \
	no-ktls no-tests no-ui-console no-cms no-ct no-ocsp no-srp no-ts \
	no-cmp no-comp no-err no-sock no-aria no-bf no-blake2 no-camellia \
	no-cast no-chacha no-poly1305 no-dsa no-ec2m no-gost no-idea no-mdc2 \
	no-ocb no-rc2 no-rc4 no-rmd160 no-scrypt no-seed no-siphash no-siv \
	no-sm2 no-sm3 no-sm4 no-srtp no-whirlpool
say "build libcrypto.a with -j$JOBS"
quiet make.log make -j"$JOBS" build_generated
quiet make.log make -j"$JOBS" libcrypto.a
mkdir -p "$OUT/usr/include" "$OUT/usr/lib"
cp libcrypto.a "$OUT/usr/lib/"
cp -R include/openssl "$OUT/usr/include/"
say "libcrypto.a $(wc -c <"$OUT/usr/lib/libcrypto.a") bytes"
