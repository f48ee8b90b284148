#!/bin/sh
# run.sh [CASE...]: boots the XenLive initramfs in QEMU (TCG, no Xen) and
# checks what /init does.  Builds everything first with build.sh (same
# environment: OUT, KERNEL_DEB, BUSYBOX, CC).  Prints PASS/FAIL per case,
# the console tail of each failure, and "N passed, N failed".
#   TIMEOUT  seconds one boot may take (default 120)
set -u
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$here/out}
TIMEOUT=${TIMEOUT:-120}
export OUT
# A guest that is gone must fail a case, not kill us with SIGPIPE.
trap "" PIPE

sh "$here/build.sh" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
OUT=$(cd "$OUT" && pwd)
LOG=$OUT/log
mkdir -p "$LOG"
passed=0 failed=0
ID=xenlive-test-1
USB="-device qemu-xhci -drive if=none,id=s,file=$OUT/cd.iso,format=raw,readonly=on -device usb-storage,drive=s"
RESCUE='dropping to rescue shell'
# The console echoes what we type; only the shell's output has the 42.
# shellcheck disable=SC2016
PROBE='echo RESCUE-$((6*7))'

# start NAME APPEND [QEMU-ARG...]: boots in the background; the console
# goes to $log, and what is written to fd 3 to its input.  INITRD, when
# set, replaces initrd.zst for this boot only.
# no_timer_check: under a loaded host, TCG can be too slow for the kernel's
# IO-APIC timer check, which then panics ("IO-APIC + timer doesn't work").
start() {
	name=$1 append=$2 initrd=${INITRD:-$OUT/initrd.zst}
	INITRD=
	shift 2
	log=$LOG/$name.log
	why=
	rm -f "$LOG/$name.in"
	: >"$log"	# QEMU opens it only once the fifo has a writer
	mkfifo "$LOG/$name.in"
	timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu qemu64 -m 1024 \
		-nographic -no-reboot -kernel "$OUT/vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check $append" "$@" <"$LOG/$name.in" >"$log" 2>&1 &
	qemu=$!
	exec 3>"$LOG/$name.in"
}

seen() { tr -d '\r' <"$log" | grep -qF -- "$1"; }

# expect TEXT: waits until the console shows TEXT; fails the case if the
# boot ends (poweroff or timeout) without it.
expect() {
	while ! seen "$1"; do
		if ! kill -0 "$qemu" 2>/dev/null; then
			seen "$1" && return 0
			why="${why}missing on the console: $1
"
			return 1
		fi
		sleep 1
	done
}

send() { printf '%s\n' "$1" >&3; }

results() {
	tr -d '\r' <"$log" | grep -o 'TEST RESULT:.*' | diff -u "$here/expected" - >"$LOG/$name.diff" ||
		why="${why}TEST RESULT lines differ from expected:
$(cat "$LOG/$name.diff")
"
}

# finish [results]: waits for the guest to stop, then reports the case;
# with "results", its TEST RESULT lines must equal ./expected.
finish() {
	wait "$qemu"
	rc=$?
	exec 3>&-
	[ $rc -ne 124 ] || why="${why}timed out after $TIMEOUT s
"
	seen 'xenlive-init: starting' || why="${why}no 'xenlive-init: starting'
"
	[ "${1:-}" != results ] || results
	if [ -z "$why" ]; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		printf '%s' "$why" | sed 's/^/    /'
		echo "    console tail ($log):"
		tr -d '\r' <"$log" | tail -n 25 | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
}

# modules WANTED... -- UNWANTED...: the dom0 root's TEST MODULES line (the
# modules loaded) names each WANTED one and none of the UNWANTED ones:
# /init loads the drivers of the machine's devices (coldplug), not every
# driver it has
modules() {
	expect '(end)' || return
	got=$(tr -d '\r' <"$log" | sed -n 's/^TEST MODULES: \(.*\)(end)$/\1/p' | tail -n 1)
	w=1
	for m in "$@"; do
		if [ "$m" = -- ]; then w=0; continue; fi
		case " $got " in
		*" $m "*) [ $w = 1 ] || why="${why}module $m loaded, but the machine has no device for it: $got
