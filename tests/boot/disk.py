#!/usr/bin/env python3
"""Persistence and install-to-disk tests: the XenLive ISO in QEMU (software
emulation), driven over the serial console like boottest.py. Each case
prints `PASS case (Ns): what` or `FAIL case: why` and the console tail; the
run ends with `N passed, N failed`. A reboot is a new QEMU on the same disk
images, after `sync` in dom0.

persist: the ISO written to a bigger disk image, booted as a stick (an
  IDE/AHCI disk: QEMU's USB mass storage once stalled dom0's I/O for
  minutes under load in CI; booting from USB is covered by boottest.py's
  usb-* cases): boot 1 (SeaBIOS) `xenlive-persistence create --device
  /dev/sda` puts an ext4 in the stick's free space (`create --file`
  is refused there: the ISO 9660 medium is read-only); boot 2 (SeaBIOS) writes
  a file in /root, changes a guest config in /etc/xen and a guest disk in
  /var/lib/xen/disks; boot 3 (OVMF) finds all three.
install: the ISO as CD and a blank virtual disk: `xenlive-install` refuses
  the boot medium, installs unattended, then refuses the now non-empty
  disk without --force; the disk alone then boots on SeaBIOS and on OVMF
  to dom0 ready, with persistence on and the demo guests running."""

import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Console, OVMF, GUESTS, run_cases  # noqa: E402

QEMU = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64", "-smp", "2",
        "-display", "none", "-monitor", "none", "-serial", "stdio",
        "-no-reboot", "-nic", "none"]
UEFI = ["-machine", "q35", "-bios", OVMF]


class Fail(Exception):
    pass


# the console log of the boot running last, for a failure's tail
LAST = [None]


class Boot:
    """One boot: a Console with a shell helper."""

    def __init__(self, name, media, args, timeout):
        self.name = name
        LAST[0] = os.path.join(args.logdir, name + ".log")
        self.con = Console(QEMU + ["-m", str(args.mem)] + media, LAST[0])
        self.deadline = time.monotonic() + timeout
        self.since = 0
        self.n = 0

    def wait(self, pattern):
        m = self.con.wait_for(pattern, self.deadline, self.since)
        self.since = m.end()
        return m

    def ready(self):
        """Waits for dom0 ready and a shell that answers; returns the
        seconds since power-on when dom0 said it was ready."""
        m = self.wait(r"xenlive: dom0 ready[^\n]*")
        t = self.con.elapsed()
        while True:
            self.con.send("echo shell-$((6*7))")
            try:
                self.con.wait_for(r"shell-42", min(self.deadline,
                                  time.monotonic() + 10), m.end())
                break
            except TimeoutError:
                if time.monotonic() >= self.deadline:
                    raise
        self.since = len(self.con.text())
        return t

    def send(self, line):
        """Types a line a few characters at a time: the emulated UART
        drops what a busy dom0 does not read in time."""
        data = (line + "\n").encode()
        for i in range(0, len(data), 8):
            self.con.proc.stdin.write(data[i:i + 8])
            self.con.proc.stdin.flush()
            self.con.pump(0.05)

    def run(self, cmd):
        """Runs a shell command; returns its output and exit status (the
        echoed command line holds `$((N+1))`, never the marker)."""
        self.n += 1
        k = 1000 + self.n
        start = len(self.con.text())
        self.send("%s; echo end-$?-$((%d+1))" % (cmd, k))
        m = self.wait(r"\nend-(\d+)-%d" % (k + 1))
        return self.con.text()[start:m.start() + 1], int(m.group(1))

    def expect(self, cmd, what, status=0, pattern=None):
        out, rc = self.run(cmd)
        if rc != status or (pattern and not re.search(pattern, out)):
            raise Fail("%s: `%s` exited %d%s:\n%s" % (
                what, cmd, rc, ", output lacks %r" % pattern if pattern else "",
                out.strip()[-800:]))
        return out

    def close(self):
        self.con.close()


def boot(name, media, args, timeout=None):
    return Boot(name, media, args, timeout or args.timeout)


def sync_off(b):
    """What a reboot needs written is on the disk: sync, then power off
    (the console's last word is the sync's)."""
    b.expect("sync", "sync")
    b.close()


