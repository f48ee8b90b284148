#!/usr/bin/env python3
"""Boot the XenLive ISO in QEMU (software emulation) and check the serial
console. Each case prints `PASS case (Ns)` or `FAIL case: why` followed by
the console tail; the run ends with `N passed, N failed`.

A Xen case passes when the console shows `xenlive: dom0 ready` and a command
typed at the dom0 root shell reports `control_d` in /proc/xen/capabilities;
`xl list` must show Domain-0; the case that boots the menu's "without Xen" entry passes when dom0 says it
runs without a hypervisor and its shell answers. Cases other than the
default entry pick their entry in the boot menu over the serial console,
as a person would. A boot that stalls fails at its deadline."""

import argparse
import os
import re
import select
import subprocess
import sys
import time

OVMF = "/usr/share/ovmf/OVMF.fd"

BIOS = []
UEFI = ["-machine", "q35", "-bios", OVMF]
CD = ["-cdrom", "{iso}"]
USB = ["-drive", "if=none,id=stick,file={iso},format=raw,snapshot=on",
       "-device", "qemu-xhci", "-device", "usb-storage,drive=stick,bootindex=0"]

# case: firmware, how the ISO is attached, menu entry (0 Xen, 1 Xen safe
# mode, 2 Linux without Xen)
CASES = {
    "cd-bios": (BIOS, CD, 0),
    "cd-uefi": (UEFI, CD, 0),
    "usb-bios": (BIOS, USB, 0),
    "usb-uefi": (UEFI, USB, 0),
    "safe-bios": (BIOS, CD, 1),
    "safe-uefi": (UEFI, CD, 1),
    "nox-bios": (BIOS, CD, 2),
    "nox-uefi": (UEFI, CD, 2),
}
# what each boot menu shows while it waits for a key
MENU_PROMPT = r"Automatic boot in|will be (booted|executed) automatically"
DOWN = "\x1b[B"

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
    firmware, media, _ = CASES[case]
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64",
            "-m", str(mem), "-smp", "2", "-display", "none",
            "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-nic", "none"]
    return argv + firmware + [a.format(iso=iso) for a in media]


def run_case(case, iso, timeout, logdir, mem):
    logpath = os.path.join(logdir, case + ".log")
    con = Console(qemu_argv(case, iso, mem), logpath)
    deadline = time.monotonic() + timeout
    entry = CASES[case][2]
    try:
        if entry:
            con.wait_for(MENU_PROMPT, deadline)
            con.proc.stdin.write((DOWN * entry + "\r").encode())
            con.proc.stdin.flush()
        m = con.wait_for(r"xenlive: dom0 ready[^\n]*", deadline)
        ready = con.elapsed()
        if entry == 2:
            if "no hypervisor" not in m.group(0):
                return False, "not without Xen: %s" % m.group(0), con
            con.send("echo shell-$((6*7))")
            con.wait_for(r"shell-42", deadline, m.end())
            return True, "dom0 ready after %.1fs: %s" % (ready, m.group(0).strip()), con
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
        # the toolstack we built against musl talks to Xen and xenstored
        con.send("xl list | grep -c '^Domain-0 ' | sed 's/^/dom0-listed-/'")
        if con.wait_for(r"dom0-listed-(\d)", deadline, got.end()).group(1) != "1":
            return False, "xl list does not show Domain-0", con
        if entry == 1:
            # the safe-mode entry, not the default one, was booted
            con.send("echo safe-$(grep -c nomodeset /proc/cmdline)-end")
            if con.wait_for(r"safe-(\d)-end", deadline, got.end()).group(1) != "1":
                return False, "booted without the safe-mode options", con
        return True, "dom0 ready after %.1fs: %s" % (ready, m.group(0).strip()), con
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
            print("PASS %s (%.1fs): %s" % (c, con.elapsed(), why), flush=True)
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
