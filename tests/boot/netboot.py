#!/usr/bin/env python3
"""Network-boot the XenLive netboot tree (iso/netboot/) in QEMU (software
emulation) and check the serial console. Each case prints `PASS case (Ns)`
or `FAIL case: why` with the console tail; the run ends with
`N passed, N failed`.

The firmware loads the boot loader from QEMU's built-in TFTP server (user
networking, the tree as its root); the dom0 root then comes by HTTP from a
server this test starts on 127.0.0.1:80, which the guest reaches as
10.0.2.2. Every case runs in its own network and mount namespaces
(unshare), so its servers never meet the host's or another case's.

The proxy cases build a real LAN in there instead: a bridge, QEMU on a tap
device, a "router" namespace whose dnsmasq hands out addresses and knows
nothing of PXE, and a "boot server" namespace running stock dnsmasq with
the tree's own dnsmasq.conf (only its two EDIT lines changed) plus the
HTTP server; the root must come from the boot server.

A boot case passes when dom0 says `xenlive: dom0 ready`, its shell
reports control_d, `xl list` shows Domain-0 and the medium is the
expected filesystem; pxe-bios-http and nfs-bios also wait for the demo
guests to run and reach a login prompt. toram ejects the CD through the
QEMU monitor, then reads the root back and checks the guests as the boot
suite does (ping, http, a new guest from the medium's folder). A bad-input case passes when the initramfs prints
the expected clear message and its rescue shell answers."""

import argparse
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Console, GUESTS, OVMF, pick_entry, \
    run_cases  # noqa: E402
from boottest import check_guests  # noqa: E402

MAC = "52:54:00:12:34:56"

# case: firmware, bootfile given by QEMU's DHCP, how the root comes, and
# for bad-input cases the console message expected. A case whose root is
# not plain "http" boots a copy of the tree (hard links) with its BIOS menu
# (pxelinux.cfg/default) or a file changed by mutate().
CASES = {
    "pxe-bios-http": ("bios", "pxelinux.0", "http", None),
    "pxe-uefi-http": ("uefi", "grubx64.efi", "http", None),
    "ipxe-bios-http": ("bios", "boot.ipxe", "http", None),
    "nfs-bios": ("bios", "pxelinux.0", "nfs", None),
    # ip= static (no DHCP in the initramfs), its server field the boot server
    "static-ip": ("bios", "pxelinux.0", "static",
                  r"network: eth0 10\.0\.2\.15/24 \(static, ip=\)"),
    # the ISO as a CD (no NIC): toram, then the CD ejected; media check,
    # on the real ISO and on one with a byte of guests/tiny.cfg changed
    "toram": ("bios", None, "iso-toram", None),
    "check": ("bios", None, "iso-check", None),
    "check-bad": ("bios", None, "iso-check-bad",
                  r"guests/tiny\.cfg: FAILED[\s\S]*fatal: media check FAILED[^\n]*"),
    "bad-url": ("bios", "pxelinux.0", "bad-url",
                r"fatal: network boot: unable to download "
                r"http://10\.0\.2\.2/nothing-here/live/SHA256SUMS"),
    "bad-nfs": ("bios", "pxelinux.0", "bad-nfs",
                r"fatal: network boot: (unable to mount 10\.0\.2\.2:/nothing-here"
                r" by NFS|NFS server 10\.0\.2\.2 did not answer)[^\n]*"),
    "bad-sum": ("bios", "pxelinux.0", "bad-sum",
                r"guests/tiny\.cfg: FAILED[\s\S]*fatal: network boot: "
                r"checksum mismatch[^\n]*"),
    # on a LAN with its own DHCP server; the boot loader is the one the
    # shipped dnsmasq.conf offers (a GRUB shell: it found no grub.cfg)
    "proxy-bios": ("bios", None, "proxy",
                   r"fetching the live system from \S+|grub> "),
    "proxy-uefi": ("uefi", None, "proxy",
                   r"fetching the live system from \S+|grub> "),
}
RESCUE = "dropping to rescue shell"
# boots that also wait for the demo guests (the others stop at dom0, to
# keep the suite short)
WITH_GUESTS = ("pxe-bios-http", "nfs-bios")
# ISO boot menu entries (iso/boot/isolinux.cfg)
ENTRY = {"iso-toram": 3, "iso-check": 4, "iso-check-bad": 4}
# NFSv3 over TCP, read-only, the tree as the export
GANESHA = """NFS_CORE_PARAM { Protocols = 3; Enable_NLM = false; Enable_RQUOTA = false; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT { Export_Id = 1; Path = %s; Pseudo = /xenlive; Access_Type = RO;
  Squash = No_Root_Squash; SecType = sys; Protocols = 3; Transports = TCP;
  FSAL { Name = VFS; } }
"""
# the proxy cases' LAN: the router (plain DHCP) and the boot server
LAN, ROUTER, BOOTSERVER = "192.168.50", "192.168.50.1", "192.168.50.2"