" ;;
		*) [ $w = 0 ] || why="${why}module $m not loaded: $got
" ;;
		esac
	done
}

# drivers that no device of QEMU's pc machine wants (here: no NVMe, USB,
# SD card reader, virtio or SATA controller)
ABSENT="nvme vmd xhci_pci ehci_pci uhci_hcd usb_storage uas sdhci_pci
	rtsx_pci virtio_pci virtio_blk ahci usbhid"

case_cd() {
	start cd "xenlive.id=$ID" -cdrom "$OUT/cd.iso"
	expect 'xenlive-init: switching to dom0 root'
	# QEMU's default NIC (e1000) is there, but only a network boot
	# loads NIC drivers (modules.net)
	# shellcheck disable=SC2086
	modules ata_piix sr_mod isofs squashfs overlay -- $ABSENT e1000
	finish results
}

case_usb() {
	# shellcheck disable=SC2086
	start usb "xenlive.id=$ID xenlive.debug" $USB
	expect "xenlive-init: probe /dev/sda: iso9660, id '$ID' matches"
	expect 'xenlive-init: freed the initramfs:'
	modules xhci_pci usb_storage sd_mod isofs -- nvme ahci virtio_pci sdhci_pci
	finish results
}

case_noid() {
	start noid "" -cdrom "$OUT/cd.iso"
	expect "xenlive-init: warning: no xenlive.id= given, booting the first medium with an id: /dev/sr0 (id '$ID')"
	finish results
}

case_rescueflag() {
	start rescueflag "xenlive.id=$ID xenlive.rescue" -cdrom "$OUT/cd.iso"
	expect 'xenlive.rescue given: starting a rescue shell' &&
		send "$PROBE; exit" && expect 'RESCUE-42'
	expect 'xenlive-init: switching to dom0 root'
	finish results
}

case_mismatch() {
	start mismatch "xenlive.id=other-id xenlive.wait=3" -cdrom "$OUT/cd.iso"
	expect 'xenlive-init: fatal: unable to find the boot medium (a device with /live/xenlive.id = other-id) within 3 s'
	expect "xenlive-init:   /dev/sr0: iso9660, id '$ID' is not 'other-id'"
	expect "xenlive-init: $RESCUE" && send "$PROBE; poweroff -f" && expect 'RESCUE-42'
	finish
}

case_nomedium() {
	start nomedium "xenlive.id=$ID xenlive.wait=2"
	expect 'xenlive-init: fatal: unable to find the boot medium'
	expect 'xenlive-init:   /dev/sr0: no medium'
	# Leaving the rescue shell must not end PID 1 (a kernel panic).
	expect "xenlive-init: $RESCUE" && send 'exit' &&
		expect 'xenlive-init: rescue shell exited, starting another' &&
		send "$PROBE; poweroff -f" && expect 'RESCUE-42'
	finish
}

case_nosfs() {
	start nosfs "xenlive.id=$ID" -cdrom "$OUT/nosfs.iso"
	expect 'xenlive-init: fatal: unable to open /run/xenlive/medium/live/dom0.sfs: No such file or directory'
	expect "xenlive-init: $RESCUE" && send "$PROBE; poweroff -f" && expect 'RESCUE-42'
	finish
}

# Bad modules and odd options: warnings, then a normal boot.
case_badmod() {
	INITRD=$OUT/initrd-badmod.img
	start badmod 'xenlive.id="xenlive-test-1" xenlive.wait=soon' -cdrom "$OUT/cd.iso"
	expect 'xenlive-init: warning: ignoring xenlive.wait: not a number of seconds'
	expect 'xenlive-init: warning: module no-such-module not found in modules.dep'
	expect 'xenlive-init: warning: unable to load module /lib/modules/'
	expect 'fake/broken.ko: Exec format error'
	expect 'xenlive-init: switching to dom0 root'
	finish results
}

