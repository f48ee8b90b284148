#!/bin/sh
# GLib (glib, gthread, gmodule; gobject and gio come along), built with musl
# for QEMU, with Debian's patches (its security fixes). musl's libc has
# iconv and gettext, so neither library is needed; no NLS, no tests.
# Output: a sysroot fragment in $OUT/usr.
set -eu
prog=build-glib
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_glib_src:?}"

unpack "$PIN_glib_src"
debian_patches "$PIN_glib_src" '*'
say "configure"
# nodownload: a missing dependency fails here instead of fetching a wrap
quiet meson.log meson setup b src --prefix=/usr --libdir=lib \
	--buildtype=release --wrap-mode=nodownload -Ddefault_library=shared \
	-Dselinux=disabled -Dxattr=false -Dlibmount=disabled -Dman=false \
	-Dgtk_doc=false -Dtests=false -Dinstalled_tests=false -Dnls=disabled \
	-Dlibelf=disabled -Dsysprof=disabled -Dglib_debug=disabled \
	-Ddtrace=false -Dsystemtap=false -Dbsymbolic_functions=true
say "build with -j$JOBS"
quiet ninja.log ninja -C b -j "$JOBS"
DESTDIR=$OUT quiet ninja.log meson install -C b --no-rebuild
fragment_tidy
