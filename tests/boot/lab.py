#!/usr/bin/env python3
"""The lab: two XenLive machines (QEMU, software emulation) on one LAN,
made of a bridge and tap devices in network and mount namespaces of the
test's own (unshare), where dnsmasq hands out addresses and serves TFTP,
and a web server serves a copy of the netboot tree with a lab key made by
scripts/lab-key. A boots from the ISO (CD); B boots by PXE from the tree,
its menu's lab entry (xenlive.lab=/lab/lab.key). Cases share these two
boots; each prints `PASS case (Ns): what` or `FAIL case: why` with the
console tails, then `N passed, N failed`.

  nodes     B became a lab node at boot, with the key from the boot server
            (xenlive.lab=/lab/lab.key); A takes it with `xenlive-lab key
            import URL` and starts; `xenlive-lab list` on A shows both
            nodes by address with their guests
  join      B, its lab stopped and its key moved away, joins A by hand:
            `xenlive-lab join A` while A's admin answers n to `xenlive-lab
            invite` fails with the refusal and leaves no key; answered y on
            both sides, B gets A's key (same fingerprint, checked against
            the host key B confirmed) and starts again. A join key of this
            test's own, accepted by an invite, cannot run `xenlive-lab
            status`, fetches the lab key once and then no more; the lab
            key cannot fetch it
  refused   a machine without the lab key (this test's own OpenSSH
            client, with a key of its own) cannot run anything on a node,
            neither `xenlive-lab status` nor `xl migrate-receive`; with the
            lab key, a command that is not a lab command (`xl destroy`) is
            refused too, and the guest still runs
  migrate   `tiny` moves A -> B and back while this test fetches its page
            every 200 ms: it runs on exactly one node after each move, its
            uptime goes on (no reboot), its address stays; the failed
            requests and the longest gap are reported; xenlive-lab says
            how long the guest was paused (from libxl's "guest has
            suspended", xl -vvv, to the target's startup) and prints none
            of xl's debug lines. Guests of one image
            share its loop device: after each move each node has one for
            tiny.sfs (files, on both nodes, has the same image)
  metrics   on both nodes, xenlive-metrics (started by xenlive-lab start
            on the LAN address, port 9900): 401 without the token or with
            a wrong one, and a log line naming this test's address; with
            `xenlive-lab token` (the same on both nodes), 200 (its time
            reported; make bench holds it to 0.5 s), text promtool
            accepts, values equal to what xl list and xl info say (memory, vCPUs, CPU time, the p/s/c/d states; host memory,
            CPUs, version), the migrations of the migrate case counted
            with their time and pause, tiny's series on A only after its
            moves, each guest's CPU seconds growing between two scrapes; a
            real Prometheus scrapes both with the token and a query of the
            guests' vCPUs returns every guest of both nodes; the status page in headless chromium (the token as
            a Basic password) shows both nodes and no form or button
  memory    a migration to a node without room for the guest is refused
            with a clear message and the guest keeps running
  save      `xl save` of tiny to a file in dom0's RAM; copies of the file
            cut at 64 KiB and at half are refused by `xl restore` and
            leave dom0's domains, xenbr0's ports, loop devices and
            backends as they were; then `xl restore` of the whole file:
            the guest answers again with its uptime not reset
  disk      `files` writes a file on its writable disk on A; stopped,
            its disk is made a DRBD resource replicated to B (`xl shutdown
            -w files; xenlive-lab replicate files B` on one line: replicate
            waits for the domain to be gone), it starts again on A and serves the file (a second
            guest on the DRBD disk is refused), then
            moves to B, where it serves the same file at the same address;
            there it writes a second file, syncs, drops its caches and
            reads both back from the disk
  peer      files runs on B when its DRBD peer A drops off the LAN: it
            goes on writing on B, and xenlive-check on B is CRITICAL for
            the resource; A back, the resource resyncs by itself and
            xenlive-check finds it in sync
  evacuate  B, a lab node running files, powers off: its shutdown moves
            files to A first (its DRBD peer), where it serves both files
            (the one written while A was away too)
  rejoin    B boots again, without its side of files' DRBD resource (a
            live system forgets it): `xenlive-lab replicate files B` on A,
            where files runs, gives B a new side and syncs it; files
            moves to B and reads there, caches dropped, from B's copy of
            the disk, what it wrote on A and while A was away, and writes
  dies      B boots again (unless rejoin did); while A migrates tiny to it, B's QEMU is
            killed: tiny goes on running on A (uptime not reset) and
            xenlive-lab migrate says so
  big       (make bench only) a 128 MiB copy of tiny moves A -> B while
            polled as in migrate: the benchmark's guest size"""

import argparse
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import http.server
import json
import socket
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Console, Shell, Stalled, guest_addresses, \
    console_login, console_leave  # noqa: E402

LAN = "192.168.77"
SERVER = LAN + ".254"
CASES = ["nodes", "join", "refused", "migrate", "metrics", "memory", "save",
         "disk", "peer", "evacuate", "rejoin", "dies"]
# cases make bench runs, not make check
BENCH = ["big"]
# the inner run's exit status when its first boot stalled
AGAIN = 3
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOGDIR = "build/test"  # set by inner()
DROPBEAR = os.path.join(TOP, "build/out/dropbear/root/usr/sbin/dropbearmulti")


def ip(*args):
    subprocess.run(["ip"] + list(args), check=True)


def lan(logdir, nodes, tree):
    """br0 with SERVER, a tap per node, dnsmasq handing out addresses and
    serving tree by TFTP to PXE clients."""
    ip("link", "add", "br0", "type", "bridge", "forward_delay", "0")
    ip("addr", "add", SERVER + "/24", "dev", "br0")
    ip("link", "set", "br0", "up")
    ip("link", "set", "lo", "up")
    for n in nodes:
        ip("tuntap", "add", "dev", "tap" + n, "mode", "tap")
        ip("link", "set", "tap" + n, "master", "br0", "up")
    log = open(os.path.join(logdir, "lab.dnsmasq.log"), "wb")
    return subprocess.Popen(
        ["dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
         "--interface=br0", "--bind-interfaces", "--log-dhcp",
         "--dhcp-range=%s.100,%s.199,255.255.255.0,1h" % (LAN, LAN),
         "--enable-tftp", "--tftp-root=" + tree, "--dhcp-boot=pxelinux.0",
         "--dhcp-leasefile=" + os.path.join(logdir, "lab.leases")],
        stdout=log, stderr=log)


