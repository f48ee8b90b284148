#!/bin/sh
# tests/dom0/run.sh: static checks of the dom0 root the build made
# (build/out/rootfs/dom0.sfs): no glibc anywhere, every dynamic program
# finds its loader and libraries inside the root, the toolstack is there,
# the disk tools (mkfs.ext4, sfdisk, e2fsck) work.
# Prints PASS/FAIL per check and `N passed, N failed`.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
sfs=${SFS:-$top/build/out/rootfs/dom0.sfs}
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
ko() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

[ -f "$sfs" ] || { echo "FAIL setup: no $sfs (run make first)"; echo "0 passed, 1 failed"; exit 1; }
t=$(mktemp -d)
# ours to undo at exit, whatever check ran last: the ssh test's server and
# network namespace holder (stopped by id; a holder left running keeps the
# suite's output pipe open for minutes), the DRBD test's loop device
ns='' srv='' drbd_loop=''
cleanup() {
	for p in $srv $ns; do kill "$p" 2>/dev/null; done
	[ -z "$drbd_loop" ] || losetup -d "$drbd_loop"
	rm -rf "$t"
}
trap cleanup EXIT
unsquashfs -q -n -d "$t/root" "$sfs" >/dev/null || { echo "FAIL setup: unsquashfs"; echo "0 passed, 1 failed"; exit 1; }
r=$t/root

# every ELF file: static, or interpreted by musl's loader with its NEEDED
# libraries present in the root (/lib or /usr/lib) and none of glibc's
bad=
n=0
for f in $(find "$r" -type f); do
	head -c 4 "$f" | grep -q 'ELF' || continue
	n=$((n + 1))
	interp=$(readelf -l "$f" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	case $interp in
	''|/lib/ld-musl-x86_64.so.1) ;;
	*) bad="$bad ${f#$r}(interpreter $interp)" ;;
	esac
	for lib in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		case $lib in
		libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|librt.so.1|ld-linux*)
			bad="$bad ${f#$r}(glibc $lib)" ;;
		libc.so) ;; # musl's libc is its loader
		*) [ -e "$r/lib/$lib" ] || [ -e "$r/usr/lib/$lib" ] ||
			bad="$bad ${f#$r}(missing $lib)" ;;
		esac
	done
done
if [ "$n" -lt 10 ]; then ko elf-files "only $n ELF files found"
elif [ -n "$bad" ]; then ko no-glibc "$bad"
else ok "no-glibc ($n ELF files, all static or musl)"; fi

for p in bin/busybox usr/sbin/xl usr/sbin/xenstored usr/sbin/xenconsoled \
	usr/lib/xen/bin/xenconsole usr/lib/xen/bin/xen-init-dom0 usr/sbin/xentop \
	lib/ld-musl-x86_64.so.1 sbin/init etc/init.d/rcS; do
	[ -e "$r/$p" ] || missing="${missing:-} /$p"
done
if [ -n "${missing:-}" ]; then ko toolstack "missing:$missing"; else ok toolstack-present; fi

# the dashboard (iso/dom0/console/) and the terminal types it is drawn
# on: the screen (linux), serial terminals (vt100, xterm), screen/tmux;
# tty1 runs it, tty2 has a shell
dash_bad=
for p in usr/sbin/xenlive-console usr/share/terminfo/l/linux \
	usr/share/terminfo/v/vt100 usr/share/terminfo/x/xterm \
	usr/share/terminfo/x/xterm-256color usr/share/terminfo/s/screen; do
	[ -e "$r/$p" ] || dash_bad="$dash_bad /$p(missing)"
done
grep -q '^tty1::respawn:/etc/init.d/tty1-shell$' "$r/etc/inittab" || dash_bad="$dash_bad inittab(no tty1 line)"
grep -q '^tty2::' "$r/etc/inittab" || dash_bad="$dash_bad inittab(no tty2 line)"
grep -q 'xenlive-console' "$r/etc/init.d/tty1-shell" || dash_bad="$dash_bad tty1-shell(no dashboard)"
if [ -n "$dash_bad" ]; then ko dashboard "$dash_bad"
else ok "dashboard (xenlive-console, terminfo linux vt100 xterm xterm-256color screen, tty1 and tty2 in inittab)"; fi

# busybox itself must be static: the initramfs and rescue paths rely on it
if [ ! -f "$r/bin/busybox" ]; then
	ko busybox-static "no bin/busybox"
elif readelf -l "$r/bin/busybox" | grep -q 'program interpreter'; then
	ko busybox-static "bin/busybox is dynamic"
else ok busybox-static; fi

# DRBD (iso/lab/): the tools are musl programs and drbd.ko, DRBD 8.4 as in
# Debian 12's kernel, is in the module tree with what it needs
drbd_bad=
for p in usr/sbin/drbdadm usr/sbin/drbdsetup usr/sbin/drbdmeta \
	lib/drbd/drbdadm-84 lib/drbd/drbdsetup-84; do
	[ -f "$r/$p" ] || { drbd_bad="$drbd_bad /$p(missing)"; continue; }
	interp=$(readelf -l "$r/$p" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	needed=$(readelf -d "$r/$p" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	[ "$interp" = /lib/ld-musl-x86_64.so.1 ] && [ "$needed" = "libc.so " ] ||
		drbd_bad="$drbd_bad /$p(interpreter '$interp', needs '$needed')"
done
[ -f "$r/etc/drbd.conf" ] || drbd_bad="$drbd_bad /etc/drbd.conf(missing)"
if [ -n "$drbd_bad" ]; then ko drbd-tools "$drbd_bad"; else ok drbd-tools; fi

kver=$(ls "$r/lib/modules")
mods=$r/lib/modules/$kver
drbd_ko=$(sed -n 's,^\([^:]*/drbd\.ko\):.*,\1,p' "$mods/modules.dep" 2>/dev/null)
drbd_ver=
if [ -z "$drbd_ko" ] || [ ! -f "$mods/$drbd_ko" ]; then
	ko drbd-module "no drbd.ko in /lib/modules/$kver/modules.dep"
else
	drbd_ver=$(PATH=$PATH:/sbin:/usr/sbin modinfo -F version "$mods/$drbd_ko")
	drbd_bad=
	deps=$(sed -n 's,^[^:]*/drbd\.ko:,,p' "$mods/modules.dep")
	for d in $deps; do
		[ -f "$mods/$d" ] || drbd_bad="$drbd_bad $d"
	done
	case $drbd_ver in
	8.4.*) if [ -n "$drbd_bad" ]; then ko drbd-module "missing dependencies:$drbd_bad"
		else ok "drbd-module (drbd.ko $drbd_ver)"; fi ;;
	*) ko drbd-module "drbd.ko version '$drbd_ver', not 8.4" ;;
	esac
fi

# The rest runs the tools in the root as dom0 would (chroot, as root), with
# /proc/drbd faked from the module's version: drbdadm and drbdsetup must
# hand over to the 8.4 tools in /lib/drbd, drbdadm must read
# /etc/drbd.conf and its drbd.d/*.res, take the `on` section of this host
# (uname -n) and write 8.4 metadata on a block device (a loop device).
in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$r" "$@"; }
if [ "$(id -u)" -ne 0 ]; then
	ko drbd-dispatch "needs root (chroot, losetup)"
elif [ -z "$drbd_ver" ]; then
	ko drbd-dispatch "no drbd.ko version to fake /proc/drbd with"
elif ! truncate -s 64M "$t/t0.img" || ! drbd_loop=$(losetup -f --show "$t/t0.img"); then
	ko drbd-dispatch "no loop device for $t/t0.img"
