#!/bin/sh
# tests/dom0/run.sh: static checks of the dom0 root the build made
# (build/out/rootfs/dom0.sfs): no glibc anywhere, every dynamic program
# finds its loader and libraries inside the root, the toolstack is there.
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
