#!/bin/sh
# Build a static musl iptables (legacy backend only) from the pinned Debian
# source package's upstream tarball, for NAT/masquerade and forwarding in
# dom0. The extensions (MASQUERADE, conntrack, state, physdev, ...) are
# compiled into the one binary (--enable-static), so nothing is dlopen()ed.
# Outputs in $OUT: root/usr/sbin/xtables-legacy-multi (stripped, static) and
# the iptables, iptables-save, iptables-restore and ip6tables* links to it.
# Environment: see builder/RECIPES.md (OUT, RECIPE_DIR, PIN_iptables_src, JOBS).
set -eu

prog=build-iptables
# shellcheck source=../../scripts/step/steplib.sh
. "${SRC_ROOT:?}/scripts/step/steplib.sh"
: "${PIN_iptables_src:?}"
unset PKG_CONFIG_LIBDIR

unpack "$PIN_iptables_src"
rm -rf bin
mkdir bin
# the kernel headers (linux/netfilter*, asm/) iptables is built on
kernel_headers kinc

# The compiler: musl, static (libtool passes -static through to the link
# only from CC, not from LDFLAGS), build paths kept out of the binary.
cat >bin/cc <<WRAP
#!/bin/sh
exec musl-gcc -static -isystem "$PWD/kinc" -ffile-prefix-map="$PWD/"= "\$@"
WRAP
chmod +x bin/cc

# Legacy backend only: no nftables (libmnl, libnftnl), no connlabel
# (libnetfilter_conntrack), no bpf/nfsynproxy (libpcap), no libipq.
# PKG_CONFIG=false: the host's (glibc) libraries, e.g. libnfnetlink, must
# never be picked up; without it only nfnl_osf (not built) loses out.
say "configure"
(
	cd src
	./configure CC="$PWD/../bin/cc" CFLAGS="-O2" PKG_CONFIG=false \
		--prefix=/usr --sbindir=/usr/sbin --sysconfdir=/etc \
		--disable-shared --enable-static \
		--disable-nftables --disable-connlabel --disable-bpf-compiler \
		--disable-nfsynproxy --disable-libipq --disable-devel \
		--disable-dependency-tracking --with-xt-lock-name=/run/xtables.lock
) >configure.log 2>&1 || {
	tail -n 40 configure.log >&2
	die "configure failed, full log in $PWD/configure.log"
}
grep -q 'Put plugins into executable (static):[[:space:]]*yes' configure.log ||
	die "configure did not choose built-in extensions (see configure.log)"

say "build with musl-gcc, -j$JOBS"
quiet build.log make -C src -j"$JOBS"

bin=src/iptables/xtables-legacy-multi
[ -f "$bin" ] || die "make did not produce $bin"
sbin=$OUT/root/usr/sbin
mkdir -p "$sbin"
cp "$bin" "$sbin/xtables-legacy-multi"
strip "$sbin/xtables-legacy-multi"
x=$sbin/xtables-legacy-multi
file "$x" | grep -q 'statically linked' || die "not static: $(file "$x")"
file "$x" | grep -q ', stripped' || die "not stripped: $(file "$x")"
# the multi binary picks its personality from argv[0]'s basename
for l in iptables iptables-save iptables-restore \
	ip6tables ip6tables-save ip6tables-restore; do
	ln -s xtables-legacy-multi "$sbin/$l"
done

# smoke tests (no root, no kernel tables needed): the version, and the
# help of every extension NAT/forwarding in dom0 relies on, which fails
# when an extension was not built in
"$sbin/iptables" -V >version.txt 2>&1 || die "iptables -V fails: $(cat version.txt)"
grep -q '(legacy)' version.txt || die "not the legacy backend: $(cat version.txt)"
"$sbin/ip6tables" -V >/dev/null 2>&1 || die "ip6tables -V fails"
check() {
	"$sbin/iptables" "$@" --help >help.txt 2>&1 || {
		tail -n 5 help.txt >&2
		die "iptables $* --help fails"
	}
}
check -t nat -j MASQUERADE
grep -q 'MASQUERADE target options' help.txt || die "MASQUERADE not built in"
check -t nat -j SNAT
grep -q 'SNAT target options' help.txt || die "SNAT not built in"
check -t nat -j DNAT
grep -q 'DNAT target options' help.txt || die "DNAT not built in"
check -m conntrack
grep -q 'conntrack match options' help.txt || die "conntrack match not built in"
check -m state
grep -q 'state match options' help.txt || die "state match not built in"
check -m physdev
grep -q 'physdev match options' help.txt || die "physdev match not built in"
check -p tcp -m tcp
grep -q 'tcp match options' help.txt || die "tcp match not built in"
check -p udp -m udp
grep -q 'udp match options' help.txt || die "udp match not built in"
# the other personalities answer to their link names
for l in iptables-save iptables-restore ip6tables-save ip6tables-restore; do
	v=$("$sbin/$l" -V 2>&1) || die "$l -V fails: $v"
	case $v in "$l v"*) ;; *) die "$l -V gave: $v" ;; esac
done

say "done: xtables-legacy-multi $(wc -c <"$x") bytes, $(cat version.txt)"
