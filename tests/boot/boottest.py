#!/usr/bin/env python3
"""Boot the XenLive ISO in QEMU (software emulation) and check the serial
console. Each case prints `PASS case (Ns)` or `FAIL case: why` followed by
the console tail; the run ends with `N passed, N failed`.

A case passes when the console shows `xenlive: dom0 ready` and a command
typed at the dom0 root shell reports `control_d` in
/proc/xen/capabilities. A boot that stalls fails at its deadline."""

import argparse
import os
import re
import select
import subprocess
import sys
import time

OVMF = "/usr/share/ovmf/OVMF.fd"

# how each case attaches the ISO and which firmware it boots
CASES = {
    "cd-bios": ([], ["-cdrom", "{iso}"]),
    "cd-uefi": (["-machine", "q35", "-bios", OVMF], ["-cdrom", "{iso}"]),
    "usb-bios": ([], ["-drive", "if=none,id=stick,file={iso},format=raw,snapshot=on",
                      "-device", "qemu-xhci", "-device", "usb-storage,drive=stick,bootindex=0"]),
    "usb-uefi": (["-machine", "q35", "-bios", OVMF],
                 ["-drive", "if=none,id=stick,file={iso},format=raw,snapshot=on",
                  "-device", "qemu-xhci", "-device", "usb-storage,drive=stick,bootindex=0"]),
}

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


class Console:
    """A QEMU whose first serial port is our stdin/stdout pipe."""

    def __init__(self, argv, logpath):
        self.log = open(logpath, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.raw = b""
        self.start = time.monotonic()

    def text(self):
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                return
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError("QEMU exited (status %s)" % self.proc.wait())
            self.raw += chunk
            self.log.write(chunk)
            self.log.flush()

    def wait_for(self, pattern, deadline, since=0):
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.text(), since)
            if m:
                return m
            if time.monotonic() >= deadline:
                raise TimeoutError("no %r on the console" % pattern)
            self.pump(min(1.0, deadline - time.monotonic()))

    def send(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def elapsed(self):
        return time.monotonic() - self.start

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


def qemu_argv(case, iso, mem):
    firmware, media = CASES[case]
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64",
            "-m", str(mem), "-smp", "2", "-display", "none",
            "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-nic", "none"]
    return argv + firmware + [a.format(iso=iso) for a in media]


def run_case(case, iso, timeout, logdir, mem):
    logpath = os.path.join(logdir, case + ".log")
    con = Console(qemu_argv(case, iso, mem), logpath)
    deadline = time.monotonic() + timeout
    try:
        m = con.wait_for(r"xenlive: dom0 ready[^\n]*", deadline)
        ready = con.elapsed()
        # ask the root shell on the serial console, until it answers
        tag = "caps-%d" % os.getpid()
        while True:
            con.send("echo %s-$(cat /proc/xen/capabilities)-end" % tag)
            try:
                got = con.wait_for(tag + r"-([a-z_]*)-end",
                                   min(deadline, time.monotonic() + 10), m.end())
                break
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise
        if got.group(1) != "control_d":
            return False, "capabilities are %r, not control_d" % got.group(1), con
        return True, "dom0 ready after %.0fs: %s" % (ready, m.group(0).strip()), con
    except (TimeoutError, EOFError) as e:
        return False, "%s after %.0fs" % (e, con.elapsed()), con
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iso", default="iso/xenlive.iso")
    ap.add_argument("--timeout", type=float, default=240,
                    help="seconds a boot may take (default 240)")
    ap.add_argument("--mem", type=int, default=2048, help="guest MiB")
    ap.add_argument("--logdir", default="build/test")
    ap.add_argument("cases", nargs="*", default=list(CASES))
    a = ap.parse_args()
    for c in a.cases:
        if c not in CASES:
            ap.error("unknown case %s (cases: %s)" % (c, " ".join(CASES)))
    if not os.path.exists(a.iso):
        sys.exit("boottest: fatal: no ISO at %s (run make first)" % a.iso)
    os.makedirs(a.logdir, exist_ok=True)
    passed = failed = 0
    for c in a.cases:
        ok, why, con = run_case(c, a.iso, a.timeout, a.logdir, a.mem)
        if ok:
            passed += 1
            print("PASS %s (%.0fs): %s" % (c, con.elapsed(), why), flush=True)
        else:
            failed += 1
            print("FAIL %s: %s" % (c, why))
            print("---- console tail (%s/%s.log) ----" % (a.logdir, c))
            print("\n".join(con.text().splitlines()[-30:]))
            print("----", flush=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