else
	echo "version: $drbd_ver (api:1/proto:86-101)" >"$r/proc/drbd"
	code=$(echo "$drbd_ver" | awk -F. '{ printf "0x%02x%02x%02x", $1, $2, $3 }')
	out=$(in_root drbdadm --version 2>&1)
	out2=$(in_root drbdsetup no-such-command 2>&1)
	case $out in
	*DRBDADM_API_VERSION=1*DRBD_KERNEL_VERSION_CODE=$code*)
		# 8.4's usage line; DRBD 9's reads "command {arguments} [options]"
		case $out2 in
		*'USAGE: drbdsetup command device arguments options'*) ok drbd-dispatch ;;
		*) ko drbd-dispatch "drbdsetup did not reach drbdsetup-84: $(echo "$out2" | head -n 3)" ;;
		esac ;;
	*) ko drbd-dispatch "drbdadm --version did not come from drbdadm-84: $out" ;;
	esac

	h=$(uname -n)
	mknod "$r$drbd_loop" b "0x$(stat -c %t "$drbd_loop")" "0x$(stat -c %T "$drbd_loop")"
	mkdir -p "$r/var/lock"
	cat >"$r/etc/drbd.d/t0.res" <<RES
resource t0 {
	device /dev/drbd7;
	meta-disk internal;
	on xenlive-peer { disk /dev/xvdz; address 192.0.2.2:7790; }
	on $h { disk $drbd_loop; address 192.0.2.1:7790; }
}
RES
	out=$(in_root drbdadm -d up t0 2>&1)
	case $out in
	*"drbdsetup-84 attach 7 $drbd_loop $drbd_loop internal"*"drbdsetup-84 connect t0 ipv4:192.0.2.1:7790 ipv4:192.0.2.2:7790"*)
		ok drbd-config ;;
	*) ko drbd-config "drbdadm -d up t0 printed: $out" ;;
	esac

	# internal metadata: a 4 KiB superblock at the device's last 4 KiB,
	# the 8.4 magic 0x8374026b at byte 60 of it
	size=$(stat -c %s "$t/t0.img")
	in_root drbdadm create-md t0 </dev/null >"$t/md.log" 2>&1
	rc=$?
	magic=$(od -A n -t x1 -j $((size - 4096 + 60)) -N 4 "$t/t0.img" | tr -d ' ')
	if [ "$rc" -ne 0 ] || [ "$magic" != 8374026b ] ||
		! in_root drbdadm dump-md t0 2>>"$t/md.log" | grep -q '^version "v08";'; then
		ko drbd-create-md "exit $rc, magic '$magic': $(tail -n 5 "$t/md.log")"
	else ok drbd-create-md; fi
fi

# the disk tools (iso/disk/) run and make what the persistence and install
# commands rely on: an ext4 with a label, a GPT with the fixed layout
for p in usr/sbin/mkfs.ext4 usr/sbin/sfdisk usr/sbin/partx \
	usr/lib/xenlive/grub/boot.img usr/lib/xenlive/grub/core.img \
	usr/lib/xenlive/grub/esp.img.gz usr/sbin/xenlive-persistence \
	usr/sbin/xenlive-install usr/lib/xenlive/disk.sh; do
	[ -e "$r/$p" ] || dmissing="${dmissing:-} /$p"
done
ld=$r/lib/ld-musl-x86_64.so.1
if [ -n "${dmissing:-}" ]; then ko disk-tools "missing:$dmissing"
elif ! truncate -s 80M "$t/disk.img" ||
	! "$ld" "$r/usr/sbin/mkfs.ext4" -q -F -L persistence "$t/disk.img" >"$t/mkfs.log" 2>&1 ||
	! dumpe2fs -h "$t/disk.img" 2>/dev/null | grep -q '^Filesystem volume name: *persistence$'; then
	ko disk-tools "mkfs.ext4 did not make a labelled ext4: $(cat "$t/mkfs.log")"
elif ! printf 'size=1MiB, type=21686148-6E49-704E-6174-656564454649\nsize=64MiB, type=U\ntype=L\n' |
	"$ld" "$r/usr/sbin/sfdisk" -q -X gpt "$t/disk.img" >"$t/sfdisk.log" 2>&1 ||
	[ "$("$ld" "$r/usr/sbin/sfdisk" -d "$t/disk.img" | grep -c '^/')" != 3 ]; then
	ko disk-tools "sfdisk did not write a 3-partition GPT: $(cat "$t/sfdisk.log")"
else ok disk-tools; fi

# e2fsck is static (the guest images have no musl loader) and finds the
# backup superblock of a file system whose primary one is damaged, as
# dom0's user is told to do for a guest disk that no longer checks clean
e2=$r/usr/sbin/e2fsck
if [ ! -f "$e2" ]; then ko e2fsck "no /usr/sbin/e2fsck"
elif readelf -l "$e2" | grep -q 'program interpreter'; then ko e2fsck "e2fsck is dynamic"
elif ! truncate -s 64M "$t/ext2.img" || ! mkfs.ext2 -q -F "$t/ext2.img" ||
	! printf '\000\000' | dd of="$t/ext2.img" bs=1 seek=1080 conv=notrunc 2>/dev/null; then
	ko e2fsck "could not make a damaged ext2 image"
else
	"$e2" -fy "$t/ext2.img" >"$t/fsck.log" 2>&1
	rc=$?
	magic=$(od -A n -t x1 -j 1080 -N 2 "$t/ext2.img" | tr -d ' ')
	if [ "$rc" -ne 1 ] || [ "$magic" != 53ef ] ||
		! "$e2" -fn "$t/ext2.img" >>"$t/fsck.log" 2>&1; then
		ko e2fsck "exit $rc, magic $magic, not repaired: $(tail -n 3 "$t/fsck.log")"
	else ok e2fsck; fi
fi

# Dropbear (iso/lab/): one musl dropbearmulti with relative links for the
# server, the client and the key tool, started by nothing in /etc (dom0
# opens no port by default)
db=$r/usr/sbin/dropbearmulti
dlinks=
for l in usr/sbin/dropbear usr/bin/dbclient usr/bin/dropbearkey; do
	[ -L "$r/$l" ] && [ "$(readlink -f "$r/$l")" = "$(readlink -f "$db")" ] ||
		dlinks="$dlinks /$l"
done
if [ ! -f "$db" ]; then ko dropbear "no /usr/sbin/dropbearmulti"
elif ! readelf -l "$db" | grep -q 'program interpreter: /lib/ld-musl-x86_64.so.1]'; then
	ko dropbear "dropbearmulti is not a musl program"
elif [ -n "$dlinks" ]; then ko dropbear "not links to dropbearmulti:$dlinks"
elif started=$(grep -rl dropbear "$r/etc"); then
	ko dropbear "something in /etc may start it: $started"
else ok "dropbear ($(wc -c <"$db") bytes, musl, not started at boot)"; fi

