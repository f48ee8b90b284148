#!/bin/sh
# ncurses for xentop (Xen's configure insists on curses), built with musl:
# the shared libncurses (terminfo part included, narrow characters) and the
# compiled terminfo entries of the terminals a dom0 console is likely to be.
# Output: a sysroot fragment in $OUT/usr, terminfo in $OUT/usr/share/terminfo.
set -eu
prog=build-ncurses
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_ncurses_src:?}"
terms=linux,vt100,vt102,vt220,xterm,xterm-256color,xterm-color,screen,screen-256color,tmux,tmux-256color,dumb

unpack "$PIN_ncurses_src"
cd src
say "configure"
quiet configure.log ./configure --prefix=/usr --libdir=/usr/lib \
	--with-shared --without-normal --without-debug --without-termlib \
	--without-cxx --without-cxx-binding --without-ada --without-tests \
	--without-manpages --without-gpm --disable-db-install \
	--with-default-terminfo-dir=/usr/share/terminfo \
	--with-terminfo-dirs=/usr/share/terminfo \
	--enable-pc-files --with-pkg-config-libdir=/usr/lib/pkgconfig
say "build with -j$JOBS"
# the library and tic; not panel, menu, form or the other programs
quiet make.log make -j"$JOBS" -C include
quiet make.log make -j"$JOBS" -C ncurses
quiet make.log make -j"$JOBS" -C progs tic
quiet make.log make -C include install DESTDIR="$OUT"
quiet make.log make -C ncurses install DESTDIR="$OUT"
quiet make.log make -C misc install.libs DESTDIR="$OUT"

# the tic just built runs here under the host's musl loader
say "terminfo: $terms"
mkdir -p "$OUT/usr/share/terminfo"
LD_LIBRARY_PATH=$PWD/lib quiet tic.log progs/tic -x -s \
	-o "$OUT/usr/share/terminfo" -e "$terms" misc/terminfo.src
# the panel, menu and form libraries were not built
rm -f "$OUT"/usr/lib/pkgconfig/panel.pc "$OUT"/usr/lib/pkgconfig/menu.pc \
	"$OUT"/usr/lib/pkgconfig/form.pc
fragment_tidy