def mutate(case, tree, logdir):
    """The tree a case boots: the real one, or a changed copy."""
    how = CASES[case][2]
    if how in ("http", "proxy") or how in ENTRY and how != "iso-check-bad":
        return tree
    if how == "iso-check-bad":
        # the ISO with one byte of guests/tiny.cfg (listed in SHA256SUMS)
        # changed where it lies in the image
        with open(os.path.join(tree, "guests", "tiny.cfg"), "rb") as f:
            cfg = f.read()
        with open(os.path.join(os.path.dirname(tree), "xenlive.iso"),
                  "rb") as f:
            img = bytearray(f.read())
        at = img.find(cfg)
        if at < 0 or img.find(cfg, at + 1) >= 0:
            raise RuntimeError("guests/tiny.cfg not found once in the ISO")
        img[at] ^= 0x20
        bad = os.path.join(logdir, "nb-check-bad.iso")
        with open(bad, "wb") as f:
            f.write(img)
        return bad
    copy = os.path.join(logdir, "nbtree-" + case)
    subprocess.run(["rm", "-rf", copy], check=True)
    subprocess.run(["cp", "-al", tree, copy], check=True)
    menu = os.path.join(copy, "pxelinux.cfg", "default")
    with open(menu) as f:
        text = f.read()
    os.unlink(menu)   # a hard link: never write through it
    if how == "nfs":
        text = text.replace("fetch=/live/dom0.sfs", "nfsroot=10.0.2.2:" + copy)
    elif how == "static":
        text = text.replace("fetch=/live/dom0.sfs", "fetch=/live/dom0.sfs "
                            "ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0::"
                            "eth0:off")
    elif how == "bad-url":
        text = text.replace("fetch=/live/", "fetch=/nothing-here/live/")
    elif how == "bad-nfs":
        text = text.replace("fetch=/live/dom0.sfs",
                            "nfsroot=10.0.2.2:/nothing-here xenlive.wait=20")
    elif how == "bad-sum":
        cfg = os.path.join(copy, "guests", "tiny.cfg")
        with open(cfg) as f:
            body = f.read()
        os.unlink(cfg)
        with open(cfg, "w") as f:
            f.write(body + "# changed after the build\n")
    with open(menu, "w") as f:
        f.write(text)
    return copy