# A real login over loopback with the built server and client, chrooted
# into the unpacked root (so they run as in dom0, with its musl,
# /etc/passwd and /root, never the host's) and in a private network
# namespace (its own lo: the port is free, nothing reaches the host's
# network). Only the client key in /root/.ssh/authorized_keys gets in.
ssh_loopback() {
	[ "$(id -u)" = 0 ] || { ko ssh-login "needs root (unshare, chroot)"; return; }
	for c in unshare nsenter ip chroot ssh timeout; do
		command -v "$c" >/dev/null ||
			{ ko ssh-login "no $c on this host (scripts/host-deps test)"; return; }
	done
	[ -f "$db" ] || { ko ssh-login "no dropbear in the root"; return; }
	# the device nodes dropbear and the shell use; made, not bind-mounted,
	# so removing $t can never reach the host's /dev
	# (a redirection to /dev/null in an earlier chroot made it a file)
	rm -f "$r/dev/null" "$r/dev/urandom"
	if ! mknod -m 666 "$r/dev/null" c 1 3 || ! mknod -m 666 "$r/dev/urandom" c 1 9; then
		ko ssh-login "mknod in the root failed"
		return
	fi
	mkdir -p "$r/etc/dropbear" "$r/root/.ssh"
	chmod 700 "$r/root/.ssh"
	for k in etc/dropbear/dropbear_ed25519_host_key root/lab_key root/stranger_key; do
		chroot "$r" /usr/bin/dropbearkey -t ed25519 -f "/$k" >>"$t/keys.log" 2>&1 ||
			{ ko ssh-login "dropbearkey -t ed25519 failed: $(tail -n 3 "$t/keys.log")"; return; }
	done
	chroot "$r" /usr/bin/dropbearkey -y -f /root/lab_key | grep '^ssh-ed25519 ' \
		>"$r/root/.ssh/authorized_keys"
	chmod 600 "$r/root/.ssh/authorized_keys"
	fp() { chroot "$r" /usr/bin/dropbearkey -y -f "$1" | sed -n 's/^Fingerprint: //p'; }
	hostfp=$(fp /etc/dropbear/dropbear_ed25519_host_key)
	labfp=$(fp /root/lab_key)
	if [ ! -s "$r/root/.ssh/authorized_keys" ] || [ -z "$hostfp" ] || [ -z "$labfp" ]; then
		ko ssh-login "dropbearkey -y printed no public key or fingerprint"
		return
	fi

	unshare -n sleep 300 &
	ns=$!
	# until unshare has made it, $ns is still in the host's namespace
	i=0
	while [ "$(readlink "/proc/$ns/ns/net")" = "$(readlink /proc/self/ns/net)" ] &&
		[ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ "$(readlink "/proc/$ns/ns/net")" = "$(readlink /proc/self/ns/net)" ] ||
		! nsenter -t "$ns" -n ip link set lo up; then
		ko ssh-login "no loopback in a private network namespace"
		return
	fi
	HOME=/root nsenter -t "$ns" -n chroot "$r" /usr/sbin/dropbear -F -E \
		-p 127.0.0.1:2222 -r /etc/dropbear/dropbear_ed25519_host_key \
		-P /run/dropbear.pid >"$t/dropbear.log" 2>&1 &
	srv=$!
	i=0
	while ! grep -q 'Not backgrounding' "$t/dropbear.log" && [ $i -lt 50 ]; do
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.2
		i=$((i + 1))
	done
	if ! grep -q 'Not backgrounding' "$t/dropbear.log"; then
		ko ssh-login "dropbear did not start: $(tail -n 3 "$t/dropbear.log")"
		return
	fi
	# dbclient KEYARGS...: run a command on the server as root; -y accepts
	# the host key (checked below against the one generated)
	# shellcheck disable=SC2016 # the server's shell expands it
	dbc() {
		HOME=/root timeout 30 nsenter -t "$ns" -n chroot "$r" /usr/bin/dbclient \
			-y "$@" -p 2222 root@127.0.0.1 'echo ssh-ok $((6 * 7))' \
			</dev/null >"$t/out" 2>"$t/err"
	}
	if ! dbc -i /root/lab_key || [ "$(cat "$t/out")" != "ssh-ok 42" ]; then
		ko ssh-login "dbclient with the key: $(cat "$t/out" "$t/err" | tail -n 3)"
	elif ! grep -qF "(ssh-ed25519 fingerprint $hostfp)" "$t/err"; then
		ko ssh-login "host key is not the ed25519 key generated: $(cat "$t/err")"
	elif ! grep -qF "Pubkey auth succeeded for 'root' with ssh-ed25519 key $labfp" "$t/dropbear.log"; then
		ko ssh-login "the server did not log the client key's login: $(tail -n 3 "$t/dropbear.log")"
	else ok "ssh-login (dbclient -i key: ssh-ok 42, host key ed25519 $hostfp)"; fi
	for how in stranger none; do
		case $how in
		stranger) dbc -i /root/stranger_key ;;
		none) dbc ;;
		esac
		rc=$?
		if [ "$rc" -eq 0 ] || grep -q ssh-ok "$t/out"; then
			ko "ssh-refused-$how" "got in (exit $rc): $(cat "$t/out")"
		elif ! grep -q 'No auth methods could be used' "$t/err"; then
			ko "ssh-refused-$how" "failed for another reason: $(tail -n 2 "$t/err")"
		else ok "ssh-refused-$how (exit $rc: $(tail -n 1 "$t/err"))"; fi
	done
	# the server offers public keys and nothing else, asked by OpenSSH's
	# client for a password (it reads no config and writes no known_hosts)
	timeout 30 nsenter -t "$ns" -n ssh -F /dev/null -o BatchMode=yes \
		-o LogLevel=ERROR -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o PreferredAuthentications=password,keyboard-interactive \
		-p 2222 root@127.0.0.1 true </dev/null >"$t/out" 2>"$t/err"
	if grep -q 'Permission denied (publickey)\.' "$t/err"; then
		ok "ssh-publickey-only (OpenSSH: $(grep 'Permission denied' "$t/err"))"
	else ko ssh-publickey-only "$(tail -n 2 "$t/err")"; fi
}
ssh_loopback

# lab-stream (iso/lab/): static, so it runs here as in dom0. A stream of
# zeros and random bytes comes through pack | unpack byte for byte and
# smaller between the two; a stream that was not packed (even one shorter
# than the magic) passes unpack unchanged; one cut inside a frame is an error, not silently short.
ls=$r/usr/lib/xenlive/lab-stream
if [ ! -f "$ls" ]; then ko lab-stream "no /usr/lib/xenlive/lab-stream"
elif readelf -l "$ls" | grep -q 'program interpreter'; then
	ko lab-stream "lab-stream is not static"
else
	{ head -c 3000000 /dev/zero; head -c 1000000 /dev/urandom; head -c 3000000 /dev/zero; } >"$t/ls.in"
	"$ls" pack sh -c "cat >'$t/ls.packed'" <"$t/ls.in"
	"$ls" unpack sh -c "cat >'$t/ls.out'" <"$t/ls.packed"
	head -c 100000 "$t/ls.packed" | "$ls" unpack cat >/dev/null 2>"$t/ls.err"
	cut=$?
	plain=$(echo plain-text | "$ls" unpack cat)$(printf hi | "$ls" unpack cat)
	in=$(wc -c <"$t/ls.in") packed=$(wc -c <"$t/ls.packed")
	if ! cmp -s "$t/ls.in" "$t/ls.out"; then
		ko lab-stream "pack | unpack changed the data"
	elif [ "$packed" -ge $((in / 2)) ]; then
		ko lab-stream "packed $in bytes into $packed"
	elif [ "$plain" != plain-texthi ]; then
		ko lab-stream "an unpacked stream did not pass unpack: '$plain'"
	elif [ "$cut" -ne 111 ] || ! grep -q 'ends inside a frame' "$t/ls.err"; then
		ko lab-stream "a cut stream: exit $cut, $(cat "$t/ls.err")"
	else ok "lab-stream (static; $in bytes packed into $packed and back)"; fi
fi

# webd (guest-images/webd/, the demo guests' web server): static, so it
# runs here as in a guest, on the loopback of a network namespace of its
# own. A file comes back byte for byte, with its size; the page names the
# host and its uptime; `..` (even %-escaped) is refused with 400, a missing
# file is 404, and a POST 405.
webd=$top/build/out/guest-webd/root/usr/sbin/webd
if [ ! -f "$webd" ]; then ko webd "no $webd (run make first)"
elif readelf -l "$webd" | grep -q 'program interpreter'; then
	ko webd "webd is not static"