def serve(folder):
    """HTTP on SERVER:80 for folder, in a thread."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=folder, **kw)

        def log_message(self, *a):
            pass
    srv = http.server.ThreadingHTTPServer((SERVER, 80), Quiet)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def qemu(n, iso, mem):
    """A machine on tapN; from the ISO as a CD, or by PXE when iso is None.
    +npt: nested paging emulated, so Xen runs the PVH guests with HAP, as
    on real hardware, instead of with shadow page tables."""
    return ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64,+npt",
            "-m", str(mem), "-smp", "1", "-display", "none",
            "-serial", "stdio", "-no-reboot",
            "-netdev", "tap,id=n0,ifname=tap%s,script=no,downscript=no" % n,
            "-device", "e1000,netdev=n0,mac=52:54:00:77:00:%02x" % (ord(n) - 64)] + \
        (["-cdrom", iso] if iso else ["-boot", "n"])


class Node:
    """One machine: its console, a dom0 Shell once booted, its address."""

    def __init__(self, name, iso, mem, logdir):
        self.name = name
        self.argv = qemu(name, iso, mem)
        self.logdir = logdir
        self.log = os.path.join(logdir, "lab-%s.log" % name)
        self.con = Console(self.argv, self.log)
        self.sh = None
        self.addr = None

    def power_on_again(self):
        """The machine starts again (after it powered off or was killed);
        its console goes to lab-NAME-again.log."""
        self.con.close()
        self.log = os.path.join(self.logdir, "lab-%s-again.log" % self.name)
        self.con = Console(self.argv, self.log)
        self.sh = None

    def boot(self, deadline):
        """dom0 ready, xenbr0 on the LAN by DHCP, the demo guests started."""
        con = self.con
        con.wait_for(r"xenlive: dom0 ready", deadline)
        net = con.wait_for(r"xenlive: network: xenbr0 on \S+, (\S+) by DHCP",
                           deadline)
        self.addr = net.group(1)
        summary = con.wait_for(r"xenlive: guests: (\d+) of (\d+) started",
                               deadline)
        tag = "caps-%s" % self.name
        while True:
            con.send("echo %s-$(cat /proc/xen/capabilities)-end" % tag)
            try:
                got = con.wait_for(tag + r"-control_d-end",
                                   min(deadline, time.monotonic() + 10),
                                   summary.end())
                break
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise
        self.sh = Shell(con, got.end())
        return summary.group(0)

    def run(self, cmd, deadline):
        return self.sh.run(cmd, deadline)


class Poller(threading.Thread):
    """GET url every 200 ms, each request in a thread of its own (one that
    waits for an answer does not hold back the next), 1 s to answer; keeps
    (sent, ok, uptime seconds, answered) samples."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url, self.samples, self.stop = url, [], threading.Event()
        self.lock = threading.Lock()

    def get(self, t):
        up = None
        try:
            with urllib.request.urlopen(self.url, timeout=1) as r:
                page = r.read().decode("utf-8", "replace")
            m = re.search(r"Uptime: (\d+)d (\d+):(\d+):(\d+)", page)
            if m:
                d, h, mi, s = (int(x) for x in m.groups())
                up = ((d * 24 + h) * 60 + mi) * 60 + s
        except OSError:
            pass
        with self.lock:
            self.samples.append((t, up is not None, up, time.monotonic()))

    def run(self):
        t = time.monotonic()
        while not self.stop.is_set():
            threading.Thread(target=self.get, args=(t,), daemon=True).start()
            t += 0.2
            self.stop.wait(max(0, t - time.monotonic()))

    def sent(self, t0, t1):
        with self.lock:
            return sorted(x for x in self.samples if t0 <= x[0] <= t1)

    def window(self, t0, t1):
        """failed requests (no answer within 1 s) of those sent in t0..t1,
        and the longest time in t0..t1 without an answer arriving"""
        s = self.sent(t0, t1)
        start, end = self.gap_at(t0, t1)
        return sum(1 for x in s if not x[1]), end - start, len(s)

    def gap_at(self, t0, t1):
        """where the longest time in t0..t1 without an answer arriving
        starts and ends, in seconds after t0"""
        s = self.sent(t0, t1)
        best, last = (0.0, 0.0), t0
        for done in sorted(x[3] for x in s if x[1]) + [t1]:
            if done - last > best[1] - best[0]:
                best = (last - t0, done - t0)
            last = max(last, done)
        return best

    def uptime(self, t0, t1):
        return [x[2] for x in self.sent(t0, t1) if x[1]]

    def answered(self, since, limit):
        """Waits up to limit seconds for an answer after since; the
        uptime it gave, or None."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            up = self.uptime(since, time.monotonic())
            if up:
                return up[0]
            time.sleep(0.2)
        return None


def boot_tree(netboot):
    """A copy of the netboot tree with lab/lab.key made by scripts/lab-key,
    its pxelinux menu's lab entry the default (picking entries over the
    serial console is the boot suite's business)."""
    tree = os.path.join(tempfile.mkdtemp(prefix="xenlive-lab-"), "netboot")
    shutil.copytree(netboot, tree)
    menu = os.path.join(tree, "pxelinux.cfg", "default")
    with open(menu) as f:
        text = f.read()
    lab = re.sub(r"(?m)^DEFAULT \S+$", "DEFAULT lab", text)
    if lab == text or "xenlive.lab=/lab/lab.key" not in lab:
        raise RuntimeError("%s: no DEFAULT line or no lab entry" % menu)
    with open(menu, "w") as f:
        f.write(lab)
    out = subprocess.run([os.path.join(TOP, "scripts/lab-key"), tree],
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError("scripts/lab-key failed: %s" % out.stderr.strip())
    return tree


def where(nodes, guest, deadline, expect=None):
    """The nodes whose xl list has guest; asked again for up to 30 s while
    it is not expect (a domain that left is torn down for a moment)."""
    end = time.monotonic() + 30
    while True:
        on = []
        for n in nodes:
            out = n.run("xl list | grep -c '^%s ' | sed 's/^/listed-/'"
                        % guest, deadline)
            if re.search(r"listed-[1-9]", out):
                on.append(n.name)
        if expect is None or on == expect or time.monotonic() > end:
            return on
        time.sleep(3)


def case_nodes(a, b, deadline, url):
    if not re.search(r"xenlive-lab: lab key SHA256:\S+\nxenlive-lab: lab node "
                     r"xenlive-\S+ on %s:22" % re.escape(b.addr), b.con.text()):
        return False, "B (PXE, lab entry) did not become a lab node at boot"
    out = a.run("xenlive-lab key import %s && xenlive-lab start" % url,
                deadline)
    if not re.search(r"lab node xenlive-\S+ on %s:22" % re.escape(a.addr), out):
        return False, "A did not become a lab node: %s" % out
    # B's demo guests stop: the guest names of a lab are unique, and tiny
    # is coming from A
    # (destroyed: a guest still booting does not answer xl shutdown yet)
    b.run("xl destroy tiny", deadline)
    out = a.run("xenlive-lab list", deadline)
    rows = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and re.match(r"\d+\.\d+\.\d+\.\d+$", f[1]):
            rows[f[1]] = f
    if b.addr not in rows or a.addr not in rows:
        why = a.run("nc -z -w 2 %s 22; echo port-$?; HOME=/run/xenlive/lab "
                    "dbclient -i /etc/xenlive/lab/lab.key -l xenlab %s "
                    "xenlive-lab status" % (b.addr, b.addr), deadline)
        why += b.run("ps | grep -c '[d]ropbear' | sed 's/^/dropbears-/'; "
                     "tail -n 5 /var/log/xenlive-lab.log", deadline)
        return False, "xenlive-lab list on A does not show both nodes: %s " \
            "(A asks B: %s)" % (out, why)
    if "files" not in rows[b.addr][3:] or "tiny" in rows[b.addr][3:]:
        return False, "xenlive-lab list shows B's guests wrong: %s" % out
    return True, "B took the lab key from the boot server at boot (PXE, " \
        "lab entry), A from %s; xenlive-lab list on A shows %s" % (
            url, "; ".join(" ".join(r) for r in rows.values()))


def logged(node, path, pattern, deadline, limit=30):
    """path on node, read until it matches pattern (limit s): the match
    or None, and the text"""
    end = min(deadline, time.monotonic() + limit)
    while True:
        out = node.run("cat %s" % path, deadline)
        m = re.search(pattern, out)
        if m or time.monotonic() >= end:
            return m, out
        time.sleep(2)


def join_request(addr, line, limit=60):
    """line sent to addr:2223 as `xenlive-lab join` does; the answer"""
    end = time.monotonic() + limit
    while True:
        try:
            s = socket.create_connection((addr, 2223), timeout=5)
            break
        except OSError:
            if time.monotonic() >= end:
                raise
            time.sleep(1)
    with s:
        s.sendall(line.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        s.settimeout(limit)
        got = b""
        while True:
            part = s.recv(4096)
            if not part:
                return got.decode("utf-8", "replace")
            got += part


def case_join(a, b, deadline, keyfile, logdir):
    out = a.run("xenlive-lab key show", deadline)
    m = re.search(r"(SHA256:\S+) /etc/xenlive/lab/lab.key", out)
    if not m:
        return False, "A shows no lab key: %s" % out
    afp = m.group(1)
    b.run("xenlive-lab stop; mv /etc/xenlive/lab/lab.key /tmp/lab.key.before",
          deadline)
    # A's admin says no
    a.run("(echo n | xenlive-lab invite 120 >/tmp/invite-n.log 2>&1 &)",
          deadline)
    out = b.run("echo y | xenlive-lab join %s; echo join-rc-$?; ls -A "
                "/etc/xenlive/lab | sed 's/^/left-/'" % a.addr, deadline)
    if "lab key is %s;" % afp not in out:
        return False, "join on B did not show A's lab key %s: %s" % (afp, out)
    if "admin refused this node: nothing changed" not in out or \
            "join-rc-111\n" not in out or re.search(r"(?m)^left-", out):
        return False, "join on B, refused by A, did not fail cleanly: %s" % out
    m, inv = logged(a, "/tmp/invite-n.log", r"refused %s " % re.escape(b.addr),
                    deadline)
    if not m:
        return False, "A's invite did not say it refused B: %s" % inv
    # both say yes
    a.run("(echo y | xenlive-lab invite 120 >/tmp/invite-y.log 2>&1 &)",
          deadline)
    t0 = time.monotonic()
    out = b.run("echo y | xenlive-lab join %s; echo join-rc-$?" % a.addr,
                deadline)
    secs = time.monotonic() - t0
    jm = re.search(r"this node's join key is (SHA256:\S+)", out)
    if "join-rc-0\n" not in out or not jm:
        return False, "join on B, accepted by A, failed: %s" % out
    m, inv = logged(a, "/tmp/invite-y.log", r"gave the lab key to %s " %
                    re.escape(b.addr), deadline)
    if not m:
        return False, "A's invite did not say it gave B the key: %s" % inv
    if "key %s (compare" % jm.group(1) not in inv:
        return False, "A's invite showed another join key than B's %s: %s" % (
            jm.group(1), inv)
    out = b.run("xenlive-lab key show; xenlive-lab start", deadline)
    if "%s /etc/xenlive/lab/lab.key" % afp not in out:
        return False, "B's key after the join is not A's %s: %s" % (afp, out)
    if not re.search(r"lab node xenlive-\S+ on %s:22" % re.escape(b.addr), out):
        return False, "B did not start as a lab node after the join: %s" % out
    # a join key of the test's own: lab-shell gives it the key once and
    # nothing else
    jk = os.path.join(logdir, "lab-joinkey")
    if os.path.exists(jk):
        os.unlink(jk)
    r = subprocess.run([DROPBEAR, "dropbearkey", "-t", "ed25519", "-f", jk],
                       capture_output=True, text=True, check=True)
    pub = re.search(r"(?m)^(ssh-ed25519 \S+)", r.stdout).group(1)
    a.run("(echo y | xenlive-lab invite 120 >/tmp/invite-t.log 2>&1 &)",
          deadline)
    ans = join_request(a.addr, pub + " join@labtest")
    if ans != "accepted\n":
        return False, "A's invite answered %r to the test's join request" % ans

    def dbclient(key, cmd):
        return subprocess.run([DROPBEAR, "dbclient", "-y", "-i", key, "-l",
                               "xenlab", a.addr, cmd], capture_output=True,
                              timeout=60, stdin=subprocess.DEVNULL,
                              env=dict(os.environ, HOME=logdir))
    r = dbclient(jk, "xenlive-lab status")
    if r.returncode == 0 or b"refused: not a lab command" not in r.stderr:
        return False, "the join key ran xenlive-lab status on A: exit %d, " \
            "%r" % (r.returncode, r.stdout + r.stderr)
    r = dbclient(keyfile, "xenlive-lab give-key")
    if r.returncode == 0 or r.stdout:
        return False, "the lab key ran give-key on A: exit %d, %r" % (
            r.returncode, r.stderr)
    with open(keyfile, "rb") as f:
        labkey = f.read()
    r = dbclient(jk, "xenlive-lab give-key")
    if r.returncode or r.stdout != labkey:
        return False, "the accepted join key did not get the lab key: exit " \
            "%d, %d bytes, %r" % (r.returncode, len(r.stdout), r.stderr)
    r = dbclient(jk, "xenlive-lab give-key")
    if r.returncode == 0 or r.stdout:
        return False, "the join key fetched the lab key twice: exit %d, %r" \
            % (r.returncode, r.stderr)
    m, inv = logged(a, "/tmp/invite-t.log", r"gave the lab key to", deadline)
    if not m:
        return False, "A's invite did not say it gave the test the key: %s" \
            % inv
    return True, "refused by A's admin, B's join failed and left no key; " \
        "accepted, B joined in %.1fs (join key %s shown on both sides, lab " \
        "key %s) and started again; the test's join key: status refused, " \
        "the key once, then %s; the lab key: give-key refused" % (
            secs, jm.group(1), afp,
            r.stderr.decode("utf-8", "replace").strip().splitlines()[-1])


def case_refused(a, b, deadline, keyfile, logdir):
    stranger = os.path.join(logdir, "lab-stranger")
    for p in (stranger, stranger + ".pub"):
        if os.path.exists(p):
            os.unlink(p)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    stranger], check=True)
    ssh = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
           "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20",
           "-i", stranger, "xenlab@" + b.addr]
    for cmd in ("xenlive-lab status", "xl migrate-receive"):
        r = subprocess.run(ssh + [cmd], capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
        if r.returncode == 0 or "Permission denied (publickey)" not in r.stderr:
            return False, "a stranger's key ran %r on B: exit %d, %s%s" % (
                cmd, r.returncode, r.stdout, r.stderr)
    # with the lab key, only lab commands
    r = subprocess.run([DROPBEAR, "dbclient", "-y", "-i", keyfile, "-l",
                        "xenlab", a.addr, "xl destroy tiny"],
                       capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL,
                       env=dict(os.environ, HOME=logdir))
    if r.returncode == 0 or "refused: not a lab command" not in r.stderr:
        return False, "the lab key ran xl destroy on A: exit %d, %s" % (
            r.returncode, r.stderr)
    if where([a], "tiny", deadline, ["A"]) != ["A"]:
        return False, "tiny is gone from A after the refused xl destroy"
    out = a.run("grep -c 'refused: xl destroy tiny' /var/log/xenlive-lab.log"
                " | sed 's/^/logged-/'", deadline)
    if not re.search(r"logged-[1-9]", out):
        return False, "A did not log the refused command"
    return True, "a stranger's key: Permission denied (publickey) for " \
        "xenlive-lab status and xl migrate-receive; the lab key: xl destroy " \
        "refused and logged, tiny still runs"


def migrate(src, dst, nodes, poller, deadline, guest="tiny"):
    """src migrates guest to dst; (ok, why, seconds, failed, gap, samples)"""
    t0 = time.monotonic()
    up0 = poller.uptime(t0 - 5, t0)
    out = src.run("xenlive-lab migrate %s %s; echo migrate-rc-$?"
                  % (guest, dst.addr), deadline)
    t1 = time.monotonic()
    # the page answers again from the new node (under TCG, give it a minute)
    up1 = poller.answered(t1, 60)
    t2 = time.monotonic()
    failed, gap, n = poller.window(t0, t2)
    # for whoever studies the times: xenlive-lab's timed progress lines,
    # where the longest gap lies, and the target's hotplug scripts (they
    # run while the guest waits, paused, on it)
    hot = dst.run("tail -n 6 /var/log/xen/xen-hotplug.log", deadline)
    with open(os.path.join(LOGDIR, "lab-migrate-%s%s-%s.txt" % (
            "" if guest == "tiny" else guest + "-", src.name, dst.name)),
            "w") as f:
        f.write("%s\nlongest gap %.1fs: from %.1fs to %.1fs after the "
                "command was sent\n%s\n" % ((out, gap) +
                                            poller.gap_at(t0, t2) + (hot,)))
    if "migrate-rc-0\n" not in out:
        return False, "xenlive-lab migrate %s %s -> %s failed: %s" % (
            guest, src.name, dst.name, out), 0, failed, gap, n
    # the pause from libxl's "guest has suspended" (xl -vvv, a debug line
    # that goes to the lab's log only) to the target's startup
    m = re.search(r"%s runs on \S+ now \(([\d.]+) s, paused ([\d.]+) s\)" % guest, out)
    if not m or not 0 < float(m.group(2)) < float(m.group(1)):
        return False, "xenlive-lab migrate %s %s -> %s did not say how long " \
            "the guest was paused (or said more than the whole move): %s" % (
                guest, src.name, dst.name, out[-600:]), 0, failed, gap, n
    if re.search(r": (debug|verbose|detail): ", out):
        return False, "xenlive-lab migrate printed xl's debug lines: %s" % (
            re.search(r"[^\n]*: (debug|verbose|detail): [^\n]*", out).group(0)), \
            0, failed, gap, n
    on = where(nodes, guest, deadline, [dst.name])
    if on != [dst.name]:
        return False, "after migrating to %s, %s runs on %s" % (
            dst.name, guest, on or "no node"), 0, failed, gap, n
    if not up0 or up1 is None:
        return False, "%s's page did not answer before the move or within " \
            "60 s after it (%d answers before)" % (guest, len(up0)), 0, \
            failed, gap, n
    if up1 < up0[-1]:
        return False, "%s's uptime went from %d s to %d s: it restarted" % (
            guest, up0[-1], up1), 0, failed, gap, n
    return True, "", t1 - t0, failed, gap, n


def case_migrate(a, b, deadline, addr):
    poller = Poller("http://%s/" % addr)
    poller.start()
    try:
        time.sleep(3)
        res = []
        for src, dst in ((a, b), (b, a)):
            ok, why, secs, failed, gap, n = migrate(src, dst, (a, b), poller,
                                                    deadline)
            if not ok:
                return False, why
            res.append("%s->%s in %.1fs, %d of %d requests failed, longest "
                       "gap %.1fs" % (src.name, dst.name, secs, failed, n, gap))
            # files runs on both nodes from the same image as tiny: one
            # read-only loop device of the image serves both guests on dst,
            # and stays for files on src after tiny left
            for node in (dst, src):
                loops = node.run("losetup -a | grep -c '/guests/tiny.sfs' | "
                               "sed 's/^/loops-/'", deadline)
                if not re.search(r"loops-1\n", loops):
                    return False, "after %s->%s, %s has not one loop device " \
                        "of tiny.sfs: %s" % (src.name, dst.name, node.name, loops)
        up = poller.uptime(0, time.monotonic())
    finally:
        poller.stop.set()
    WRITTEN["migrated"] = True
    return True, "tiny (%s) moved and kept its address and uptime (%d s at " \
        "the end): %s" % (addr, up[-1], "; ".join(res))


def scrape(addr, token=None, path="/metrics", basic=False, limit=10):
    """GET http://addr:9900/path, with token as a bearer token (or as a
    Basic password): (status, headers, body, seconds)"""
    req = urllib.request.Request("http://%s:9900%s" % (addr, path))
    if token and basic:
        req.add_header("Authorization", "Basic " + base64.b64encode(
            ("lab:" + token).encode()).decode())
    elif token:
        req.add_header("Authorization", "Bearer " + token)
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=limit) as r:
            return r.status, r.headers, r.read().decode("utf-8", "replace"), \
                time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.headers, "", time.monotonic() - t0