def wait_listen(port, host="127.0.0.1"):
    """Returns once something accepts TCP connections on host:port."""
    for _ in range(300):
        try:
            socket.create_connection((host, port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("no server listening on %s:%d" % (host, port))


def lan_host(ns, addr):
    """A namespace ns on the bridge br0 with address addr/24."""
    for cmd in (["netns", "add", ns],
                ["link", "add", ns, "type", "veth", "peer", "name", ns + "-br"],
                ["link", "set", ns, "netns", ns],
                ["link", "set", ns + "-br", "master", "br0", "up"],
                ["-n", ns, "link", "set", "lo", "up"],
                ["-n", ns, "addr", "add", addr + "/24", "dev", ns],
                ["-n", ns, "link", "set", ns, "up"]):
        subprocess.run(["ip"] + cmd, check=True)


def lan_servers(case, tree, logdir):
    """The proxy cases' LAN: br0 with tap0 for QEMU (and 192.168.50.254 to
    watch from), the router's plain DHCP server and the boot server's
    dnsmasq (the shipped dnsmasq.conf) and HTTP server."""
    procs = []
    os.makedirs("/run/netns", exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run/netns"], check=True)
    for cmd in (["link", "add", "br0", "type", "bridge", "forward_delay", "0"],
                ["addr", "add", LAN + ".254/24", "dev", "br0"],
                ["link", "set", "br0", "up"],
                ["tuntap", "add", "dev", "tap0", "mode", "tap"],
                ["link", "set", "tap0", "master", "br0", "up"]):
        subprocess.run(["ip"] + cmd, check=True)
    lan_host("router", ROUTER)
    lan_host("boot", BOOTSERVER)

    def start(ns, argv, name):
        log = open(os.path.join(logdir, "%s.%s.log" % (case, name)), "wb")
        procs.append(subprocess.Popen(["ip", "netns", "exec", ns] + argv,
                                      stdout=log, stderr=log))
    start("router", ["dnsmasq", "--no-daemon", "--conf-file=/dev/null",
                     "--port=0", "--log-dhcp",
                     "--dhcp-range=%s.100,%s.199,255.255.255.0,1h" % (LAN, LAN),
                     "--dhcp-option=option:router," + ROUTER,
                     "--dhcp-leasefile=" + os.path.join(logdir, case +
                                                        ".leases")], "router")
    # the shipped file, only its EDIT lines changed
    with open(os.path.join(tree, "dnsmasq.conf")) as f:
        conf = f.read()
    edited = re.sub(r"(?m)^dhcp-range=[^,\n]*,proxy$",
                    "dhcp-range=%s.0,proxy" % LAN, conf)
    edited = re.sub(r"(?m)^tftp-root=.*$", "tftp-root=" + tree, edited)
    if len(set(conf.splitlines()) - set(edited.splitlines())) != 2:
        raise RuntimeError("dnsmasq.conf: its two EDIT lines not found")
    confpath = os.path.join(logdir, case + ".dnsmasq.conf")
    with open(confpath, "w") as f:
        f.write(edited)
    start("boot", ["dnsmasq", "--no-daemon", "--conf-file=" + confpath],
          "dnsmasq")
    start("boot", [sys.executable, "-m", "http.server", "--directory", tree,
                   "80"], "http")
    try:
        wait_listen(80, BOOTSERVER)
    finally:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError("a LAN server stopped at once; see %s/%s.*.log"
                                   % (logdir, case))
    return procs


def inner_servers(case, tree, logdir):
    """Servers for one case, inside its namespaces; returns the processes."""
    procs = []
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    how = CASES[case][2]
    if how == "proxy":
        return lan_servers(case, tree, logdir)
    if how in ("http", "static", "bad-url", "bad-sum"):
        log = open(os.path.join(logdir, case + ".http.log"), "wb")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
             "--directory", tree, "80"], stdout=log, stderr=log))
        wait_listen(80)
    elif how == "nfs":
        # NFS-Ganesha (user space) and rpcbind, their state on tmpfs so
        # nothing of the host's /run or /var/lib/nfs is touched
        for d in ("/run", "/var/lib/nfs"):
            subprocess.run(["mount", "-t", "tmpfs", "tmpfs", d], check=True)
        os.makedirs("/run/rpcbind")
        os.makedirs("/run/ganesha")
        os.makedirs("/var/lib/nfs/ganesha")
        conf = os.path.join(logdir, case + ".ganesha.conf")
        with open(conf, "w") as f:
            f.write(GANESHA % tree)
        log = os.path.join(logdir, case + ".ganesha.log")
        procs.append(subprocess.Popen(["rpcbind", "-f", "-w"]))
        wait_listen(111)
        procs.append(subprocess.Popen(
            ["ganesha.nfsd", "-F", "-f", conf, "-L", log,
             "-p", "/run/ganesha/pid", "-N", "NIV_EVENT"]))
        wait_listen(2049)
    return procs