else
	mkdir -p "$t/www/files"
	head -c 100000 /dev/urandom >"$t/www/files/data.bin"
	echo secret >"$t/secret.txt"
	got=$(unshare -n sh -c '
		ip link set lo up
		"$1" -p 8080 "$2/www" >/dev/null 2>"$2/webd.err" &
		w=$!
		python3 - "$2" <<"PY"
import sys, time, urllib.request, urllib.error
t = sys.argv[1]
def get(path, method="GET"):
    for _ in range(50):
        try:
            req = urllib.request.Request("http://127.0.0.1:8080" + path,
                                         method=method)
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, b""
        except OSError:
            time.sleep(0.1)
    return 0, b""
st, body = get("/files/data.bin")
print("file", st, body == open(t + "/www/files/data.bin", "rb").read())
st, body = get("/")
print("page", st, b"<h1>XenLive guest " in body and b"Uptime: " in body)
for p in ("/files/../../secret.txt", "/files/%2e%2e/%2e%2e/secret.txt"):
    print("dotdot", get(p)[0])
print("missing", get("/files/none")[0])
print("post", get("/", "POST")[0])
PY
		kill "$w"' sh "$webd" "$t" 2>&1)
	want="file 200 True
page 200 True
dotdot 400
dotdot 400
missing 404
post 405"
	if [ "$got" = "$want" ]; then ok "webd (static; a file byte for byte, the page, .. 400, missing 404, POST 405)"
	else ko webd "got: $(echo "$got" | tr '\n' ';') (stderr: $(cat "$t/webd.err" 2>/dev/null))"; fi
fi

# The hotplug scripts' helpers, run by the root's own BusyBox sh: hexdev
# (block's physical-device, major:minor in hex) and xs_read (several keys
# by one xenstore-read, which stops at the first key it cannot read; here
# a stand-in that behaves so)
if [ "$(id -u)" -ne 0 ]; then
	ko hotplug-helpers "needs root (chroot)"
else
	mkdir -p "$r/tmp/mock"
	cat >"$r/tmp/mock/xenstore-read" <<'EOS'
#!/bin/sh
for p; do
	case $p in
	backend/vbd/3/51712/params) echo /run/xenlive/medium/guests/tiny.sfs ;;
	backend/vbd/3/51712/mode) echo r ;;
	backend/vbd/3/51712/empty) echo ;;
	*) echo "couldn't read path $p" >&2; exit 1 ;;
	esac
done
EOS
	chmod +x "$r/tmp/mock/xenstore-read"
	sc=$r/etc/xen/scripts
	fns="nl='
