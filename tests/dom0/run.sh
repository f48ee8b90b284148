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
trap 'rm -rf "$t"' EXIT
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

# busybox itself must be static: the initramfs and rescue paths rely on it
if [ ! -f "$r/bin/busybox" ]; then
	ko busybox-static "no bin/busybox"
elif readelf -l "$r/bin/busybox" | grep -q 'program interpreter'; then
	ko busybox-static "bin/busybox is dynamic"
else ok busybox-static; fi

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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