def samples(text):
    """{(name, ((label, value), ...)): value} of Prometheus text"""
    out = {}
    for line in text.splitlines():
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$", line)
        if not m:
            continue
        labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"',
                                         m.group(2) or "")))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def against_xl(node, text, t_scrape, deadline):
    """Where the scraped text disagrees with xl list and xl info on node,
    run just after; "" when it agrees"""
    got = samples(text)
    out = node.run("xl list | awk 'NR > 1 {print \"xl\" \"-dom\", $1, $3, "
                   "$4, $5, $6}'; xl info | awk '{print \"xl\" \"-info\", "
                   "$1, $3}'", deadline)
    elapsed = time.monotonic() - t_scrape
    bad = []
    doms = re.findall(r"^xl-dom (\S+) (\d+) (\d+) (\S+) (\S+)$", out, re.M)
    info = dict(re.findall(r"^xl-info (\S+) (\S+)$", out, re.M))
    if not doms or not info:
        return "no xl list or xl info: %s" % out[-300:]
    for name, mem, vcpus, state, cpu in doms:
        d = (("domain", name),)
        v = got.get(("xen_domain_memory_bytes", d))
        if v is None or int(v) // 1048576 != int(mem):
            bad.append("%s memory %s, xl list %s MiB" % (name, v, mem))
        v = got.get(("xen_domain_vcpus", d))
        if v is None or int(v) != int(vcpus):
            bad.append("%s vcpus %s, xl list %s" % (name, v, vcpus))
        v = got.get(("xen_domain_cpu_seconds_total", d))
        if v is None or not (v - 0.1 <= float(cpu) <= v + (elapsed + 2) * int(vcpus)):
            bad.append("%s CPU %s s, xl list %s s %.0f s later" % (
                name, v, cpu, elapsed))
        # r and b change from one instant to the next; p s c d do not here
        for i, st in ((2, "paused"), (3, "shutdown"), (4, "crashed"), (5, "dying")):
            v = got.get(("xen_domain_state", (("domain", name), ("state", st))))
            if v is None or int(v) != (state[i] != "-"):
                bad.append("%s %s %s, xl list %s" % (name, st, v, state))
    for metric, key, scale in (
            ("xen_host_memory_total_bytes", "total_memory", 1048576),
            ("xen_host_memory_free_bytes", "free_memory", 1048576),
            ("xen_host_cpus", "nr_cpus", 1)):
        v = got.get((metric, ()))
        if v is None or int(v) // scale != int(info.get(key, -1)):
            bad.append("%s %s, xl info %s %s" % (metric, v, key, info.get(key)))
    if ("xen_info", (("version", info.get("xen_version", "?")),)) not in got:
        bad.append("xen_info has not version %s" % info.get("xen_version"))
    return "; ".join(bad)