'
$(sed -n '/^xs_read() {/,/^}/p' "$sc/hotplug-common.sh")
$(sed -n '/^hexdev() {/,/^}/p' "$sc/block")"
	got=$(in_root /bin/sh -c "$fns"'
		PATH=/tmp/mock:$PATH XENBUS_PATH=backend/vbd/3/51712
		for d in 7:1 259:17 254:255 8:0; do hexdev $d; printf "%s " "$mm"; done
		xs_read params:params mode:mode done:physical-device
		echo "[$params][$mode][$done]"
		xs_read a:empty b:mode c:missing d:mode
		echo "[$a][$b][$c][$d]"' 2>&1)
	want="7:1 103:11 fe:ff 8:0 [/run/xenlive/medium/guests/tiny.sfs][r][]
[][r][][]"
	if [ "$got" = "$want" ]; then ok "hotplug-helpers (hexdev, xs_read)"
	else ko hotplug-helpers "got: $(echo "$got" | tr '\n' ';')"; fi
	rm -rf "$r/tmp/mock"
fi

# What the guest commands ask xl (usr/lib/xenlive/xl.sh), run by the
# root's own BusyBox sh against a stand-in xl: one `xl info` read, its
# fields, hvm in virt_caps as a word (hvm_directio alone is no HVM), the
# first libxl error of a create's log without its source position
if [ "$(id -u)" -ne 0 ]; then
	ko xl-helpers "needs root (chroot)"
else
	mkdir -p "$r/tmp/mock"
	cat >"$r/tmp/mock/xl" <<'EOS'
#!/bin/sh
[ "$1" = info ] || exit 1
echo x >>/tmp/mock/xl.calls
cat <<INFO
host                   : xenlive
virt_caps              : $CAPS
free_memory            : 1234
INFO
EOS
	chmod +x "$r/tmp/mock/xl"
	printf '%s\n' 'Parsing config from /etc/xen/h.cfg' \
		'libxl: error: libxl_dm.c:3129:device_model_spawn_outcome: Domain 5:domain 5 device model: spawn failed (rc=-3)' \
		'libxl: error: libxl_create.c:1900:domcreate_devmodel_started: Domain 5:device model did not start: -3' \
		>"$r/tmp/mock/create.log"
	echo 'just one line' >"$r/tmp/mock/plain.log"
	got=$(in_root /bin/sh -c '
		PATH=/tmp/mock:$PATH
		. /usr/lib/xenlive/xl.sh
		for CAPS in "pv hvm hap shadow" "pv hvm_directio pv_directio" "hvm"; do
			export CAPS
			xl_info && echo "[$(xl_field free_memory)][$(xl_field host)]"
			xl_hvm && echo hvm || echo no-hvm
		done
		echo "calls $(wc -l </tmp/mock/xl.calls)"
		xl_why /tmp/mock/create.log
		xl_why /tmp/mock/plain.log
		PATH=/usr/bin:/bin; xl() { return 1; }
		xl_info || echo "no toolstack"' 2>&1)
	want="[1234][xenlive]
hvm
[1234][xenlive]
no-hvm
[1234][xenlive]
hvm
calls 3
Domain 5:domain 5 device model: spawn failed (rc=-3)
just one line
no toolstack"
	if [ "$got" = "$want" ]; then ok "xl-helpers (xl_info, xl_field, xl_hvm, xl_why)"
	else ko xl-helpers "got: $(echo "$got" | tr '\n' ';')"; fi
	rm -rf "$r/tmp/mock"
fi

# A guest that is stopping is waited for, not refused (xl_gone): `xl
# shutdown -w` returns while xl list still shows the domain (shut down,
# then dying) for about a second; a running or paused one is refused at
# once, and the reason names what to do
if [ "$(id -u)" -ne 0 ]; then
	ko xl-gone "needs root (chroot)"
else
	mkdir -p "$r/tmp/mock"
	cat >"$r/tmp/mock/xl" <<'EOS'
#!/bin/sh
[ "$1" = list ] || exit 1
n=$(cat /tmp/mock/n 2>/dev/null || echo 0)
echo $((n + 1)) >/tmp/mock/n
case $2 in
dying) [ "$n" -lt 3 ] || exit 1; st=--ps-d ;;
kept) st=---s-- ;;
runs) st=-b---- ;;
paused) st=--p--- ;;
*) echo "$2 is an invalid domain identifier (rc=-6)" >&2; exit 1 ;;
esac
printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)\n'
printf '%-40s %5d %5d %5d     %s %9.1f\n' "$2" 7 32 1 "$st" 0.5
EOS
	chmod +x "$r/tmp/mock/xl"
	got=$(in_root /bin/sh -c '
		PATH=/tmp/mock:$PATH prog=t
		. /usr/lib/xenlive/xl.sh
		for g in none dying runs paused; do
			rm -f /tmp/mock/n
			xl_gone $g && echo "$g gone after $(cat /tmp/mock/n) lists" ||
				echo "$g refused: $(xl_runs_why $g "its disk changes")"
		done
		rm -f /tmp/mock/n
		echo "kept: $(xl_runs_why kept)"' 2>&1)
	want="none gone after 1 lists
t: dying is stopping: waiting for its domain to be gone
dying gone after 4 lists
runs refused: runs runs: stop it first (xl shutdown -w runs), its disk changes
paused refused: paused runs: stop it first (xl shutdown -w paused), its disk changes
kept: kept has stopped but its domain stays (state ---s--; on_poweroff or on_crash preserve?): xl destroy kept"
	if [ "$got" = "$want" ]; then ok "xl-gone (stopping waited for, running refused)"
	else ko xl-gone "got: $(echo "$got" | tr '\n' ';')"; fi
	rm -rf "$r/tmp/mock"
fi

# xenlive-lab and the parts it sources (usr/lib/xenlive/lab-*.sh) parse
# with the root's BusyBox ash and give its usage
if [ "$(id -u)" -ne 0 ]; then
	ko lab-command "needs root (chroot)"
else
	out=$(in_root /usr/sbin/xenlive-lab --help 2>&1)
	rc=$?
	n=$(in_root /bin/sh -c 'for f in /usr/lib/xenlive/lab-*.sh; do sh -n "$f" || exit 1; done; ls /usr/lib/xenlive/lab-*.sh | wc -l' 2>&1)
	if [ "$rc" -eq 0 ] && echo "$out" | grep -q '^  replicate GUEST NODE' && [ "$n" = 3 ]; then
		ok "lab-command (xenlive-lab --help with its 3 sourced parts)"
	else
		ko lab-command "rc $rc, parts '$n': $(echo "$out" | tail -n 2 | tr '\n' ';')"
	fi
fi

# The lab's exporter (iso/dom0/metrics/) runs with the root's musl and
# libraries: --help; --once without Xen ends with one clear line, exit
# 111. xenlive-lab token is SHA-256 of a fixed label and the lab key (the
# same for the same key, another for another), and migrate's counts
# (countmigr, lab-nodes.sh) come out as xenlive-metrics reads them.
if [ "$(id -u)" -ne 0 ]; then
	ko lab-metrics "needs root (chroot)"
elif [ ! -f "$r/usr/sbin/xenlive-metrics" ]; then
	ko lab-metrics "no /usr/sbin/xenlive-metrics"
else
	help=$(in_root /usr/sbin/xenlive-metrics --help 2>&1)
	hrc=$?
	once=$(in_root /usr/sbin/xenlive-metrics --once 2>&1)
	orc=$?
	mkdir -p "$r/etc/xenlive/lab"
	head -c 200 /dev/urandom >"$r/etc/xenlive/lab/lab.key"
	want1=$({ echo "xenlive-metrics token 1"; cat "$r/etc/xenlive/lab/lab.key"; } | sha256sum | cut -d ' ' -f 1)
	tok1=$(in_root /usr/sbin/xenlive-lab token 2>&1)
	head -c 200 /dev/urandom >"$r/etc/xenlive/lab/lab.key"
	tok2=$(in_root /usr/sbin/xenlive-lab token 2>&1)
	rm -f "$r/etc/xenlive/lab/lab.key"
	tok3=$(in_root /usr/sbin/xenlive-lab token 2>&1)
	trc=$?
	counts=$(in_root /bin/sh -c '
		. /usr/lib/xenlive/lab-nodes.sh
		migrfile=/tmp/mig/migrations
		countmigr 1 10.52 0.93; countmigr 0; countmigr 1 9.10
		cat $migrfile; countmigr 0; tr "\n" " " <$migrfile' 2>&1)
	rm -rf "$r/tmp/mig"
	wantc="migrations=3
failures=1
last_seconds=9.10
migrations=4 failures=2 last_seconds=9.10 "
	if [ "$hrc" -ne 0 ] || ! echo "$help" | grep -q -- '--token-file FILE'; then
		ko lab-metrics "--help: exit $hrc: $(echo "$help" | tail -n 2 | tr '\n' ';')"
	elif [ "$orc" -ne 111 ] || ! echo "$once" | tail -n 1 | grep -q '^xenlive-metrics: fatal: unable to talk to Xen'; then
		ko lab-metrics "--once without Xen: exit $orc: $(echo "$once" | tail -n 2 | tr '\n' ';')"
	elif [ "$tok1" != "$want1" ] || [ "${#tok2}" -ne 64 ] || [ "$tok2" = "$tok1" ]; then
		ko lab-metrics "token: '$tok1' (want '$want1'), then '$tok2'"
	elif [ "$trc" -ne 111 ] || ! echo "$tok3" | grep -q 'no lab key'; then
		ko lab-metrics "token without a key: exit $trc: $tok3"
	elif [ "$counts" != "$wantc" ]; then
		ko lab-metrics "countmigr: $(echo "$counts" | tr '\n' ';')"
	else ok "lab-metrics (xenlive-metrics $(wc -c <"$r/usr/sbin/xenlive-metrics") bytes; token from the lab key; migration counts)"; fi
fi

# xenlive-check, the Nagios plugin, run by the root's BusyBox sh against
# stand-ins for xl (free memory and `xl list` from files) and drbdadm (a
# resource's cstate and dstate from files): OK, WARNING and CRITICAL with
# their exit codes and performance data, a DRBD peer away then back, a
# guest missing, crashed, or moved away by migrate, bad options UNKNOWN
if [ "$(id -u)" -ne 0 ]; then
	ko lab-check "needs root (chroot)"
else
	mkdir -p "$r/tmp/mock" "$r/run/xenlive/medium/guests" "$r/var/lib/xenlive/lab" "$r/etc/drbd.d"
	rm -f "$r"/etc/drbd.d/*.res "$r/var/lib/xenlive/lab/moved"
	printf 'tiny\nfiles\n' >"$r/run/xenlive/medium/guests/autostart"
	cat >"$r/tmp/mock/xl" <<'EOS'
#!/bin/sh
[ -f /tmp/mock/broken ] && exit 1
case $1 in
info) echo "host                   : xenlive"
	echo "free_memory            : $(cat /tmp/mock/free)" ;;
list) printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)\n'
	cat /tmp/mock/list ;;
*) exit 1 ;;
esac
EOS
	cat >"$r/tmp/mock/drbdadm" <<'EOS'
#!/bin/sh
[ "$2" = files ] || exit 10
cat "/tmp/mock/$1"
EOS
	chmod +x "$r/tmp/mock/xl" "$r/tmp/mock/drbdadm"
	# xenlive-check sets its own PATH: the stand-ins take the tools'
	# places in this scratch root for the test
	for p in xl drbdadm; do
		mv "$r/usr/sbin/$p" "$r/tmp/mock/$p.real" && cp "$r/tmp/mock/$p" "$r/usr/sbin/$p"
	done
	dom() { printf '%-40s %5d %5d %5d     %s %9.1f\n' "$1" "$2" 32 1 "$3" 1.5; }
	# case NAME FREE STATE-OF-TINY STATE-OF-FILES CSTATE DSTATE [OPTION...]:
	# one run, "NAME exit: line"
	case_() {
		echo "$2" >"$r/tmp/mock/free"
		{ [ "$3" = - ] || dom tiny 1 "$3"; [ "$4" = - ] || dom files 2 "$4"; } >"$r/tmp/mock/list"
		echo "$5" >"$r/tmp/mock/cstate"
		echo "$6" >"$r/tmp/mock/dstate"
		n=$1
		shift 6
		out=$(in_root /usr/sbin/xenlive-check "$@" 2>&1)
		echo "$n $?: $out"
	}
	got=$(
		case_ ok 800 -b---- r----- - -
		printf 'resource files {\n\tdevice /dev/drbd1;\n}\n' >"$r/etc/drbd.d/files.res"
		echo "version: 8.4.11 (api:1/proto:86-101)" >"$r/proc/drbd"
		case_ peer-away 800 -b---- -b---- WFConnection UpToDate/DUnknown
		case_ peer-syncing 800 -b---- -b---- SyncSource UpToDate/Inconsistent
		case_ peer-back 800 -b---- -b---- Connected UpToDate/UpToDate
		rm -f "$r/proc/drbd"
		case_ no-module 800 -b---- -b---- Connected UpToDate/UpToDate
		echo "version: 8.4.11 (api:1/proto:86-101)" >"$r/proc/drbd"
		case_ low 50 -b---- -b---- Connected UpToDate/UpToDate
		case_ lower 20 -b---- -b---- Connected UpToDate/UpToDate
		case_ limits 95 -b---- -b---- Connected UpToDate/UpToDate --memory-free 100:90
		case_ gone 800 -b---- - Connected UpToDate/UpToDate
		echo "files 192.0.2.2" >"$r/var/lib/xenlive/lab/moved"
		case_ moved 800 -b---- - Connected UpToDate/UpToDate
		case_ crashed 800 ---sc- - Connected UpToDate/UpToDate
		case_ extra 800 -b---- -b---- Connected UpToDate/UpToDate --guests web,tiny
		case_ badopt 800 -b---- -b---- Connected UpToDate/UpToDate --memory-free lots
		: >"$r/tmp/mock/broken"
		case_ no-xl 800 -b---- -b---- Connected UpToDate/UpToDate
	)
	want="ok 0: OK - 800 MiB free, 2/2 guests running, 0/0 DRBD resources in sync | free_mib=800;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=0;;1;0
peer-away 2: CRITICAL - DRBD files WFConnection, UpToDate/DUnknown (800 MiB free, 2/2 guests running, 0/1 DRBD resources in sync) | free_mib=800;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=1;;1;0
peer-syncing 1: WARNING - DRBD files syncing (SyncSource, UpToDate/Inconsistent) (800 MiB free, 2/2 guests running, 0/1 DRBD resources in sync) | free_mib=800;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=1;;1;0
peer-back 0: OK - 800 MiB free, 2/2 guests running, 1/1 DRBD resources in sync | free_mib=800;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=0;;1;0
no-module 2: CRITICAL - DRBD files: drbd.ko not loaded (800 MiB free, 2/2 guests running, 0/1 DRBD resources in sync) | free_mib=800;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=1;;1;0
low 1: WARNING - 50 MiB free (< 64) (50 MiB free, 2/2 guests running, 1/1 DRBD resources in sync) | free_mib=50;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=0;;1;0
lower 2: CRITICAL - 20 MiB free (< 32) (20 MiB free, 2/2 guests running, 1/1 DRBD resources in sync) | free_mib=20;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=0;;1;0
limits 1: WARNING - 95 MiB free (< 100) (95 MiB free, 2/2 guests running, 1/1 DRBD resources in sync) | free_mib=95;100;90;0 guests_down=0;;1;0 drbd_not_in_sync=0;;1;0
gone 2: CRITICAL - files not running (800 MiB free, 1/2 guests running, 1/1 DRBD resources in sync) | free_mib=800;64;32;0 guests_down=1;;1;0 drbd_not_in_sync=0;;1;0
moved 0: OK - 800 MiB free, 2/2 guests running, 1/1 DRBD resources in sync | free_mib=800;64;32;0 guests_down=0;;1;0 drbd_not_in_sync=0;;1;0
crashed 2: CRITICAL - tiny crashed (800 MiB free, 1/2 guests running, 1/1 DRBD resources in sync) | free_mib=800;64;32;0 guests_down=1;;1;0 drbd_not_in_sync=0;;1;0
extra 2: CRITICAL - web not running (800 MiB free, 2/3 guests running, 1/1 DRBD resources in sync) | free_mib=800;64;32;0 guests_down=1;;1;0 drbd_not_in_sync=0;;1;0
badopt 3: UNKNOWN - --memory-free takes WARN or WARN:CRIT in MiB, not 'lots'
no-xl 3: UNKNOWN - the toolstack does not answer (xl info)"
	if [ "$got" = "$want" ]; then ok "lab-check (xenlive-check: OK, WARNING, CRITICAL, UNKNOWN; DRBD peer away and back)"
	else ko lab-check "got: $(echo "$got" | tr '\n' ';')"; fi
	# what lab-shell lets the lab key run of it (xenlive-check --node):
	# its two options, no --node, no other words
	rm -f "$r/tmp/mock/broken"
	got=$(for c in "xenlive-check --memory-free 900:100 --guests tiny" \
		"xenlive-check --node 192.0.2.9" "xenlive-check --guests a;b" \
		"xenlive-check --memory-free 1 --guests a --guests b"; do
		in_root /usr/bin/env SSH_ORIGINAL_COMMAND="$c" /usr/lib/xenlive/lab-shell 2>&1 | cut -c 1-30
	done)
	want="WARNING - 800 MiB free (< 900)
xenlive-lab: refused: not a la
xenlive-lab: refused: not a la
xenlive-lab: refused: not a la"
	if [ "$got" = "$want" ]; then ok "lab-shell-check (lab-shell runs xenlive-check with its options only)"
	else ko lab-shell-check "got: $(echo "$got" | tr '\n' ';')"; fi
	for p in xl drbdadm; do mv "$r/tmp/mock/$p.real" "$r/usr/sbin/$p"; done
	rm -rf "$r/tmp/mock" "$r/etc/drbd.d/files.res" "$r/var/lib/xenlive/lab/moved" "$r/proc/drbd"
fi

# The lab's view (status -l, for top and the status page) and `xenlive-lab
# top`, against stand-ins for xl, xenstore-ls and drbdadm and a node
# list with no other node (no LAN sweep, no SSH): each guest's state, CPU
# time, address (its vif's MAC in dom0's ARP table), the DRBD resources;
# top's CPU % from two rounds
if [ "$(id -u)" -ne 0 ]; then
	ko lab-top "needs root (chroot)"
else
	mkdir -p "$r/tmp/mock" "$r/etc/xenlive/lab" "$r/run/xenlive" "$r/etc/drbd.d" "$r/proc/net"
	: >"$r/etc/xenlive/lab/lab.key"
	: >"$r/run/xenlive/lab-nodes"
	rm -f "$r"/etc/drbd.d/*.res
	printf 'resource files {\n\tdevice /dev/drbd1;\n}\n' >"$r/etc/drbd.d/files.res"
	echo "version: 8.4.11 (api:1/proto:86-101)" >"$r/proc/drbd"
	printf '%s\n' "IP address       HW type     Flags       HW address            Mask     Device" \
		"192.0.2.50       0x1         0x2         00:16:3e:00:00:01     *        xenbr0" \
		"192.0.2.9        0x1         0x2         52:54:00:12:34:56     *        xenbr0" >"$r/proc/net/arp"
	cat >"$r/tmp/mock/xl" <<'EOS'
#!/bin/sh
case $1 in
info) echo "free_memory            : 812" ;;
list) n=$(cat /tmp/mock/n 2>/dev/null || echo 0); echo $((n + 1)) >/tmp/mock/n
	# 4 s between two lists, in which tiny used 2 s of CPU
	echo "$((100 + n * 4)).00 0.00" >/proc/uptime
	printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)\n'
	printf '%-40s %5d %5d %5d     %s %9.1f\n' Domain-0 0 1024 2 r----- 50.0 \
		tiny 3 32 1 -b---- $((10 + n * 2)).0 files 4 64 1 -b---- 7.0 ;;
*) exit 1 ;;
esac
EOS
	cat >"$r/tmp/mock/xenstore-ls" <<'EOS'
#!/bin/sh
printf '%s\n' '3 = ""' ' 0 = ""' '  frontend = "/local/domain/3/device/vif/0"' \
	'  mac = "00:16:3E:00:00:01"' '4 = ""' ' 0 = ""' '  mac = "00:16:3e:00:00:02"'
EOS
	cat >"$r/tmp/mock/drbdadm" <<'EOS'
#!/bin/sh
case $1 in cstate) echo WFConnection ;; dstate) echo UpToDate/DUnknown ;; role) echo Primary/Unknown ;; esac
EOS
	chmod +x "$r"/tmp/mock/*
	for p in xl drbdadm; do
		mv "$r/usr/sbin/$p" "$r/tmp/mock/$p.real" && cp "$r/tmp/mock/$p" "$r/usr/sbin/$p"
	done
	cp "$r/tmp/mock/xenstore-ls" "$r/usr/sbin/"
	# ip is a BusyBox applet, which ash prefers to any program in PATH: a
	# copy of xenlive-lab gets xenbr0's address from a lanaddr of its own
	sed 's|^\. /usr/lib/xenlive/lab-drbd\.sh$|&\nlanaddr() { echo 192.0.2.1/24; }|' \
		"$r/usr/sbin/xenlive-lab" >"$r/tmp/mock/xenlive-lab"
	chmod +x "$r/tmp/mock/xenlive-lab"
	st=$(in_root /tmp/mock/xenlive-lab status -l 2>&1 |
		sed 's/^node .*/node N/')
	rm -f "$r/tmp/mock/n"
	top=$(in_root /tmp/mock/xenlive-lab top -n 2 -d 1 2>&1 | sed -e 's/^xenlive-lab top: [^,]*, /top: /' \
		-e 's/^[^ ]*  *\(tiny\|files\)/N \1/')
	want_st="node N
address 192.0.2.1
free_mib 812
guest tiny 32 -b---- 10.0 192.0.2.50
guest files 64 -b---- 7.0 -
drbd files WFConnection UpToDate/DUnknown Primary/Unknown"
	if [ "$st" != "$want_st" ]; then ko lab-top "status -l: $(echo "$st" | tr '\n' ';')"
	elif ! echo "$top" | grep -q '^top: 1 node(s), every 1 s$' ||
		! echo "$top" | grep -qE '^N tiny +-b---- +32 +- +192.0.2.50$' ||
		! echo "$top" | grep -qE '^N tiny +-b---- +32 +50.0 +192.0.2.50$' ||
		! echo "$top" | grep -qE '^N files +-b---- +64 +0.0 +-$' ||
		[ "$(echo "$top" | grep -c '^NODE  *GUEST  *STATE  *MEM-MiB  *CPU%  *ADDRESS$')" -ne 2 ]; then
		ko lab-top "top: $(echo "$top" | tr '\n' ';')"
	else ok "lab-top (status -l: state, CPU, address, DRBD; top: two rounds, CPU % 50.0)"; fi
	# the status page's view: made when asked for (view.want newer), not
	# again until asked again
	: >"$r/run/xenlive/view.want"
	rm -f "$r/tmp/mock/n"
	in_root timeout 5 /tmp/mock/xenlive-lab view-loop >/dev/null 2>&1
	v1=$(cat "$r/run/xenlive/view" 2>/dev/null)
	rm -f "$r/tmp/mock/n"
	in_root timeout 4 /tmp/mock/xenlive-lab view-loop >/dev/null 2>&1
	if ! echo "$v1" | head -n 1 | grep -q '^time 20[0-9-]* [0-9:]*$' ||
		[ "$(echo "$v1" | sed 1d)" != "$(echo "$st" | sed "s/^node N/node $(hostname)/")" ]; then
		ko lab-view "view-loop wrote: $(echo "$v1" | tr '\n' ';')"
	elif [ -f "$r/tmp/mock/n" ]; then
		ko lab-view "view-loop asked xl again though no one asked for the page"
	else ok "lab-view (the page's view made when asked for, only then)"; fi
	for p in xl drbdadm; do mv "$r/tmp/mock/$p.real" "$r/usr/sbin/$p"; done
	rm -rf "$r/run/xenlive/view" "$r/run/xenlive/view.want"
	rm -rf "$r/tmp/mock" "$r/usr/sbin/xenstore-ls" "$r/etc/drbd.d/files.res" \
		"$r/proc/drbd" "$r/proc/net/arp" "$r/proc/uptime" "$r/etc/xenlive/lab/lab.key" \
		"$r/run/xenlive/lab-nodes"
fi

# HVM guests (hypervisor-src/devmodel): Xen's device model runs with musl's
# loader alone and has the machine and devices libxl asks for; hvmloader,
# SeaBIOS and the VGA BIOS are where libxl and QEMU look; libxl was built
# to start this QEMU
dm=usr/lib/xen/bin/qemu-system-i386
dm_bad=
for p in $dm usr/lib/xen/boot/hvmloader usr/share/seabios/bios-256k.bin \
	usr/share/seabios/vgabios-stdvga.bin usr/share/seabios/vgabios-cirrus.bin \
	usr/share/qemu/keymaps/en-us; do
	[ -s "$r/$p" ] || dm_bad="$dm_bad /$p(missing)"
done
if [ -n "$dm_bad" ]; then
	ko device-model "$dm_bad"
elif [ "$(id -u)" -ne 0 ]; then
	ko device-model "needs root (chroot)"
else
	ver=$(in_root "/$dm" -version 2>&1 | head -n 1)
	machines=$(in_root "/$dm" -machine help 2>&1)
	devices=$(in_root "/$dm" -device help 2>&1)
	# where it looks for the VGA BIOS and keymaps (relative to where it
	# runs: a wrong bindir moves them all)
	datadirs=$(in_root "/$dm" -L help 2>&1 | tr '\n' ' ')
	case $ver in "QEMU emulator version 7.2."*) ;; *) dm_bad="$dm_bad -version: $ver" ;; esac
	echo "$machines" | grep -q '^xenfv ' || dm_bad="$dm_bad no xenfv machine"
	for f in vgabios-stdvga.bin keymaps/en-us; do
		found=
		for d in $datadirs; do [ -f "$r$d/$f" ] && found=1; done
		[ -n "$found" ] || dm_bad="$dm_bad no $f in its data dirs ($datadirs)"
	done
	for d in '"e1000"' '"rtl8139"' '"VGA"' '"cirrus-vga"' '"ide-cd"' '"ide-hd"' \
		'"ich9-ahci"' '"isa-serial"' '"xen-platform"' '"piix3-usb-uhci"' \
		'"usb-tablet"'; do
		echo "$devices" | grep -q "name $d" || dm_bad="$dm_bad no device $d"
	done
	# every ROM file QEMU names: a VGA BIOS (Cirrus is libxl's default vga,
	# stdvga xenlive-guest's) must be in its data dirs; a NIC's boot ROM
	# is never loaded, libxl starts each NIC with romfile= (our patch
	# 0004); the rest serve -kernel, KVM or boards HVM guests do not get
	# (under Xen hvmloader, not QEMU, loads the BIOS). A name not known
	# here fails: a device that came with devices.mak may need it.
	roms=
	for rom in $(strings -n 6 "$r/$dm" | grep -E '^[a-z0-9_-]+\.(bin|rom)$' | sort -u); do
		case $rom in
		vgabios-ramfb.bin) ;;  # ramfb: not in devices.mak
		vgabios-*.bin)
			found=
			for dd in $datadirs; do [ -f "$r$dd/$rom" ] && found=1; done
			[ -n "$found" ] || dm_bad="$dm_bad no $rom in its data dirs"
			roms="$roms $rom" ;;
		efi-*.rom|pxe-*.rom)
			grep -qa 'mac=%s,romfile=' "$r"/usr/lib/libxenlight.so.* ||
				dm_bad="$dm_bad libxl gives NICs their ROM ($rom), which dom0 lacks" ;;
		bios.bin|pc.rom|linuxboot*.bin|multiboot*.bin|pvh.bin) ;;
		*) dm_bad="$dm_bad QEMU names a ROM this check does not know: $rom" ;;
		esac
	done
	case $roms in
	*vgabios-cirrus.bin*vgabios-stdvga.bin*) ;;
	*) dm_bad="$dm_bad QEMU names no Cirrus and standard VGA BIOS ($roms)" ;;
	esac
	readelf -h "$r/usr/lib/xen/boot/hvmloader" 2>/dev/null | grep -q 'Class:.*ELF32' ||
		dm_bad="$dm_bad hvmloader is not a 32-bit ELF"
	grep -q "/$dm" "$r"/usr/lib/libxenlight.so.* ||
		dm_bad="$dm_bad libxenlight does not name /$dm"
	if [ -n "$dm_bad" ]; then ko device-model "$dm_bad"
	else ok "device-model ($ver, $(wc -c <"$r/$dm") bytes; ROMs:$roms)"; fi