def qemu_argv(case, tree, mem, menu_tree, monitor):
    firmware, bootfile, how, _ = CASES[case]
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64",
            "-m", str(mem), "-smp", "2", "-display", "none",
            "-monitor", "unix:%s,server=on,wait=off" % monitor,
            "-serial", "stdio", "-no-reboot"]
    if how in ENTRY:
        iso = tree if tree.endswith(".iso") else \
            os.path.join(os.path.dirname(tree), "xenlive.iso")
        return argv + ["-nic", "none", "-cdrom", iso]
    if how == "proxy":
        argv += ["-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no"]
    else:
        argv += ["-netdev", "user,id=n0,tftp=%s,bootfile=%s"
                 % (menu_tree, bootfile)]
    argv += ["-device", "e1000,netdev=n0,mac=%s,bootindex=0" % MAC]
    if firmware == "uefi":
        argv += ["-machine", "q35", "-bios", OVMF]
    else:
        argv += ["-boot", "n"]
    return argv


def shell(con, deadline, since, cmd, marker):
    """Types cmd into the console shell until `marker-...-end` answers
    (what it prints has no `$`, so the echoed command line never matches)."""
    while True:
        con.send(cmd)
        try:
            return con.wait_for(marker + r"-([^\n$]*)-end",
                                min(deadline, time.monotonic() + 10), since)
        except TimeoutError:
            if time.monotonic() >= deadline:
                raise


def check_dom0(con, deadline, guests=True):
    m = con.wait_for(r"xenlive: dom0 ready[^\n]*", deadline)
    ready = con.elapsed()
    got = shell(con, deadline, m.end(),
                "echo caps-$(cat /proc/xen/capabilities)-end", "caps")
    if got.group(1) != "control_d":
        return False, "capabilities are %r, not control_d" % got.group(1)
    got = shell(con, deadline, got.end(),
                "echo dom0-$(xl list | grep -c '^Domain-0 ')-end", "dom0")
    if got.group(1) != "1":
        return False, "xl list does not show Domain-0"
    # the root really came over the network: the medium is a tmpfs or NFS
    got = shell(con, deadline, got.end(),
                "echo medium-$(awk '$2 == \"/run/xenlive/medium\" "
                "{print $3}' /proc/mounts)-end", "medium")
    medium = got.group(1)
    if not guests:
        return True, "dom0 ready after %.1fs (medium on %s), xl list shows " \
            "Domain-0" % (ready, medium)
    # printed once the guests are started, which may be while the lines
    # above were typed (the echo of a command can split it): look from
    # dom0 ready on
    summary = con.wait_for(r"xenlive: guests: (\d+) of (\d+) started",
                           deadline, m.end())
    since = summary.end()
    for g in GUESTS:
        log = "/var/log/xen/console/guest-%s.log" % g
        while True:
            got = shell(con, deadline, since,
                        "echo prompt-$(xl list | grep -c '^%s ')-"
                        "$(grep -c login: %s 2>/dev/null)-end" % (g, log),
                        "prompt")
            since = got.end()
            if re.match(r"1-[1-9]", got.group(1)):
                break
            if time.monotonic() >= deadline:
                return False, "guest %s not running at a login prompt (%s)" \
                    % (g, got.group(1))
            con.pump(5)
    return True, "dom0 ready after %.1fs (medium on %s); %s; %s running at " \
        "login prompts" % (ready, medium, summary.group(0), " ".join(GUESTS))


