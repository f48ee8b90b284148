#!/usr/bin/env python3
"""The boot suites' shared harness: QEMU's serial console read as it comes
(Console), a root shell on it (Shell), the demo guests' addresses, logins
and consoles, the boot menu, the QEMU monitor, the boot timeline and the
case runner (run_cases) that prints `PASS case`/`FAIL case` lines and
`N passed, N failed`. Used by boottest.py (the boot suite and its cases),
netboot.py, disk.py and lab.py."""

import bisect
import os
import re
import select
import socket
import subprocess
import sys
import time

OVMF = "/usr/share/ovmf/OVMF.fd"


# the demo guests the default profile starts (GUESTS_AUTOSTART)
GUESTS = ["tiny", "files"]


# what each boot menu shows first: GRUB's header, the title of
# isolinux's and pxelinux's menu
MENU_START = r"GNU GRUB  version|\s{3}XenLive\s{3}"


# Ctrl-N, "next entry" in GRUB's menu and in syslinux's: one byte. An arrow
# key is three (ESC [ B), and on UEFI two readers share the serial port
# (GRUB's own serial terminal and the firmware's console, GRUB's "console"
# input): a sequence split between them is no arrow, and the Enter after it
# boots the default entry (the likely way stop 23's CI came to boot Xen
# for nox-uefi).
DOWN = "\x0e"


ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


# A boot whose console prints nothing for STALL seconds before it gets
# anywhere (dom0 ready, the rescue shell, GRUB's shell) has stalled: every
# boot of the suites is done in about a minute, its longest silence (GRUB
# downloading over HTTP on UEFI) well under one. Seen on CI twice in 36
# runs, never reproduced: Xen stopped printing while it built dom0
# (static-ip, after "Boot stack"), and Linux without Xen after "Switched to
# clocksource hpet" (nox-uefi): QEMU's TCG with two vCPUs, not our code. A
# stalled boot fails at once instead of at the case's deadline, and
# run_cases() boots its case once more and says so.
STALL = 150
STALLED = "boot stalled"
BOOTED = re.compile(rb"dom0 ready|rescue shell|grub> ")


class Stalled(TimeoutError):
    pass


def pick_entry(con, entry, deadline, since=0):
    """Picks the boot menu's entry number entry (0 the first). The keys go
    out as soon as the menu starts drawing: its countdown is one second,
    and on a loaded host the second can run out between the countdown's
    line and keys typed after it (the default entry booted). Keys typed
    while the menu draws wait in the serial port for its first look at the
    keyboard, which stops the countdown."""
    m = con.wait_for(MENU_START, deadline, since)
    con.proc.stdin.write((DOWN * entry + "\r").encode())
    con.proc.stdin.flush()
    return m