fi

# Wi-Fi (iso/wifi/): wpa_supplicant, wpa_cli and iw are musl programs
# needing nothing but musl's libc (libnl and libcrypto linked in) and
# answer --version in the root; wpa_supplicant has nl80211, SAE and AP
# mode; the regulatory database and its signature are in /lib/firmware;
# the 802.11 stack and the Wi-Fi drivers are not in the root (they are in
# live/wifi.sfs, which the boot suite checks); xenlive-wifi is ash-clean and
# answers misuse with its usage and exit 100
wifi_bad=
for p in usr/sbin/wpa_supplicant usr/sbin/wpa_cli usr/sbin/iw; do
	[ -f "$r/$p" ] || { wifi_bad="$wifi_bad /$p(missing)"; continue; }
	interp=$(readelf -l "$r/$p" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	needed=$(readelf -d "$r/$p" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	[ "$interp" = /lib/ld-musl-x86_64.so.1 ] && [ "$needed" = "libc.so " ] ||
		wifi_bad="$wifi_bad /$p(interpreter '$interp', needs '$needed')"
done
for f in lib/firmware/regulatory.db lib/firmware/regulatory.db.p7s; do
	[ -s "$r/$f" ] || wifi_bad="$wifi_bad /$f(missing)"
done
kv=$(ls "$r/lib/modules")
for m in cfg80211 mac80211 mac80211_hwsim iwlwifi; do
	! grep -q "/$m\.ko:" "$r/lib/modules/$kv/modules.dep" ||
		wifi_bad="$wifi_bad $m.ko(in the root, not only in live/wifi.sfs)"
done
ash_n=$("$r/bin/busybox" ash -n "$r/usr/sbin/xenlive-wifi" 2>&1) || wifi_bad="$wifi_bad xenlive-wifi(ash -n: $ash_n)"
if [ -n "$wifi_bad" ]; then
	ko wifi-tools "$wifi_bad"
elif [ "$(id -u)" != 0 ]; then
	ko wifi-tools "needs root (chroot)"
else
	v_wpa=$(in_root wpa_supplicant -v 2>&1 | head -n 1)
	v_cli=$(in_root wpa_cli -v 2>&1 | head -n 1)
	v_iw=$(in_root iw --version 2>&1)
	help=$(in_root wpa_supplicant -h 2>&1)
	in_root /usr/sbin/xenlive-wifi bogus >"$t/wifi.usage" 2>&1
	rc=$?
	case "$v_wpa|$v_cli|$v_iw" in
	"wpa_supplicant v2.10|wpa_cli v2.10|iw version 5.19") ;;
	*) wifi_bad="versions: '$v_wpa' '$v_cli' '$v_iw'" ;;
	esac
	echo "$help" | grep -q '^ *nl80211 = ' || wifi_bad="$wifi_bad wpa_supplicant has no nl80211 driver"
	# configuration fields that exist only with SAE and with AP mode
	for k in sae_password ap_max_inactivity; do
		grep -qa "$k" "$r/usr/sbin/wpa_supplicant" || wifi_bad="$wifi_bad wpa_supplicant knows no $k"
	done
	[ "$rc" = 100 ] && grep -q '^usage: xenlive-wifi' "$t/wifi.usage" ||
		wifi_bad="$wifi_bad xenlive-wifi bogus: exit $rc, $(head -n 1 "$t/wifi.usage")"
	if [ -n "$wifi_bad" ]; then ko wifi-tools "$wifi_bad"
	else ok "wifi-tools ($v_wpa $(wc -c <"$r/usr/sbin/wpa_supplicant") bytes, $v_cli, $v_iw; musl; regulatory.db; no Wi-Fi modules in the root)"; fi