def check_bad(con, deadline, expect):
    """The initramfs says what went wrong, then its rescue shell answers."""
    m = con.wait_for(expect, deadline)
    r = con.wait_for(RESCUE, deadline, m.end())
    got = shell(con, deadline, r.end(), "echo rescue-$((6*7))-end", "rescue")
    if got.group(1) != "42":
        return False, "the rescue shell answered %r" % got.group(1)
    if "Kernel panic" in con.text():
        return False, "the kernel panicked"
    said = con.text()[m.start():m.end()].splitlines()[-1]
    return True, "%r, then a rescue shell" % said


def monitor_cmd(path, cmd):
    """One QEMU monitor command; returns what the monitor said."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(10)
    out = b""
    try:
        out += s.recv(4096)
        s.sendall(cmd.encode() + b"\n")
        time.sleep(1)
        out += s.recv(4096)
    except socket.timeout:
        pass
    s.close()
    return out.decode("utf-8", "replace")


def check_toram(con, deadline, monitor):
    """Copied to RAM: the CD is ejected, yet dom0 reads its root, the
    guests run and a new one starts from the medium's folder."""
    m = con.wait_for(r"toram: done, the boot medium can be removed", deadline)
    r = con.wait_for(r"xenlive: dom0 ready[^\n]*", deadline, m.end())
    ready = con.elapsed()
    con.wait_for(r"xenlive: guests: (\d+) of (\d+) started", deadline)
    said = monitor_cmd(monitor, "eject -f ide1-cd0")
    got = shell(con, deadline, r.end(),
                "dd if=/dev/sr0 of=/dev/null bs=2048 count=1 2>/dev/null; "
                "echo cd-$?-$(grep -c iso9660 /proc/mounts)-$(awk '$2 == "
                "\"/run/xenlive/medium\" {print $3}' /proc/mounts)-end", "cd")
    if not re.match(r"[1-9]\d*-0-tmpfs$", got.group(1)):
        return False, "after eject -f (monitor: %r): CD read status, " \
            "iso9660 mounts, medium fs = %s" % (said.strip(), got.group(1))
    # read the whole root again from its (RAM) lower layer
    got = shell(con, deadline, got.end(),
                "sync; echo 3 >/proc/sys/vm/drop_caches; "
                "find /bin /sbin /usr /lib -xdev -type f -exec cat {} + "
                ">/dev/null; "
                "echo read-$?-end", "read")
    if got.group(1) != "0":
        return False, "reading the root after the CD left failed"
    ok, why, _ = check_guests(con, deadline, got.end(), ready)
    if not ok:
        return False, "after the CD left: " + why
    return True, "CD ejected, root read back, " + why


def check_proxy(logdir, case, why):
    """The router leased the address, the boot server served the root."""
    with open(os.path.join(logdir, case + ".router.log"), errors="replace") as f:
        lease = re.findall(r"DHCPACK\(\S+\) (\S+) " + MAC, f.read())
    with open(os.path.join(logdir, case + ".http.log"), errors="replace") as f:
        got = re.findall(r'"GET /live/dom0\.sfs HTTP/1\.." 200', f.read())
    if not lease:
        return False, "the router leased no address to %s; %s" % (MAC, why)
    if not got:
        return False, "the boot server's HTTP log has no GET of " \
            "live/dom0.sfs; " + why
    return True, "router leased %s; %s" % (", ".join(sorted(set(lease))), why)


def result_path(logdir, case):
    return os.path.join(logdir, "netboot-%s.result" % case)