# xenlive.root (the guests' option): the squashfs on a disk of its own is
# the lower layer; no medium search. A virtio disk stands in for xvda.
case_devroot() {
	start devroot "xenlive.root=/dev/vda" \
		-drive "if=virtio,file=$OUT/dom0.sfs,format=raw,readonly=on"
	expect 'xenlive-init: root device: /dev/vda'
	expect 'xenlive-init: switching to guest root'
	expect 'TEST RESULT: lower squashfs ro'
	expect 'TEST RESULT: root writable'
	finish
}

case_nodevroot() {
	start nodevroot "xenlive.root=/dev/vdz xenlive.wait=2"
	expect 'xenlive-init: fatal: unable to find the root device /dev/vdz (xenlive.root) within 2 s'
	expect "xenlive-init: $RESCUE" && send "$PROBE; poweroff -f" && expect 'RESCUE-42'
	finish
}

# Persistence (persist.c): an ext4 labelled persistence on another disk is
# the upper layer (what the root wrote is in its rw/); the boot option
# turns it off; on a FAT medium, xenlive-persistence.img is the fallback.
mkstore() { # mkstore FILE MIB: an ext4 labelled persistence
	rm -f "$1"
	truncate -s "${2}M" "$1" && mkfs.ext4 -q -F -L persistence "$1"
}

case_persist() {
	mkstore "$OUT/persist.img" 32
	start persist "xenlive.id=$ID" -cdrom "$OUT/cd.iso" \
		-drive "if=virtio,file=$OUT/persist.img,format=raw"
	expect 'xenlive-init: persistence: /dev/vda, changes are kept in its rw/'
	expect 'TEST RESULT: root writable'
	finish
	[ "$(debugfs -R 'cat /rw/etc/xenlive-test' "$OUT/persist.img" 2>/dev/null)" = ok ] || {
		echo "FAIL persist-kept: no rw/etc/xenlive-test with 'ok' on the disk"
		passed=$((passed - 1)) failed=$((failed + 1))
	}
}

case_persistoff() {
	mkstore "$OUT/persist.img" 32
	start persistoff "xenlive.id=$ID xenlive.persistence=off" -cdrom "$OUT/cd.iso" \
		-drive "if=virtio,file=$OUT/persist.img,format=raw"
	expect 'xenlive-init: persistence off: changes are kept in RAM'
	expect 'xenlive-init: switching to dom0 root'
	finish results
}

# a store whose rw is not a folder: the overlay on it fails, the boot goes on
case_persistbad() {
	mkstore "$OUT/persist.img" 32
	echo x >"$OUT/rw" && debugfs -w -R "write $OUT/rw rw" "$OUT/persist.img" >/dev/null 2>&1
	start persistbad "xenlive.id=$ID" -cdrom "$OUT/cd.iso" \
		-drive "if=virtio,file=$OUT/persist.img,format=raw"
	expect 'xenlive-init: warning: unable to mount the overlay on the persistence store:'
	expect 'xenlive-init: switching to dom0 root'
	finish results
}

case_persistfile() {
	mkstore "$OUT/xenlive-persistence.img" 16
	rm -f "$OUT/fat.img"
	truncate -s 64M "$OUT/fat.img"
	mformat -i "$OUT/fat.img" -N 0 :: &&
		mmd -i "$OUT/fat.img" ::/live &&
		echo "$ID" >"$OUT/xenlive.id" &&
		mcopy -i "$OUT/fat.img" "$OUT/xenlive.id" "$OUT/dom0.sfs" ::/live/ &&
		mcopy -i "$OUT/fat.img" "$OUT/xenlive-persistence.img" ::/
	start persistfile "xenlive.id=$ID" -drive "if=virtio,file=$OUT/fat.img,format=raw"
	expect 'xenlive-init: persistence: xenlive-persistence.img, changes are kept in its rw/'
	expect 'TEST RESULT: root writable'
	finish
}

CASES='cd usb noid rescueflag mismatch nomedium nosfs badmod devroot nodevroot'
CASES="$CASES persist persistoff persistbad persistfile"
# shellcheck disable=SC2086
[ $# -gt 0 ] || set -- $CASES
for c in "$@"; do
	case " $CASES " in
	*" $c "*) "case_$c" ;;
	*) echo "FAIL $c (no such case; cases: $CASES)"; failed=$((failed + 1)) ;;
	esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