fi

# xenlive-wifi without a Wi-Fi interface (the chroot has no /sys): one
# line each, exit 1, naming the firmware file a driver missed (from a
# stand-in dmesg), or saying the medium has no Wi-Fi drivers; a connect
# without its SSID is misuse (usage, exit 100)
if [ "$(id -u)" != 0 ]; then
	ko wifi-errors "needs root (chroot)"
else
	wifi_bad=
	wifi_run() { in_root /usr/sbin/xenlive-wifi "$@" >"$t/wifi.out" 2>&1; echo $?; }
	rm -rf "$r/run/xenlive"
	rc=$(wifi_run scan)
	[ "$rc" = 1 ] && [ "$(wc -l <"$t/wifi.out")" = 1 ] && grep -q 'no Wi-Fi device (and this medium has no Wi-Fi drivers or firmware: live/wifi.sfs is missing)' "$t/wifi.out" ||
		wifi_bad="$wifi_bad no-sfs: exit $rc, $(cat "$t/wifi.out")"
	mkdir -p "$r/run/xenlive/wifi/firmware"
	rc=$(wifi_run status)
	[ "$rc" = 1 ] && grep -q 'no Wi-Fi device (no network interface has /sys/class/net/\*/phy80211)' "$t/wifi.out" ||
		wifi_bad="$wifi_bad no-device: exit $rc, $(cat "$t/wifi.out")"
	printf '#!/bin/sh\necho "[    3.1] iwlwifi 0000:00:14.3: Direct firmware load for iwlwifi-so-a0-gf-a0-72.ucode failed with error -2"\n' >"$r/usr/sbin/dmesg"
	chmod 755 "$r/usr/sbin/dmesg"
	rc=$(wifi_run connect home)
	[ "$rc" = 1 ] && grep -q "its driver did not find the firmware /lib/firmware/iwlwifi-so-a0-gf-a0-72.ucode" "$t/wifi.out" ||
		wifi_bad="$wifi_bad no-firmware: exit $rc, $(cat "$t/wifi.out")"
	rm -f "$r/usr/sbin/dmesg"
	rm -rf "$r/run/xenlive"
	rc=$(wifi_run connect)
	[ "$rc" = 100 ] && grep -q '^usage: xenlive-wifi' "$t/wifi.out" ||
		wifi_bad="$wifi_bad connect-without-ssid: exit $rc"
	if [ -n "$wifi_bad" ]; then ko wifi-errors "$wifi_bad"
	else ok "wifi-errors (no wifi.sfs, no interface, a missing firmware file named, misuse)"; fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