def case_persist(args):
    stick = os.path.join(args.logdir, "persist-stick.img")
    subprocess.run(["cp", args.iso, stick], check=True)
    os.truncate(stick, 1 << 30)
    media = ["-drive", "file=%s,format=raw,if=ide,index=0" % stick]
    token = "kept-%d" % os.getpid()

    b = boot("persist-1", media, args)
    try:
        b.ready()
        b.expect("xenlive-persistence status", "status before", 0, r"none")
        b.expect("xenlive-persistence create --file --yes",
                 "refuse an image file on the read-only medium", 111,
                 r"read-only \(ISO 9660\): use --device")
        b.expect("xenlive-persistence create --device /dev/sda --yes",
                 "create on the stick's free space", 0,
                 r"created on /dev/sda3")
        sync_off(b)
    finally:
        b.close()

    b = boot("persist-2", media, args)
    try:
        b.ready()
        b.expect("xenlive-persistence status", "status after create", 0,
                 r"on: changes are kept on /dev/sda3")
        b.expect("echo %s >/root/token" % token, "write /root/token")
        b.expect("sed 's/^memory = .*/memory = 96/' "
                 "/run/xenlive/medium/guests/%s.cfg >/etc/xen/%s.cfg"
                 % (GUESTS[0], GUESTS[0]), "write a guest config")
        b.expect("mkdir -p /var/lib/xen/disks && dd if=/dev/zero "
                 "of=/var/lib/xen/disks/scratch.img bs=1M count=8 "
                 "2>/dev/null && echo %s >>/var/lib/xen/disks/scratch.img"
                 % token, "write a guest disk")
        sync_off(b)
    finally:
        b.close()

    b = boot("persist-3", UEFI + media, args)
    try:
        b.ready()
        b.expect("cat /root/token", "/root/token after reboot", 0, token)
        b.expect("grep '^memory = 96$' /etc/xen/%s.cfg" % GUESTS[0],
                 "changed guest config after reboot")
        b.expect("tail -c 32 /var/lib/xen/disks/scratch.img",
                 "guest disk after reboot", 0, token)
        return "persistence created on the stick's free space (/dev/sda3);" \
            " /root, /etc/xen, /var/lib/xen/disks kept over two reboots" \
            " (the second on UEFI)"
    finally:
        b.close()


def guests_running(b):
    b.wait(r"xenlive: guests: (\d+) of (\d+) started")
    out = b.expect("xl list", "xl list")
    missing = [g for g in GUESTS if not re.search(r"\n%s +\d" % g, out)]
    if missing:
        raise Fail("not in xl list: %s\n%s" % (" ".join(missing), out))


def case_install(args):
    disk = os.path.join(args.logdir, "install-disk.img")
    if os.path.exists(disk):
        os.unlink(disk)
    with open(disk, "wb") as f:
        f.truncate(2 << 30)
    vdisk = ["-drive", "file=%s,format=raw,if=virtio" % disk]
    facts = []

    b = boot("install-1", ["-cdrom", args.iso, "-boot", "d"] + vdisk, args)
    try:
        b.ready()
        b.expect("xenlive-install --yes --force /dev/sr0",
                 "refuse the boot medium", 111, r"holds the boot medium")
        t0 = b.con.elapsed()
        out = b.expect("xenlive-install --yes /dev/vda", "install", 0,
                       r"installed to /dev/vda in \d+ s")
        facts.append("installed in %.1fs" % (b.con.elapsed() - t0))
        b.expect("xenlive-install --yes /dev/vda", "refuse a non-empty disk",
                 111, r"not empty")
        sync_off(b)
    finally:
        b.close()

    for fw, name in (([], "install-bios"), (UEFI, "install-uefi")):
        b = boot(name, fw + vdisk, args)
        try:
            t = b.ready()
            b.expect("xenlive-persistence status", "persistence on the disk",
                     0, r"on: changes are kept on /dev/vda3")
            guests_running(b)
            facts.append("%s: dom0 ready after %.1fs, guests running" % (
                name.split("-")[1].upper(), t))
        finally:
            b.close()
    return "; ".join(facts)


CASES = {"persist": case_persist, "install": case_install}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iso", default="iso/xenlive.iso")
    ap.add_argument("--timeout", type=float, default=400,
                    help="seconds one boot may take (default 400)")
    ap.add_argument("--mem", type=int, default=2048, help="guest MiB")
    ap.add_argument("--logdir", default="build/test")
    ap.add_argument("cases", nargs="*", default=list(CASES))
    a = ap.parse_args()
    for c in a.cases:
        if c not in CASES:
            ap.error("unknown case %s (cases: %s)" % (c, " ".join(CASES)))
    if not os.path.exists(a.iso):
        sys.exit("disk: fatal: no ISO at %s (run make first)" % a.iso)
    os.makedirs(a.logdir, exist_ok=True)

    def one(c):
        t0 = time.monotonic()
        LAST[0] = None
        try:
            return True, CASES[c](a), time.monotonic() - t0, LAST[0]
        except (Fail, TimeoutError, EOFError) as e:
            return False, str(e), time.monotonic() - t0, LAST[0]
    run_cases(a.cases, one)

if __name__ == "__main__":
    main()