def inner(case, tree, timeout, logdir, mem, dom0_only):
    """One case, run inside its own namespaces: its result (a line with
    1 or 0 and the seconds, then why) goes to result_path()."""
    tree = mutate(case, tree, logdir)
    procs = inner_servers(case, tree, logdir)
    monitor = os.path.join(logdir, "netboot-%s.monitor" % case)
    con = Console(qemu_argv(case, tree, mem, tree, monitor),
                  os.path.join(logdir, "netboot-%s.log" % case))
    deadline = time.monotonic() + timeout
    how, expect = CASES[case][2:]
    try:
        if how in ENTRY:
            pick_entry(con, ENTRY[how], deadline)
        if how == "iso-toram":
            ok, why = check_toram(con, deadline, monitor)
        elif how == "iso-check":
            m = con.wait_for(r"media check: OK[^\n]*", deadline)
            ok, why = check_dom0(con, deadline, guests=False)
            why = "%r; %s" % (m.group(0), why)
        elif how in ("static", "proxy"):
            m = con.wait_for(expect, deadline)
            if m.group(0) == "grub> ":
                got = shell(con, min(deadline, time.monotonic() + 60),
                            m.end(), "echo server-$net_default_server-end",
                            "server")
                ok, why = False, "GRUB found no grub/grub.cfg and opened " \
                    "its shell (its server: %s)" % got.group(1)
            elif how == "proxy" and not m.group(0).endswith(
                    " http://%s/" % BOOTSERVER):
                ok, why = False, "%r, not from the boot server %s" \
                    % (m.group(0), BOOTSERVER)
            else:
                ok, why = check_dom0(con, deadline, guests=False)
                why = "%r; %s" % (m.group(0), why)
            if ok and how == "proxy":
                ok, why = check_proxy(logdir, case, why)
        elif expect:
            ok, why = check_bad(con, deadline, expect)
        else:
            ok, why = check_dom0(con, deadline, case in WITH_GUESTS and
                                 not dom0_only)
    except (TimeoutError, EOFError) as e:
        ok, why = False, "%s after %.0fs" % (e, con.elapsed())
    finally:
        con.close()
        for p in procs:
            p.kill()
            p.wait()
        if tree.startswith(logdir):
            subprocess.run(["rm", "-rf", tree])
        if os.path.exists(monitor):
            os.unlink(monitor)
    with open(result_path(logdir, case), "w") as f:
        f.write("%d %.1f\n%s" % (ok, con.elapsed(), why))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", default="iso/netboot")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds a case may take (default 600)")
    ap.add_argument("--mem", type=int, default=2048, help="guest MiB")
    ap.add_argument("--logdir", default="build/test")
    ap.add_argument("--dom0-only", action="store_true",
                    help="boots stop at dom0 ready, no guest checks")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("cases", nargs="*",
                    default=list(CASES), help="default: all")
    a = ap.parse_args()
    for c in a.cases:
        if c not in CASES:
            ap.error("unknown case %s (cases: %s)" % (c, " ".join(CASES)))
    a.tree = os.path.abspath(a.tree)
    a.logdir = os.path.abspath(a.logdir)
    if a.inner:
        sys.exit(0 if inner(a.cases[0], a.tree, a.timeout, a.logdir, a.mem,
                            a.dom0_only) else 1)
    if not os.path.exists(os.path.join(a.tree, "pxelinux.0")):
        sys.exit("netboot: fatal: no netboot tree at %s (run make first)"
                 % a.tree)
    os.makedirs(a.logdir, exist_ok=True)

    def one(c):
        """c in namespaces of its own (unshare), run by this file again"""
        res = result_path(a.logdir, c)
        if os.path.exists(res):
            os.unlink(res)
        subprocess.call(
            ["unshare", "--net", "--mount", "--propagation", "private",
             sys.executable, os.path.abspath(__file__), "--inner",
             "--tree", a.tree, "--timeout", str(a.timeout),
             "--mem", str(a.mem), "--logdir", a.logdir, c] +
            (["--dom0-only"] if a.dom0_only else []))
        log = os.path.join(a.logdir, "netboot-%s.log" % c)
        try:
            with open(res) as f:
                head, _, why = f.read().partition("\n")
            ok, secs = head.split()
            return ok == "1", why, float(secs), log
        except (OSError, ValueError):
            return False, "the case left no result (%s)" % res, 0, log
    run_cases(a.cases, one)


if __name__ == "__main__":
    main()