class Console:
    """A QEMU whose first serial port is our stdin/stdout pipe."""

    def __init__(self, argv, logpath):
        self.log = open(logpath, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.raw = b""
        # (bytes of raw so far, seconds since power-on) after each read
        self.stamps = []
        self.start = time.monotonic()
        self.booted = False

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
                self.stalled()
                return
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError("QEMU exited (status %s)" % self.proc.wait())
            self.raw += chunk
            if not self.booted:
                self.booted = bool(BOOTED.search(self.raw,
                                                 len(self.raw) - len(chunk) - 16))
            self.stamps.append((len(self.raw), time.monotonic() - self.start))
            self.log.write(chunk)
            self.log.flush()

    def stalled(self):
        """Raises Stalled if the boot has not got anywhere and the console
        has been silent for STALL seconds."""
        if self.booted:
            return
        last = self.stamps[-1][1] if self.stamps else 0.0
        silent = self.elapsed() - last
        if silent >= STALL:
            lines = self.text().rstrip().splitlines()
            raise Stalled("%s: the console printed nothing for %.0fs, %.0fs "
                          "after power-on (its last line: %r)"
                          % (STALLED, silent, last,
                             lines[-1] if lines else ""))

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
        """Types line and Enter, a few characters at a time: under load a
        long line written at once loses characters on the serial line."""
        data = line.encode() + b"\n"
        for i in range(0, len(data), 8):
            self.proc.stdin.write(data[i:i + 8])
            self.proc.stdin.flush()
            time.sleep(0.05)

    def when(self, pattern, since=0):
        """Seconds after power-on at which the first match of the bytes
        pattern (at or after byte since of the raw console) had arrived,
        and where it ends; (None, since) if it never came."""
        m = re.compile(pattern).search(self.raw, since)
        if not m:
            return None, since
        i = bisect.bisect_left(self.stamps, (m.end(), -1.0))
        return self.stamps[i][1], m.end()

    def elapsed(self):
        return time.monotonic() - self.start

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


def monitor(path, command, deadline):
    """One command to the QEMU monitor (HMP) on its unix socket."""
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.monotonic() >= deadline:
                raise TimeoutError("no QEMU monitor at %s" % path)
            time.sleep(0.2)
    with s:
        s.sendall(command.encode() + b"\n")
        time.sleep(0.5)


def marked(con, cmd, n, deadline, since):
    """Types `cmd; echo end-$((N+1))` and waits for `end-N+1` after since;
    the match.  Under load the serial line can lose characters of the
    marker: after 90 s without it, the marker alone is asked again."""
    con.send("%s; echo end-$((%d+1))" % (cmd, n))
    while True:
        try:
            return con.wait_for(r"\nend-%d" % (n + 1),
                                min(deadline, time.monotonic() + 90), since)
        except TimeoutError:
            if time.monotonic() >= deadline:
                raise
            con.send("echo end-$((%d+1))" % n)


class Shell:
    """Commands typed at a shell on the console, each answered by its own
    output up to a marker (the echoed command line holds `$((N+1))`,
    never the marker it prints)."""

    def __init__(self, con, since):
        self.con, self.since, self.n = con, since, 1000

    def run(self, cmd, deadline):
        self.n += 1
        m = marked(self.con, cmd, self.n, deadline, self.since)
        out = self.con.text()[self.since:m.start() + 1]
        self.since = m.end()
        return out

    def until(self, cmd, pattern, deadline, what):
        """Runs cmd every 5 s until its output matches pattern."""
        while True:
            m = re.search(pattern, self.run(cmd, deadline))
            if m:
                return m
            if time.monotonic() >= deadline:
                raise TimeoutError(what)
            self.con.pump(5)


def guest_addresses(sh, deadline, guests=GUESTS):
    """Each guest's address, as its udhcpc reported it on the guest's
    console (xenconsoled's log in dom0), once it says its server is up."""
    addr = {}
    for g in guests:
        log = "/var/log/xen/console/guest-%s.log" % g
        m = sh.until("sed -n 's/^guest: eth0 \\([0-9.]*\\) by DHCP.*/addr-\\1-/p' %s"
                     % log, r"addr-(\d+\.\d+\.\d+\.\d+)-", deadline,
                     "%s reported no DHCP address on its console" % g)
        addr[g] = m.group(1)
        # the address comes before the disk and the web server
        sh.until("grep -c '^guest: %s up, role' %s | sed 's/^/up-/'" % (g, log),
                 r"up-[1-9]", deadline, "%s never said its web server is up" % g)
    return addr


def console_login(con, guest, deadline):
    """`xl console GUEST` typed at dom0's shell, then root at the guest's
    login prompt: a Shell in the guest. A guest still logged in from an
    earlier visit (a migrated one, say) answers with its shell prompt."""
    mark = len(con.text())
    con.send("xl console %s" % guest)
    # getty (or the shell) answers a new line with a fresh prompt
    while True:
        con.pump(2)
        con.send("")
        try:
            m = con.wait_for(r"%s login:|%s:~# " % (guest, guest),
                             min(deadline, time.monotonic() + 10), mark)
            break
        except TimeoutError:
            if time.monotonic() >= deadline:
                raise TimeoutError("xl console %s shows no login prompt" % guest)
    if "login:" in m.group(0):
        mark = len(con.text())
        con.send("root")
        # what is typed before the shell runs is lost
        con.wait_for(r"%s:~# " % guest, deadline, mark)
    sh = Shell(con, len(con.text()))
    out = sh.run("echo host-$(hostname)", deadline)
    if "host-%s\n" % guest not in out:
        raise TimeoutError("logging in on %s's console failed" % guest)
    return sh


def console_leave(con, deadline):
    """Ctrl-] out of `xl console`; a Shell in dom0 again, or None.
    xenconsole drops what it read along with the Ctrl-], and what is typed
    just after it may be lost too: ask until dom0's shell answers."""
    mark = len(con.text())
    con.proc.stdin.write(b"\x1d")
    con.proc.stdin.flush()
    for n in range(6):
        con.pump(5)
        con.send("echo back-$(cat /proc/xen/capabilities)-$((%d+1))" % n)
        try:
            back = con.wait_for(r"back-control_d-%d\n" % (n + 1),
                                min(deadline, time.monotonic() + 5), mark)
            return Shell(con, back.end())
        except TimeoutError:
            pass
    return None


def reach_guests(sh, addr, deadline):
    """dom0 pings each guest and fetches its page; the first failure."""
    for g in GUESTS:
        out = sh.run("ping -c 1 -W 5 %s >/dev/null && echo ping-ok-%s"
                     % (addr[g], g), deadline)
        if "ping-ok-%s\n" % g not in out:
            return "dom0 cannot ping %s at %s" % (g, addr[g])
        out = sh.run("wget -q -T 10 -O - http://%s/ | grep -c '%s' "
                     "| sed 's/^/page-names-/'" % (addr[g], g), deadline)
        if not re.search(r"page-names-[1-9]", out):
            return "the page of %s (http://%s/) does not name it" % (g, addr[g])
    return None


# the boot timeline (--timeline): what the console shows at the end of
# each stage, in order; a stage whose line never came is left out
STAGES = [
    ("firmware until the boot menu", rb"Automatic boot in|will be (?:booted|executed) automatically"),
    ("boot menu timeout", rb"Loading /boot/xen\.gz"),
    ("loading Xen, dom0 kernel, initramfs", rb"\(XEN\) (?:\[[^]]*\] )?Xen version"),
    ("Xen until it unpacks dom0's kernel", rb"\(XEN\) (?:\[[^]]*\] )?d0 has maximum"),
    ("Xen: dom0's kernel unpacked", rb"\(XEN\) (?:\[[^]]*\] )? Xen  kernel: "),
    ("Xen until it starts dom0", rb"\(XEN\) (?:\[[^]]*\] )?Freed \d+kB init memory"),
    ("dom0 kernel until /init", rb"xenlive-init: starting"),
    ("initramfs until switch_root", rb"xenlive-init: switching to dom0 root"),
    ("rcS until dom0 ready", rb"xenlive: dom0 ready"),
    ("drivers, xenbr0 created", rb"xenlive: network: xenbr0 created"),
    ("network", rb"xenlive: network: xenbr0 (?:on \S+, \S+ by DHCP|host-only)"),
]


def timeline(con):
    """Lines of the boot timeline: seconds after power-on, seconds since
    the line before, stage, in order of time: the boot's stages and each
    demo guest's (they come up side by side, while the network does): its
    xl create done (rcS's line) and its page answering dom0
    (`reached-NAME`, printed by check_lan's watcher)."""
    stamps, pos, ready = [], 0, 0
    for what, pat in STAGES:
        at, end = con.when(pat, pos)
        if at is not None:
            stamps.append((at, what))
            pos = end
            if what == "rcS until dom0 ready":
                ready = end
    # the guests start while the network comes up: in time order with it
    for g in GUESTS:
        for what, pat in (("guest %s: started (xl create done)", rb"xenlive: guest %s started"),
                          ("guest %s: page answers dom0", rb"reached-%s\b")):
            at, _ = con.when(pat % g.encode(), ready)
            if at is not None:
                stamps.append((at, what % g))
    rows, last = [], 0.0
    for at, what in sorted(stamps, key=lambda r: r[0]):
        rows.append((at, at - last, what))
        last = at
    return ["%7.1fs %+6.1fs  %s" % r for r in rows]


def run_cases(names, one):
    """The suites' main loop: one(name) runs a case and returns (passed,
    why, seconds, console log); prints `PASS case (Ns): why` or `FAIL
    case: why` with the log's tail, then `N passed, N failed`, and exits
    non-zero if any failed. A case whose boot stalled (STALL) runs once
    more: `AGAIN case: why` first, the stalled console kept as LOG.stalled,
    and the second run's PASS or FAIL line says so."""
    passed = failed = 0
    for c in names:
        ok, why, secs, log = one(c)
        if not ok and STALLED in why:
            # once more, the first boot's console kept beside the new one
            print("AGAIN %s: %s; booting it once more" % (c, why), flush=True)
            if log and os.path.exists(log):
                os.replace(log, log + ".stalled")
            first = why
            ok, why, secs, log = one(c)
            why += " (booted twice: the first %s)" % first
        if ok:
            passed += 1
            print("PASS %s (%.1fs): %s" % (c, secs, why), flush=True)
            continue
        failed += 1
        print("FAIL %s: %s" % (c, why))
        if log and os.path.exists(log):
            with open(log, "rb") as f:
                tail = ANSI.sub(b"", f.read()).decode("utf-8", "replace")
            print("---- console tail (%s) ----" % log)
            print("\n".join(tail.splitlines()[-30:]))
            print("----", flush=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