def prometheus_scrapes(addrs, token, guests, deadline):
    """A real Prometheus scrapes addrs (port 9900) with token: "" when both
    targets are up, xen_host_cpus comes from each and a query of the guests'
    vCPUs returns guests, the set of (address, guest) pairs, else why not"""
    prom = shutil.which("prometheus")
    if not prom:
        return "no prometheus on this host (Debian package prometheus; " \
            "scripts/host-deps test)"
    d = tempfile.mkdtemp(prefix="xenlive-prom.")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with open(os.path.join(d, "token"), "w") as f:
        f.write(token + "\n")
    os.chmod(os.path.join(d, "token"), 0o600)
    with open(os.path.join(d, "prometheus.yml"), "w") as f:
        f.write("global: {scrape_interval: 5s, scrape_timeout: 4s}\n"
                "scrape_configs:\n"
                "  - job_name: xenlive\n"
                "    authorization: {type: Bearer, credentials_file: %s}\n"
                "    static_configs: [{targets: [%s]}]\n" % (
                    os.path.join(d, "token"),
                    ", ".join("'%s:9900'" % a for a in addrs)))
    log = open(os.path.join(LOGDIR, "lab-prometheus.log"), "wb")
    p = subprocess.Popen([prom, "--config.file=" + os.path.join(d, "prometheus.yml"),
                          "--storage.tsdb.path=" + os.path.join(d, "data"),
                          "--web.listen-address=127.0.0.1:%d" % port],
                         stdout=log, stderr=log)
    api = "http://127.0.0.1:%d/api/v1/" % port
    why = "no answer from Prometheus's API"
    try:
        end = min(deadline, time.monotonic() + 90)
        while time.monotonic() < end:
            time.sleep(5)
            try:
                with urllib.request.urlopen(api + "targets", timeout=5) as r:
                    t = json.load(r)["data"]["activeTargets"]
                health = {x["labels"]["instance"]: (x["health"], x.get("lastError", ""))
                          for x in t}
                if all(health.get("%s:9900" % a, ("?",))[0] == "up" for a in addrs):
                    q = urllib.parse.quote("xen_host_cpus")
                    with urllib.request.urlopen(api + "query?query=" + q,
                                                timeout=5) as r:
                        res = json.load(r)["data"]["result"]
                    inst = sorted(x["metric"]["instance"] for x in res)
                    if inst != sorted("%s:9900" % a for a in addrs):
                        why = "xen_host_cpus from %s" % inst
                        continue
                    q = urllib.parse.quote('xen_domain_vcpus{domain!="Domain-0"}')
                    with urllib.request.urlopen(api + "query?query=" + q,
                                                timeout=5) as r:
                        res = json.load(r)["data"]["result"]
                    pairs = set((x["metric"]["instance"].split(":")[0],
                                 x["metric"]["domain"]) for x in res)
                    if pairs == guests:
                        return ""
                    why = "the guests' vCPUs query returned %s, the nodes " \
                        "run %s" % (sorted(pairs), sorted(guests))
                else:
                    why = "targets: %s" % health
            except (OSError, ValueError, KeyError) as e:
                why = "Prometheus's API: %s" % e
        return why
    finally:
        p.kill()
        p.wait()
        log.close()
        shutil.rmtree(d, ignore_errors=True)


def chromium_page(addr, token, names, deadline):
    """The status page of addr in headless chromium, the token as a Basic
    password, until it shows every node of names (90 s): "" or why not"""
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chrome:
        return "no chromium on this host (Debian package chromium; " \
            "scripts/host-deps test)"
    d = tempfile.mkdtemp(prefix="xenlive-chromium.")
    dom = ""
    try:
        end = min(deadline, time.monotonic() + 90)
        while time.monotonic() < end:
            try:
                r = subprocess.run(
                    [chrome, "--headless", "--no-sandbox", "--disable-gpu",
                     "--user-data-dir=" + d, "--dump-dom",
                     "http://lab:%s@%s:9900/" % (token, addr)],
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
                dom = r.stdout.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                dom = "(chromium did not end in 60 s)"
            shown = re.findall(r'<h2 class="node">([^<]*)</h2>', dom)
            if sorted(shown) == sorted(names):
                for tag in ("<form", "<button", "<input", "<script"):
                    if tag in dom:
                        return "the page has a %s" % tag
                # its picture, for the README (docs/status-page.png)
                subprocess.run(
                    [chrome, "--headless", "--no-sandbox", "--disable-gpu",
                     "--user-data-dir=" + d, "--window-size=1000,640",
                     "--screenshot=" + os.path.abspath(os.path.join(
                         LOGDIR, "lab-status-page.png")),
                     "http://lab:%s@%s:9900/" % (token, addr)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
                return ""
            time.sleep(8)
        return "the page did not show the nodes %s: %s" % (names, dom[-300:])
    finally:
        shutil.rmtree(d, ignore_errors=True)


def case_metrics(a, b, deadline):
    """Both nodes' exporters: the token, 401, 200 and the text, its values
    against xl, the migrations, a real Prometheus, the status page."""
    try:
        return metrics_checks(a, b, deadline)
    except (TimeoutError, EOFError):
        raise
    except Exception as e:  # a broken check fails this case, not the suite
        return False, "the metrics case broke: %r" % e


def metrics_checks(a, b, deadline):
    tokens, names, res = [], [], []
    guests, cpu0 = set(), {}
    for n in (a, b):
        out = n.run("xenlive-lab token | sed 's/^/token-/'; hostname | "
                    "sed 's/^/host-/'", deadline)
        t = re.search(r"^token-([0-9a-f]{64})$", out, re.M)
        h = re.search(r"^host-(\S+)$", out, re.M)
        if not t or not h:
            return False, "xenlive-lab token on %s: %s" % (n.name, out)
        tokens.append(t.group(1))
        names.append(h.group(1))
    if tokens[0] != tokens[1]:
        return False, "A and B derive different tokens from the same key"
    token = tokens[0]
    for n in (a, b):
        st, h, _, _ = scrape(n.addr)
        st2, _, _, _ = scrape(n.addr, "0" * 64)
        if st != 401 or st2 != 401 or "Bearer" not in (h.get("WWW-Authenticate") or ""):
            return False, "%s without the token: %s, with a wrong one: %s" % (
                n.name, st, st2)
        m, logtext = logged(n, "/var/log/xenlive-lab.log",
                            r"401 from %s: GET /metrics without a token" %
                            re.escape(SERVER), deadline)
        if not m:
            return False, "%s logged no 401 from %s: %s" % (
                n.name, SERVER, logtext[-300:])
        st, h, text, secs = scrape(n.addr, token)
        t_scrape = time.monotonic()
        if st != 200 or not (h.get("Content-Type") or "").startswith(
                "text/plain; version=0.0.4"):
            return False, "%s with the token: %s %s" % (
                n.name, st, h.get("Content-Type"))
        why = against_xl(n, text, t_scrape, deadline)
        if why:
            return False, "%s's metrics differ from xl: %s" % (n.name, why)
        path = os.path.join(LOGDIR, "lab-metrics-%s.txt" % n.name)
        with open(path, "w") as f:
            f.write(text)
        promtool = shutil.which("promtool")
        if not promtool:
            return False, "no promtool on this host (Debian package prometheus)"
        with open(path) as f:
            r = subprocess.run([promtool, "check", "metrics"], stdin=f,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            return False, "promtool check metrics on %s's text: %s" % (
                n.name, r.stdout.decode()[-300:])
        got = samples(text)
        for (metric, labels), v in got.items():
            if metric == "xen_domain_cpu_seconds_total" and \
                    labels[0][1] != "Domain-0":
                guests.add((n.addr, labels[0][1]))
                cpu0[(n.addr, labels[0][1])] = v
        if WRITTEN.get("migrated"):
            total = got.get(("xenlive_lab_migrations_total", ()))
            last = got.get(("xenlive_lab_migration_last_seconds", ()))
            pause = got.get(("xenlive_lab_migration_last_pause_seconds", ()))
            if not total or got.get(("xenlive_lab_migration_failures_total", ())) != 0 \
                    or not last or pause is None or not 0 < pause < last:
                return False, "%s's migration metrics after the migrate case: " \
                    "%s migrations, %s failures, last %s s, pause %s s" % (
                        n.name, total, got.get(("xenlive_lab_migration_failures_total", ())),
                        last, pause)
            res.append("%s: %d domains in %.0f ms, %d migration(s), last %.1f s, "
                       "%s" % (n.name, len(re.findall(
                           r"^xen_domain_vcpus\{", text, re.M)), secs * 1000,
                           total, last, "paused %.2f s" % pause))
        else:
            res.append("%s: %d domains in %.0f ms" % (n.name, len(re.findall(
                r"^xen_domain_vcpus\{", text, re.M)), secs * 1000))
    # tiny went A -> B -> A in the migrate case: its series are A's only
    if WRITTEN.get("migrated") and ((a.addr, "tiny") not in guests or
                                    (b.addr, "tiny") in guests):
        return False, "after tiny moved back to A, the nodes report " \
            "guests %s" % sorted(guests)
    why = prometheus_scrapes([a.addr, b.addr], token, guests, deadline)
    if why:
        return False, "Prometheus with the token: %s" % why
    # seconds later (Prometheus waited 5 s at least), each guest's CPU
    # seconds grew
    for n in (a, b):
        st, _, text, _ = scrape(n.addr, token)
        got = samples(text) if st == 200 else {}
        for (addr, dom), v in cpu0.items():
            v1 = got.get(("xen_domain_cpu_seconds_total", (("domain", dom),)))
            if addr == n.addr and (v1 is None or not v1 > v):
                return False, "%s's CPU seconds on %s went from %s to %s" % (
                    dom, n.name, v, v1)
    why = chromium_page(a.addr, token, names, deadline)
    if why:
        return False, "the status page on A: %s" % why
    return True, "401 without the token (logged), the same token on both " \
        "nodes; %s; promtool accepts both, values as xl list and xl info " \
        "say, each guest's CPU seconds grew, tiny's series only on A after " \
        "its moves; Prometheus scraped both and a query returned the %d " \
        "guests of both nodes; chromium showed both nodes on A's status " \
        "page" % ("; ".join(res), len(guests))


def case_big(a, b, deadline):
    """`make bench` only: a 128 MiB guest (a copy of tiny with 128 MiB,
    the size issue 9's benchmark names; the demo guests have 32) moves
    A -> B while polled as in case_migrate, then is destroyed."""
    out = a.run("sed -e 's/^name = .*/name = \"big\"/' -e 's/^memory = .*/"
                "memory = 128/' -e 's/xenlive.name=tiny/xenlive.name=big/' "
                "/etc/xen/tiny.cfg >/tmp/big.cfg && xl create /tmp/big.cfg "
                ">/tmp/big.log 2>&1; echo big-$?", deadline)
    if "big-0\n" not in out:
        return False, "xl create of a 128 MiB copy of tiny on A failed: " \
            "see /tmp/big.log there"
    addr = guest_addresses(a.sh, deadline, ["big"])["big"]
    poller = Poller("http://%s/" % addr)
    poller.start()
    try:
        time.sleep(3)
        ok, why, secs, failed, gap, n = migrate(a, b, (a, b), poller,
                                                deadline, "big")
    finally:
        poller.stop.set()
        for node in (a, b):
            node.run("xl destroy big 2>/dev/null", deadline)
    if not ok:
        return False, why
    return True, "big (128 MiB, %s) A->B in %.1fs, %d of %d requests " \
        "failed, longest gap %.1fs" % (addr, secs, failed, n, gap)


def case_memory(a, b, deadline):
    """B is filled by a ballast guest until tiny no longer fits; A's
    migration of tiny is refused before anything moves."""
    out = b.run("xl info | awk '$1 == \"free_memory\" {print \"free-\" $3}'",
                deadline)
    free = int(re.search(r"free-(\d+)", out).group(1))
    # what is left is less than tiny's 32 MiB (+8 the lab keeps spare)
    ballast = free - 20
    out = b.run("xl create /etc/xen/tiny.cfg 'name=\"ballast\"' 'memory=%d' "
                ">/tmp/ballast.log 2>&1; echo ballast-$?; xl info | awk "
                "'$1 == \"free_memory\" {print \"left-\" $3}'" % ballast,
                deadline)
    if "ballast-0\n" not in out:
        return False, "could not start a %d MiB ballast guest on B: see " \
            "/tmp/ballast.log there" % ballast
    left = int(re.search(r"left-(\d+)", out).group(1))
    try:
        out = a.run("xenlive-lab migrate tiny %s; echo rc-$?" % b.addr,
                    deadline)
    finally:
        b.run("xl destroy ballast", deadline)
    need = re.search(r"has \d+ MiB free, tiny needs (\d+) MiB \(\+8\): "
                     r"not migrating; tiny keeps running here", out)
    if not need:
        return False, "no clear refusal for lack of memory: %s" % out
    if "rc-111\n" not in out:
        return False, "the refused migration did not exit 111: %s" % out
    if where((a, b), "tiny", deadline, ["A"]) != ["A"]:
        return False, "tiny does not run on A alone after the refusal"
    return True, "tiny (%s MiB) to B with %d MiB free: refused, still " \
        "running on A" % (need.group(1), left)


# what a failed restore must leave as it was: domains, the bridge's ports,
# loop devices, backends in xenstore
STATE = ("xl list | awk 'NR > 1 {print $1}'; ls /sys/class/net/xenbr0/brif; "
         "losetup -a; xenstore-ls /local/domain/0/backend 2>/dev/null | "
         "grep -c .")


def case_save(a, deadline, addr):
    poller = Poller("http://%s/" % addr)
    poller.start()
    try:
        time.sleep(3)
        t0 = time.monotonic()
        up0 = poller.uptime(t0 - 5, t0)
        out = a.run("xl save tiny /tmp/tiny.save; echo saved-$?-$(xl list | "
                    "grep -c '^tiny ')", deadline)
        if "saved-0-0\n" not in out:
            return False, "xl save tiny failed or left it running: %s" % out
        # a save file cut short is refused and leaves nothing behind: the
        # restore adds the guest's NIC and disk while its memory streams
        # in (our libxl patch 0005), so a stream that breaks early (64 KiB)
        # or late (half the file) must take them away again
        for cut in ("65536", "$(($(stat -c %s /tmp/tiny.save) / 2))"):
            out = a.run("s0=$(%s); head -c %s /tmp/tiny.save >/tmp/cut.save; "
                        "xl restore /tmp/cut.save >/tmp/cut.log 2>&1; "
                        "echo cut-rc-$?; rm -f /tmp/cut.save; s1=$(%s); "
                        "[ \"$s0\" = \"$s1\" ] && echo same-$((1+1)) || "
                        "printf 'before:\\n%%s\\nafter:\\n%%s\\n' "
                        "\"$s0\" \"$s1\"" % (STATE, cut, STATE), deadline)
            rc = re.search(r"cut-rc-(\d+)\n", out)
            if not rc or rc.group(1) == "0":
                return False, "xl restore of a save file cut to %s bytes " \
                    "did not fail: %s" % (cut, out)
            if "same-2\n" not in out:
                return False, "xl restore of a save file cut to %s bytes " \
                    "left something behind: %s" % (cut, out)
        out = a.run("xl restore /tmp/tiny.save; echo restored-$?; "
                    "rm -f /tmp/tiny.save", deadline)
        if "restored-0\n" not in out:
            return False, "xl restore failed: %s" % out
        up1 = poller.answered(time.monotonic(), 60)
        failed, gap, n = poller.window(t0, time.monotonic())
    finally:
        poller.stop.set()
    if not up0 or up1 is None:
        return False, "tiny's page did not answer before the save or within " \
            "60 s after the restore (%d answers before)" % len(up0)
    if up1 < up0[-1]:
        return False, "tiny's uptime went from %d s to %d s: it restarted" % (
            up0[-1], up1)
    return True, "xl save + xl restore in dom0's RAM: tiny answered again, " \
        "uptime %d s -> %d s; %d of %d requests failed, longest gap %.1fs" % (
            up0[-1], up1, failed, n, gap)


# what case_disk wrote: guest -> (token, the guest's address)
WRITTEN = {}


def fetch(url, deadline, limit=60):
    """The body of url, asked every second for up to limit s, or None."""
    end = min(deadline, time.monotonic() + limit)
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            time.sleep(1)
    return None


def case_disk(a, b, deadline):
    g = "files"
    log = "/var/log/xen/console/guest-%s.log" % g
    token = "moved-%d-%d" % (os.getpid(), int(time.time()))
    gsh = console_login(a.con, g, deadline)
    out = gsh.run("echo %s >/srv/files/shared/moved.txt && sync && sed "
                  "'s/^/wrote-/' /srv/files/shared/moved.txt" % token, deadline)
    if "wrote-%s\n" % token not in out:
        return False, "files could not write on its disk on A: %s" % out
    a.sh = console_leave(a.con, deadline)
    if not a.sh:
        return False, "Ctrl-] did not return from xl console files on A"
    # B's copy is to be replaced by A's; A's files shuts down cleanly and
    # is replicated on the same line, as a user types it: replicate waits
    # for the domain that xl shutdown -w leaves listed for a moment
    b.run("xl destroy %s" % g, deadline)
    t0 = time.monotonic()
    out = a.run("timeout 120 xl shutdown -w %s >/dev/null 2>&1; "
                "xenlive-lab replicate %s %s; echo rep-$?" % (g, g, b.addr),
                deadline)
    synced = time.monotonic() - t0
    if "rep-0\n" not in out:
        return False, "xl shutdown -w files; xenlive-lab replicate files B " \
            "failed: %s" % out
    if where((a, b), g, deadline, []) != []:
        return False, "files did not stop on A and B"
    out = a.run("mv %s %s.1; xl create /etc/xen/%s.cfg >/tmp/%s.log 2>&1; "
                "echo created-$?" % (log, log, g, g), deadline)
    if "created-0\n" not in out:
        return False, "xl create files on its DRBD disk failed: %s" % \
            a.run("tail -n 5 /tmp/%s.log" % g, deadline)
    addr = guest_addresses(a.sh, deadline, [g])[g]
    out = a.run("grep '^guest: ' %s" % log, deadline)
    if "guest: writable disk xvdb on /srv/files/shared\n" not in out:
        return False, "files did not mount its DRBD disk on A: %s" % out
    url = "http://%s/files/shared/moved.txt" % addr
    got = fetch(url, deadline)
    if got != token + "\n":
        return False, "files on its DRBD disk on A serves %r, not the file " \
            "it wrote" % got
    # a DRBD disk is one guest's too: a second one on it is refused
    out = a.run("xl create /etc/xen/%s.cfg 'name=\"%s2\"' >/tmp/dup.log 2>&1;"
                " echo dup-$?-$(xl list | grep -c '^%s2 '); grep -o 'disk %s "
                "is in use by domain %s ' /tmp/dup.log" % (g, g, g, g, g),
                deadline)
    if not re.search(r"dup-[1-9]\d*-0\n", out) or \
            "disk %s is in use by domain %s \n" % (g, g) not in out:
        return False, "a second guest on files' DRBD disk was not refused " \
            "with the reason: %s" % out
    t1 = time.monotonic()
    out = a.run("xenlive-lab migrate %s %s; echo mig-$?" % (g, b.addr),
                deadline)
    moved = time.monotonic() - t1
    if "mig-0\n" not in out:
        return False, "xenlive-lab migrate files A -> B failed: %s" % out
    if where((a, b), g, deadline, ["B"]) != ["B"]:
        return False, "files does not run on B alone after the migration"
    got = fetch(url, deadline)
    if got != token + "\n":
        return False, "files on B serves %r, not the file it wrote on A" % got
    # a read can come from the guest's page cache: write on B too, sync,
    # drop the guest's caches and read both files back from the disk
    after = "after-" + token
    gsh = console_login(b.con, g, min(deadline, time.monotonic() + 300))
    out = gsh.run("echo %s >/srv/files/shared/after.txt && sync && echo 3 "
                  ">/proc/sys/vm/drop_caches && sed 's/^/disk-/' "
                  "/srv/files/shared/moved.txt /srv/files/shared/after.txt"
                  % after, min(deadline, time.monotonic() + 120))
    b.sh = console_leave(b.con, deadline)
    if "disk-%s\ndisk-%s\n" % (token, after) not in out:
        return False, "files on B, after the move, did not write, sync and " \
            "read back from its disk: %s" % out[-300:]
    if not b.sh:
        return False, "Ctrl-] did not return from xl console files on B"
    out = b.run("drbdadm role %s; drbdadm dstate %s" % (g, g), deadline)
    WRITTEN[g] = (token, addr)
    return True, "files shut down and its disk replicated A->B in %.1fs (DRBD, then %s); " \
        "files wrote on A, moved to B in %.1fs and serves the same file " \
        "at %s" % (synced, " ".join(out.split()[-2:]), moved, addr)


def drbd_state(node, res, deadline):
    out = node.run("echo drbd-$(drbdadm cstate %s)-$(drbdadm dstate %s)-"
                   % (res, res), deadline)
    m = re.search(r"drbd-(\S*)-(\S*)-\n", out)
    return (m.group(1), m.group(2)) if m else ("?", "?")


def case_peer(a, b, deadline):
    """files runs on B, its DRBD peer A drops off the LAN: files goes on
    writing on B alone; A is back: the resource resyncs, A UpToDate (the
    evacuate case then reads on A what was written meanwhile)."""
    g = "files"
    if g not in WRITTEN:
        return False, "not run: the disk case did not pass"
    _, addr = WRITTEN[g]
    token = "outage-%d-%d" % (os.getpid(), int(time.time()))
    ip("link", "set", "tapA", "down")
    try:
        end = time.monotonic() + 90
        while drbd_state(b, g, deadline)[0] == "Connected":
            if time.monotonic() > end:
                return False, "B's DRBD resource still Connected 90 s " \
                    "after A left the LAN"
            time.sleep(3)
        lost = drbd_state(b, g, deadline)
        chk = b.run("xenlive-check; echo check-rc-$?", deadline)
        if "check-rc-2\n" not in chk or not re.search(
                r"^CRITICAL - .*DRBD files", chk, re.M):
            return False, "xenlive-check on B with the DRBD peer away: %s" % chk
        gsh = console_login(b.con, g, deadline)
        try:
            out = gsh.run("echo %s >/srv/files/shared/outage.txt && sync && "
                          "sed 's/^/wrote-/' /srv/files/shared/outage.txt"
                          % token, min(deadline, time.monotonic() + 180))
        except TimeoutError:
            out = "no answer in 180 s"
        b.sh = console_leave(b.con, deadline)
        if "wrote-%s\n" % token not in out:
            state = b.run("cat /proc/drbd; dmesg | tail -n 8", deadline) \
                if b.sh else ""
            return False, "files on B could not write with its DRBD peer " \
                "gone: %s; B: %s" % (out[-200:], state)
        if not b.sh:
            return False, "Ctrl-] did not return from xl console files on B"
        got = fetch("http://%s/files/shared/outage.txt" % addr, deadline)
        if got != token + "\n":
            return False, "files on B, its peer gone, serves %r" % got
    finally:
        ip("link", "set", "tapA", "up")
    t0 = time.monotonic()
    end = t0 + 180
    while True:
        now = drbd_state(b, g, deadline)
        if now == ("Connected", "UpToDate/UpToDate"):
            break
        if time.monotonic() > end:
            return False, "B's DRBD resource is %s/%s 180 s after A came " \
                "back (not resynced)" % now
        time.sleep(3)
    WRITTEN["outage"] = token
    secs = time.monotonic() - t0
    back = b.run("xenlive-check; echo check-rc-$?", deadline)
    line = re.search(r"^(OK|WARNING|CRITICAL|UNKNOWN) - .*$", back, re.M)
    if not line or "1/1 DRBD resources in sync" not in line.group(0) or \
            "check-rc-0\n" not in back:
        return False, "xenlive-check on B with the DRBD peer back: %s" % back
    return True, "A off the LAN: B's DRBD resource went %s %s, files went " \
        "on writing on B, xenlive-check CRITICAL; A back: Connected " \
        "UpToDate/UpToDate after %.1fs, xenlive-check: %s" % (
            lost[0], lost[1], secs, line.group(0))


def case_evacuate(a, b, deadline):
    g = "files"
    if g not in WRITTEN:
        return False, "not run: the disk case did not pass"
    token, addr = WRITTEN[g]
    if where((a, b), g, deadline, ["B"]) != ["B"]:
        return False, "files does not run on B to start with"
    mark = len(b.con.text())
    t0 = time.monotonic()
    b.con.send("poweroff")
    while True:
        try:
            b.con.pump(5)
        except EOFError:
            break
        if time.monotonic() >= deadline:
            return False, "B did not power off"
    secs = time.monotonic() - t0
    said = b.con.text()[mark:]
    if not re.search(r"xenlive-lab: %s runs on %s now" % (g, re.escape(a.addr)),
                     said):
        return False, "B's shutdown did not move files to A: %s" % \
            said.strip().splitlines()[-5:]
    if where([a], g, deadline, ["A"]) != ["A"]:
        return False, "files does not run on A after B's shutdown"
    got = fetch("http://%s/files/shared/moved.txt" % addr, deadline)
    if got != token + "\n":
        return False, "files on A after the evacuation serves %r" % got
    if "outage" in WRITTEN:
        # written on B while A was off the LAN (the peer case), resynced
        got = fetch("http://%s/files/shared/outage.txt" % addr, deadline)
        if got != WRITTEN["outage"] + "\n":
            return False, "files on A after the evacuation serves %r for " \
                "what it wrote on B while A was away" % got
    return True, "B's poweroff moved files to A first (B off after %.1fs); " \
        "files serves on A at %s its file%s" % (
            secs, addr, " and the one written while A was off the LAN"
            if "outage" in WRITTEN else "")


def up(node):
    return node.sh is not None and node.con.proc.poll() is None


def case_rejoin(a, b, deadline):
    """B, powered off by the evacuate case, boots again and has forgotten
    its side of files' DRBD resource (a live system): `xenlive-lab
    replicate files B` on A, where files runs, gives B a new side and
    copies A's data to it while files keeps running; files then moves to
    B, drops its caches and reads there, from B's copy of the disk, what it
    wrote before (on A, and on B while A was away), then writes again."""
    g = "files"
    if g not in WRITTEN:
        return False, "not run: the disk case did not pass"
    if up(b):
        return False, "not run: B did not power off in the evacuate case"
    token, addr = WRITTEN[g]
    b.power_on_again()
    b.boot(deadline)
    b.run("xl destroy %s" % g, deadline)  # B's own, on its plain disk
    if where((a, b), g, deadline, ["A"]) != ["A"]:
        return False, "files does not run on A alone to start with"
    before = drbd_state(a, g, deadline)
    t0 = time.monotonic()
    out = a.run("xenlive-lab replicate %s %s; echo rep-$?" % (g, b.addr),
                deadline)
    synced = time.monotonic() - t0
    if "rep-0\n" not in out:
        return False, "xenlive-lab replicate files B (files' DRBD disk, " \
            "its peer back) failed: %s" % out
    for n in (a, b):
        now = drbd_state(n, g, deadline)
        if now != ("Connected", "UpToDate/UpToDate"):
            return False, "files' DRBD resource on %s is %s %s after " \
                "replicate" % (n.name, now[0], now[1])
    out = a.run("xenlive-lab migrate %s %s; echo mig-$?" % (g, b.addr),
                deadline)
    if "mig-0\n" not in out:
        return False, "xenlive-lab migrate files A -> B failed: %s" % out
    if where((a, b), g, deadline, ["B"]) != ["B"]:
        return False, "files does not run on B alone after the migration"
    names = ["moved"] + (["outage"] if "outage" in WRITTEN else [])
    want = [token] + ([WRITTEN["outage"]] if "outage" in WRITTEN else [])
    again = "rejoin-" + token
    gsh = console_login(b.con, g, min(deadline, time.monotonic() + 300))
    out = gsh.run("echo 3 >/proc/sys/vm/drop_caches && sed 's/^/disk-/' %s "
                  "&& echo %s >/srv/files/shared/rejoin.txt && sync && "
                  "echo synced" % (" ".join("/srv/files/shared/%s.txt" % f
                                            for f in names), again),
                  min(deadline, time.monotonic() + 120))
    b.sh = console_leave(b.con, deadline)
    if "".join("disk-%s\n" % w for w in want) not in out or \
            "synced\n" not in out:
        return False, "files on B, its disk copied from A, did not read " \
            "back %s and write again: %s" % (" ".join(names), out[-300:])
    if not b.sh:
        return False, "Ctrl-] did not return from xl console files on B"
    got = fetch("http://%s/files/shared/rejoin.txt" % addr, deadline)
    if got != again + "\n":
        return False, "files on B serves %r for the file it wrote there" % got
    return True, "B rebooted; files' DRBD resource (A: %s %s) got a new " \
        "side on B and was in sync after %.1fs while files ran on A; moved " \
        "to B, files read from B's disk what it wrote before (%s) and " \
        "wrote again" % (before[0], before[1], synced, ", ".join(names))


def case_dies(a, b, deadline, addr):
    """B (powered off by the evacuate case, unless the rejoin case booted
    it again) boots again; A migrates tiny to B and B's QEMU is killed
    while the guest's memory goes over: tiny goes on running on A, uptime
    not reset, and xenlive-lab migrate says so."""
    if not up(b):
        b.power_on_again()
        b.boot(deadline)
    b.run("xl destroy tiny", deadline)  # B's own; tiny is coming from A
    if where([a], "tiny", deadline, ["A"]) != ["A"]:
        return False, "tiny does not run on A to start with"
    poller = Poller("http://%s/" % addr)
    poller.start()
    mark = len(a.con.text())
    killed = []

    def killer():
        # the receiver's first words of the memory stream, relayed by A
        end = time.monotonic() + 300
        while time.monotonic() < end:
            if "xc: info: Restoring domain" in a.con.text()[mark:]:
                time.sleep(1)
                b.con.proc.kill()
                killed.append(time.monotonic())
                return
            time.sleep(0.2)
    try:
        time.sleep(3)
        up0 = poller.uptime(0, time.monotonic())
        k = threading.Thread(target=killer, daemon=True)
        k.start()
        t0 = time.monotonic()
        out = a.run("xenlive-lab migrate tiny %s; echo migrate-rc-$?" % b.addr,
                    deadline)
        secs = time.monotonic() - t0
        k.join(1)
        up1 = poller.answered(time.monotonic(), 60)
    finally:
        poller.stop.set()
    if not killed:
        return False, "the migration did not start (no 'Restoring domain' " \
            "from B): %s" % out
    if "migrate-rc-0\n" in out:
        return False, "xenlive-lab migrate succeeded though B was killed: %s" \
            % out
    if "tiny still runs here" not in out:
        return False, "xenlive-lab migrate did not say that tiny still runs " \
            "on A: %s" % out
    if where([a], "tiny", deadline, ["A"]) != ["A"]:
        return False, "tiny no longer runs on A after B died"
    if not up0 or up1 is None:
        return False, "tiny's page did not answer again within 60 s"
    if up1 < up0[-1]:
        return False, "tiny's uptime went from %d s to %d s: it restarted" % (
            up0[-1], up1)
    said = [ln for ln in out.splitlines() if ln.startswith("xenlive-lab:")]
    return True, "B killed %.1fs into the migration; xenlive-lab migrate " \
        "gave up after %.1fs: %r; tiny runs on A, uptime %d s -> %d s" % (
            killed[0] - t0, secs, said[-1] if said else "", up0[-1], up1)


def inner(iso, netboot, timeout, logdir, mem, cases):
    global LOGDIR
    LOGDIR = logdir
    tree = boot_tree(netboot)
    procs = [lan(logdir, "AB", tree)]
    srv = serve(tree)
    keyfile = os.path.join(tree, "lab", "lab.key")
    url = "http://%s/lab/lab.key" % SERVER
    a = Node("A", iso, mem, logdir)
    b = Node("B", None, mem, logdir)
    passed = failed = 0
    stalled = False
    start = time.monotonic()
    deadline = start + timeout

    def report(case, ok, why, tails=True):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("PASS %s (%.1fs): %s" % (case, time.monotonic() - start, why),
                  flush=True)
            return
        failed += 1
        print("FAIL %s: %s" % (case, why), flush=True)
        if not tails:
            return
        for n in (a, b):
            print("---- console tail (%s) ----" % n.log)
            print("\n".join(n.con.text().splitlines()[-25:]))
        print("----", flush=True)

    # the cases, in CASES' order, on the same two machines; addr is tiny's
    # address on A, set once both have booted
    run = {
        "nodes": lambda: case_nodes(a, b, deadline, url),
        "join": lambda: case_join(a, b, deadline, keyfile, logdir),
        "refused": lambda: case_refused(a, b, deadline, keyfile, logdir),
        "migrate": lambda: case_migrate(a, b, deadline, addr),
        "metrics": lambda: case_metrics(a, b, deadline),
        "big": lambda: case_big(a, b, deadline),
        "memory": lambda: case_memory(a, b, deadline),
        "save": lambda: case_save(a, deadline, addr),
        "disk": lambda: case_disk(a, b, deadline),
        "peer": lambda: case_peer(a, b, deadline),
        "evacuate": lambda: case_evacuate(a, b, deadline),
        "rejoin": lambda: case_rejoin(a, b, deadline),
        "dies": lambda: case_dies(a, b, deadline, addr),
    }
    assert set(run) == set(CASES + BENCH)
    try:
        a.boot(deadline)
        b.boot(deadline)
        addr = guest_addresses(a.sh, deadline, ["tiny"])["tiny"]
        for case in cases:
            try:
                ok, why = run[case]()
            except (TimeoutError, EOFError) as e:
                ok, why = False, "%s after %.0fs" % (e, time.monotonic() - start)
            report(case, ok, why)
            if not ok and case == "nodes":
                for rest in cases[cases.index(case) + 1:]:
                    report(rest, False, "not run: no lab", False)
                break
    except Stalled as e:
        # the first boot of A or B stalled (harness.STALL; a case's own
        # stall, after a power-on again, fails that case): main() boots the
        # lab once more
        print("AGAIN lab: %s; booting both machines once more" % e,
              flush=True)
        stalled = True
    except (TimeoutError, EOFError) as e:
        report("boot", False, "%s after %.0fs" % (e, time.monotonic() - start))
    finally:
        srv.shutdown()
        for n in (a, b):
            n.con.close()
        for p in procs:
            p.kill()
        shutil.rmtree(os.path.dirname(tree), ignore_errors=True)
    if stalled:
        return None
    print("%d passed, %d failed" % (passed, failed))
    return failed == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iso", default="iso/xenlive.iso")
    ap.add_argument("--tree", default="iso/netboot",
                    help="the netboot tree B boots from (default iso/netboot)")
    ap.add_argument("--timeout", type=float, default=2400,
                    help="seconds for the whole suite (default 2400)")
    ap.add_argument("--mem", type=int, default=1536, help="MiB per machine")
    ap.add_argument("--logdir", default="build/test")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("cases", nargs="*", default=CASES)
    a = ap.parse_args()
    for c in a.cases:
        if c not in CASES + BENCH:
            ap.error("unknown case %s (cases: %s; for make bench: %s)" % (
                c, " ".join(CASES), " ".join(BENCH)))
    a.iso = os.path.abspath(a.iso)
    a.tree = os.path.abspath(a.tree)
    a.logdir = os.path.abspath(a.logdir)
    if a.inner:
        ok = inner(a.iso, a.tree, a.timeout, a.logdir, a.mem, a.cases)
        sys.exit(AGAIN if ok is None else 0 if ok else 1)
    if not os.path.exists(a.iso):
        sys.exit("lab: fatal: no ISO at %s (run make first)" % a.iso)
    if not os.path.exists(os.path.join(a.tree, "pxelinux.0")):
        sys.exit("lab: fatal: no netboot tree at %s (run make first)" % a.tree)
    if not os.path.exists(DROPBEAR):
        sys.exit("lab: fatal: no %s (run make first)" % DROPBEAR)
    os.makedirs(a.logdir, exist_ok=True)
    argv = ["unshare", "--net", "--mount", "--propagation", "private",
            sys.executable, os.path.abspath(__file__), "--inner", "--iso",
            a.iso, "--tree", a.tree,
            "--timeout", str(a.timeout), "--mem", str(a.mem),
            "--logdir", a.logdir] + a.cases
    rc = subprocess.call(argv)
    if rc == AGAIN:
        for n in "AB":
            log = os.path.join(a.logdir, "lab-%s.log" % n)
            if os.path.exists(log):
                os.replace(log, log + ".stalled")
        rc = subprocess.call(argv)
        if rc == AGAIN:
            print("FAIL boot: the lab's boot stalled twice\n0 passed, 1 failed")
            rc = 1
    sys.exit(rc)


if __name__ == "__main__":
    main()
