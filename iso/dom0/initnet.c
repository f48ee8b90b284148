/* initnet: network boot for the initramfs /init (see initnet.h).
 *
 * The work is done by BusyBox applets run from argv (ip, udhcpc, wget,
 * sha256sum); this file chooses the NIC, builds the URLs, bounds every
 * wait and turns each failure into one sentence for the console.
 *
 * What it leaves for dom0: /run/xenlive/net, the lease as NAME=VALUE
 * lines (iface, ip, subnet, router, siaddr, serverid), /run/xenlive/fetch,
 * the URL the system came from (fetch=), and the NIC up with its address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "initlib.h"
#include "initmod.h"
#include "initnet.h"

#define LEASE   "/run/xenlive/net"
#define BASE    "/run/xenlive/fetch"
#define SCRIPT  "/etc/xenlive/udhcpc.script"
#define SUMS    "/etc/xenlive/fetch.sums"

/* udhcpc calls this with bound/renew/deconfig; it sets the address and
 * the default route and records the lease for us and for dom0. */
static const char script[] =
	"#!/bin/sh\n"
	"case $1 in\n"
	"deconfig) ip addr flush dev \"$interface\"; ip link set \"$interface\" up ;;\n"
	"bound|renew)\n"
	"\tifconfig \"$interface\" \"$ip\" netmask \"${subnet:-255.255.255.0}\" up\n"
	"\tfor r in $router; do route add default gw \"$r\" dev \"$interface\" && break; done\n"
	"\t: >/etc/resolv.conf\n"
	"\tfor d in $dns; do echo \"nameserver $d\" >>/etc/resolv.conf; done\n"
	"\tprintf 'iface=%s\\nip=%s\\nsubnet=%s\\nrouter=%s\\nsiaddr=%s\\nserverid=%s\\n' "
	"\"$interface\" \"$ip\" \"$subnet\" \"${router%% *}\" \"$siaddr\" \"$serverid\" >" LEASE ".tmp\n"
	"\tmv " LEASE ".tmp " LEASE " ;;\n"
	"esac\n"
	"exit 0\n";

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* Runs a BusyBox applet with argv in dir (or here), killing it after
 * timeout seconds (0: no limit).  Returns its exit status, 124 when it was
 * killed, 127 when it could not run. */
static int run(const char *dir, unsigned timeout, char *const argv[])
{
	struct timespec tick = { 0, 100000000 };
	unsigned long ticks = 0;
	int st;
	pid_t pid = fork(), w;

	if (pid < 0) return 127;
	if (!pid) {
		if (dir && chdir(dir) < 0) _exit(127);
		execv("/bin/busybox", argv);
		_exit(127);
	}
	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid) break;
		if (w < 0 && errno != EINTR) return 127;
		if (timeout && ++ticks > timeout * 10UL) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return 124;
		}
		nanosleep(&tick, 0);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 124;
}

/* The value of NAME in the lease file, or "". */
static const char *lease(const char *name, char *buf, size_t size)
{
	static char all[1024];
	size_t len = strlen(name);
	char *p, *e;

	buf[0] = 0;
	if (readsmall(LEASE, all, sizeof all) < 0) return buf;
	for (p = all; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, '\n');
		if (!strncmp(p, name, len) && p[len] == '=' && (size_t)(e - p - len - 1) < size) {
			memcpy(buf, p + len + 1, e - p - len - 1);
			buf[e - p - len - 1] = 0;
			break;
		}
	}
	return buf;
}

/* ip= split at ':' into at most 7 fields (the kernel's nfsroot format). */
struct ipconf {
	char buf[256];
	char *f[7];   /* client server gw mask host dev autoconf; "" if absent */
	int isstatic;
};

static void ipparse(const char *ip, struct ipconf *c)
{
	char *p;
	int i;

	snprintf(c->buf, sizeof c->buf, "%s", ip);
	for (i = 0, p = c->buf; i < 7; i++) {
		c->f[i] = p;
		if (p && (p = strchr(p, ':'))) *p++ = 0;
	}
	for (i = 0; i < 7; i++) if (!c->f[i]) c->f[i] = "";
	/* ip=dhcp (or on, any, bootp, rarp) is a lone word */
	if (!strchr(ip, ':')) {
		c->f[6] = c->f[0];
		c->f[0] = "";
	}
	c->isstatic = c->f[0][0] && (!c->f[6][0] || !strcmp(c->f[6], "off") ||
	                             !strcmp(c->f[6], "none") || !strcmp(c->f[6], "static"));
}

/* "01-52-54-00-12-34-56" or "52:54:00:12:34:56" as "52:54:00:12:34:56". */
static void macnorm(const char *in, char *out, size_t size)
{
	size_t n = 0;
	if (strlen(in) == 20 && in[2] == '-') in += 3;   /* ARP type 1 */
	for (; *in && n + 1 < size; in++, n++)
		out[n] = *in == '-' ? ':' : (*in >= 'A' && *in <= 'F') ? *in - 'A' + 'a' : *in;
	out[n] = 0;
}

/* Wired NICs in the order the kernel named them, filtered by BOOTIF= and
 * by ip='s device field.  Returns how many. */
static int nics(const struct netopts *o, const struct ipconf *c, char names[][32], int max)
{
	char path[300], buf[64], mac[32];
	struct dirent **ents;
	int i, k, n = 0;

	macnorm(o->bootif, mac, sizeof mac);
	k = scandir("/sys/class/net", &ents, 0, alphasort);
	for (i = 0; i < k; i++) {
		const char *d = ents[i]->d_name;
		struct stat st;
		if (d[0] == '.' || !strcmp(d, "lo") || strlen(d) >= 32 || n >= max) continue;
		snprintf(path, sizeof path, "/sys/class/net/%s/device", d);
		if (stat(path, &st) < 0) continue;
		snprintf(path, sizeof path, "/sys/class/net/%s/type", d);
		if (readsmall(path, buf, sizeof buf) < 0 || strcmp(buf, "1")) continue;
		if (c->f[5][0] && strcmp(c->f[5], d)) continue;
		snprintf(path, sizeof path, "/sys/class/net/%s/address", d);
		if (mac[0] && (readsmall(path, buf, sizeof buf) < 0 || strcasecmp(buf, mac))) continue;
		strcpy(names[n++], d);
	}
	for (i = 0; i < k; i++) free(ents[i]);
	if (k >= 0) free(ents);
	return n;
}

static int carrier(const char *nic)
{
	char path[128], buf[8];
	snprintf(path, sizeof path, "/sys/class/net/%s/carrier", nic);
	return readsmall(path, buf, sizeof buf) > 0 && !strcmp(buf, "1");
}

static unsigned masklen(const char *mask)
{
	unsigned a, b, c, d, n = 0;
	unsigned long m;
	if (!*mask) return 24;
	if (!strchr(mask, '.')) return atoi(mask);
	if (sscanf(mask, "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return 24;
	for (m = (a << 24 | b << 16 | c << 8 | d) & 0xffffffffUL; m & 0x80000000UL; m <<= 1) n++;
	return n;
}

/* Brings up one NIC with link: static from ip=, else DHCP. */
static int netup(const struct netopts *o, unsigned wait, char *err, size_t size)
{
	struct timespec tick = { 0, 250000000 }, now, end;
	char names[16][32], list[600] = "", addr[64], v[64];
	struct ipconf c;
	int n, i, up[16] = { 0 }, nup = 0;

	ipparse(o->ip, &c);
	if (!strcmp(c.f[6], "off") && !c.isstatic)
		return fail(err, size, "ip=%s turns the network off, but %s needs it", o->ip,
		            o->fetch[0] ? "fetch=" : "nfsroot=");
	/* The drivers of the NICs there were are loaded; their interfaces
	 * show up a moment later, and a NIC found by a driver meanwhile (a
	 * virtio one once virtio_pci is in) wants its own: coldplug. */
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += wait;
	for (;;) {
		coldplug();
		n = nics(o, &c, names, 16);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (n || now.tv_sec >= end.tv_sec) break;
		nanosleep(&tick, 0);
	}
	if (!n)
		return fail(err, size, "no wired network interface%s%s%s%s found within %u s",
		            o->bootif[0] ? " with BOOTIF=" : "", o->bootif,
		            c.f[5][0] ? " named " : "", c.f[5], wait);
	for (i = 0; i < n; i++) {
		char *argv[] = { "ip", "link", "set", names[i], "up", 0 };
		run(0, 10, argv);
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? " " : "", names[i]);
	}
	for (;;) {
		for (nup = 0, i = 0; i < n; i++) nup += up[i] = up[i] || carrier(names[i]);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (nup || now.tv_sec >= end.tv_sec) break;
		nanosleep(&tick, 0);
	}
	if (!nup)
		return fail(err, size, "no link on %s within %u s (is the cable plugged in?)", list, wait);

	for (i = 0; i < n; i++) {
		if (!up[i]) continue;
		if (c.isstatic) {
			char *argv[] = { "ip", "addr", "add", addr, "dev", names[i], 0 };
			char *rt[] = { "ip", "route", "add", "default", "via", c.f[2], "dev", names[i], 0 };
			FILE *f;
			snprintf(addr, sizeof addr, "%s/%u", c.f[0], masklen(c.f[3]));
			if (run(0, 10, argv))
				return fail(err, size, "unable to set address %s on %s (ip=%s)", addr, names[i], o->ip);
			if (c.f[2][0] && run(0, 10, rt))
				return fail(err, size, "unable to set the default route via %s (ip=%s)", c.f[2], o->ip);
			if ((f = fopen(LEASE, "w"))) {
				fprintf(f, "iface=%s\nip=%s\nsubnet=%u\nrouter=%s\nsiaddr=%s\nserverid=\n",
				        names[i], c.f[0], masklen(c.f[3]), c.f[2], c.f[1]);
				fclose(f);
			}
			say("network: %s %s (static, ip=)", names[i], addr);
			return 0;
		} else {
			char *argv[] = { "udhcpc", "-i", names[i], "-f", "-q", "-n", "-t", "5", "-T", "3",
			                 "-s", SCRIPT, 0 };
			say("network: asking for an address by DHCP on %s", names[i]);
			if (run(0, 60, argv) == 0 && *lease("ip", v, sizeof v)) {
				say("network: %s %s/%s (DHCP from %s)", names[i], v,
				    lease("subnet", addr, sizeof addr), lease("serverid", list, sizeof list));
				return 0;
			}
		}
	}
	return fail(err, size, "no DHCP answer on %s (udhcpc, 5 tries); give a static address with ip=CLIENT::GW:MASK",
	            list);
}

static int dirsfor(const char *dir, const char *rel)
{
	char path[512], *s;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	for (s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) return -1;
		*s = '/';
	}
	return 0;
}

/* base+rel into dir/rel: downloaded when base is a URL (three tries, a
 * few seconds apart), else copied. */
static int get(const char *base, const char *rel, const char *dir, char *err, size_t size)
{
	char from[768], path[512];
	char *wget[] = { "wget", "-q", "-T", "20", "-O", path, from, 0 };
	char *cp[] = { "cp", from, path, 0 };
	int url = !strncmp(base, "http://", 7), i, rc = 0;

	snprintf(from, sizeof from, "%s%s", base, rel);
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (dirsfor(dir, rel) < 0)
		return fail(err, size, "unable to create the folder for %s: %s", path, strerror(errno));
	for (i = 0; i < (url ? 3 : 1); i++) {
		if (i) sleep(2);
		if (!(rc = run(0, url ? 120 : 0, url ? wget : cp))) return 0;
	}
	unlink(path);
	if (!url)
		return fail(err, size, "unable to copy %s to RAM (cp failed; its message is above)", from);
	return fail(err, size, "unable to download %s (wget %s; its message is above)", from,
	            rc == 124 ? "timed out" : "failed");
}

/* The PXE boot server of nic's LAN, as the firmware found it: whoever
 * answers a DHCPDISCOVER that says "PXEClient" with option 60 "PXEClient"
 * (a proxy-DHCP server beside the LAN's own, or a DHCP server set up for
 * PXE).  Plain DHCP servers answer without it; their offers just lapse.
 * Three tries, a second apart.  0 and the server (its next-server, else
 * its id) in out, or -1. */
static int pxeserver(const char *nic, char *out, size_t size)
{
	/* the machine's PXE architecture (RFC 4578): x86 BIOS or x64 UEFI */
	int efi = access("/sys/firmware/efi", F_OK) == 0;
	unsigned char pkt[576], mac[6];
	char path[128], buf[64], vendor[40];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67) },
	                   me = { .sin_family = AF_INET, .sin_port = htons(68) };
	struct pollfd pfd = { .events = POLLIN };
	unsigned xid = (unsigned)time(0) ^ (unsigned)getpid() << 16;
	int one = 1, try, n, i, found = -1;
	unsigned char *o;

	snprintf(path, sizeof path, "/sys/class/net/%s/address", nic);
	if (readsmall(path, buf, sizeof buf) < 0 ||
	    sscanf(buf, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
	           &mac[5]) != 6)
		return -1;
	memset(pkt, 0, sizeof pkt);
	pkt[0] = 1, pkt[1] = 1, pkt[2] = 6;   /* request, Ethernet */
	memcpy(pkt + 4, &xid, 4);
	pkt[10] = 0x80;                       /* broadcast the answer */
	memcpy(pkt + 28, mac, 6);
	o = pkt + 236;
	*o++ = 99, *o++ = 130, *o++ = 83, *o++ = 99;
	*o++ = 53, *o++ = 1, *o++ = 1;        /* DHCPDISCOVER */
	*o++ = 60, *o++ = snprintf(vendor, sizeof vendor, "PXEClient:Arch:%05d:UNDI:002001", efi ? 7 : 0);
	memcpy(o, vendor, strlen(vendor)), o += strlen(vendor);
	*o++ = 93, *o++ = 2, *o++ = 0, *o++ = efi ? 7 : 0;
	*o++ = 94, *o++ = 3, *o++ = 1, *o++ = 2, *o++ = 1; /* UNDI 2.1 */
	*o++ = 97, *o++ = 17, *o++ = 0;                    /* no UUID */
	o += 16;
	*o++ = 255;
	n = o - pkt < 300 ? 300 : o - pkt;

	to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	if ((pfd.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) return -1;
	if (setsockopt(pfd.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    setsockopt(pfd.fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) < 0 ||
	    setsockopt(pfd.fd, SOL_SOCKET, SO_BINDTODEVICE, nic, strlen(nic) + 1) < 0 ||
	    bind(pfd.fd, (struct sockaddr *)&me, sizeof me) < 0) {
		close(pfd.fd);
		return -1;
	}
	for (try = 0; try < 3 && found < 0; try++) {
		if (sendto(pfd.fd, pkt, n, 0, (struct sockaddr *)&to, sizeof to) < 0) break;
		while (found < 0 && poll(&pfd, 1, 1000) > 0) {
			unsigned char in[1500];
			unsigned char *siaddr = in + 20, *id = 0;
			int pxe = 0;
			ssize_t len = recv(pfd.fd, in, sizeof in, 0);
			if (len < 240 || in[0] != 2 || memcmp(in + 4, &xid, 4) ||
			    memcmp(in + 236, "\x63\x82\x53\x63", 4))
				continue;
			for (i = 240; i + 1 < len && in[i] != 255; i += in[i] ? 2 + in[i + 1] : 1) {
				if (!in[i] || i + 2 + in[i + 1] > len) continue;
				if (in[i] == 60 && in[i + 1] >= 9 && !memcmp(in + i + 2, "PXEClient", 9)) pxe = 1;
				if (in[i] == 54 && in[i + 1] == 4) id = in + i + 2;
			}
			if (!pxe) continue;
			if (!memcmp(siaddr, "\0\0\0\0", 4)) siaddr = id;
			if (siaddr && inet_ntop(AF_INET, siaddr, out, size)) found = 0;
		}
	}
	close(pfd.fd);
	return found;
}

/* The tree's URL: fetch= names live/dom0.sfs or the tree (ending in '/').
 * Without a host it is on the boot server: ip='s server; else the DHCP
 * lease's next-server when it names another machine than the DHCP server;
 * else the PXE server answering on the LAN (which, under proxy-DHCP, is not
 * the DHCP server); else the next-server or the DHCP server. */
static int baseurl(const char *fetch, char *base, size_t bsize, char *err, size_t size)
{
	static const char sfs[] = "live/dom0.sfs";
	char server[64], id[64], nic[32];
	const char *how = "ip=";
	size_t n = strlen(fetch);

	if (fetch[0] == '/') {
		lease("siaddr", server, sizeof server);
		lease("serverid", id, sizeof id);
		if (!strcmp(server, "0.0.0.0")) server[0] = 0;
		if (!id[0]) {
			/* static: ip='s server field */
		} else if (server[0] && strcmp(server, id)) {
			how = "DHCP next-server";
		} else if (pxeserver(lease("iface", nic, sizeof nic), server, sizeof server) == 0) {
			how = strcmp(server, id) ? "PXE proxy-DHCP" : "PXE, the DHCP server";
		} else if (server[0]) {
			how = "DHCP next-server";
		} else {
			snprintf(server, sizeof server, "%s", id);
			how = "the DHCP server";
		}
		if (!server[0])
			return fail(err, size, "fetch=%s has no host and DHCP named no boot server; give a full URL",
			            fetch);
		say("network: boot server %s (%s)", server, how);
		snprintf(base, bsize, "http://%s%s", server, fetch);
	} else if (!strncmp(fetch, "http://", 7)) {
		snprintf(base, bsize, "%s", fetch);
	} else {
		return fail(err, size, "fetch=%s is not an http:// URL or a /path on the boot server", fetch);
	}
	n = strlen(base);
	if (n >= sizeof sfs - 1 && !strcmp(base + n - (sizeof sfs - 1), sfs))
		base[n - (sizeof sfs - 1)] = 0;
	else if (base[n - 1] != '/')
		return fail(err, size, "fetch=%s names neither .../live/dom0.sfs nor a folder ending in /", fetch);
	return 0;
}

/* The files live/SHA256SUMS lists (what the system needs from its medium:
 * boot/, live/, guests/) from base (a URL or a
 * folder ending in '/') into a tmpfs on dir, then every checksum checked. */
static int fill(const char *base, const char *dir, char *err, size_t size)
{
	static char line[1024];
	char *argv[] = { "sha256sum", "-c", SUMS, 0 }, sums[512];
	unsigned nfiles = 0;
	FILE *in, *out;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail(err, size, "unable to create %s: %s", dir, strerror(errno));
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return fail(err, size, "unable to mount a tmpfs on %s: %s", dir, strerror(errno));
	if (get(base, "live/SHA256SUMS", dir, err, size) < 0) return -1;
	snprintf(sums, sizeof sums, "%s/live/SHA256SUMS", dir);
	if (!(in = fopen(sums, "r")) || !(out = fopen(SUMS, "w"))) {
		if (in) fclose(in);
		return fail(err, size, "unable to read %s: %s", sums, strerror(errno));
	}
	while (fgets(line, sizeof line, in)) {
		char *rel = strstr(line, "  ");
		if (strlen(line) < 67 || !rel || rel - line != 64) continue;
		rel += 2;
		rel[strcspn(rel, "\r\n")] = 0;
		if (rel[0] == '/' || strstr(rel, "../")) continue;
		if (get(base, rel, dir, err, size) < 0) {
			fclose(in);
			fclose(out);
			return -1;
		}
		fprintf(out, "%.64s  %s\n", line, rel);
		nfiles++;
	}
	fclose(in);
	if (fclose(out) != 0 || !nfiles)
		return fail(err, size, "%s lists no files", sums);
	say("checking %u files against live/SHA256SUMS", nfiles);
	if (run(dir, 0, argv))
		return fail(err, size, "checksum mismatch: the files marked FAILED above differ from %slive/SHA256SUMS "
		            "(%s)", base, strncmp(base, "http://", 7) ? "the medium is damaged"
		            : "a corrupt download, or a server holding another build");
	say("%u files in RAM, all checksums match", nfiles);
	/* Read-only from now on, as a CD is: no one may write the guests'
	 * images, which the block hotplug script relies on to share them. */
	if (mount(0, dir, 0, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, 0) < 0)
		say("warning: unable to make %s read-only: %s", dir, strerror(errno));
	return 0;
}

static int fetchall(const char *fetch, const char *dir, char *err, size_t size)
{
	static char base[512];
	FILE *f;
	if (baseurl(fetch, base, sizeof base, err, size) < 0) return -1;
	say("fetching the live system from %s", base);
	/* for dom0: a lab node takes a host-less xenlive.lab=/PATH from there */
	if ((f = fopen(BASE, "w"))) {
		fprintf(f, "%s\n", base);
		fclose(f);
	}
	return fill(base, dir, err, size);
}

/* nfsroot=SERVER:/PATH mounted read-only with the kernel's client; the
 * mount runs in a child so that a silent server costs wait seconds, not
 * the kernel's minutes of retries. */
static int nfsmount(const char *nfsroot, unsigned wait, const char *dir, char *err, size_t size)
{
	char server[64], opts[160];
	const char *colon = strchr(nfsroot, ':');
	unsigned a, b, c, d;
	char tail;
	int st, ticks = 0;
	pid_t pid;

	if (!colon || colon - nfsroot >= (int)sizeof server || colon[1] != '/')
		return fail(err, size, "nfsroot=%s is not SERVER:/PATH", nfsroot);
	memcpy(server, nfsroot, colon - nfsroot);
	server[colon - nfsroot] = 0;
	if (sscanf(server, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4)
		return fail(err, size, "nfsroot=%s: the server must be an IPv4 address", nfsroot);
	snprintf(opts, sizeof opts, "ro,nolock,vers=3,proto=tcp,mountproto=tcp,timeo=50,retrans=2,addr=%s", server);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail(err, size, "unable to create %s: %s", dir, strerror(errno));
	say("mounting %s (NFS, read-only)", nfsroot);
	pid = fork();
	if (pid < 0) return fail(err, size, "unable to fork: %s", strerror(errno));
	if (!pid) {
		if (mount(nfsroot, dir, "nfs", MS_RDONLY, opts) == 0) _exit(0);
		_exit(errno & 0xff);
	}
	while (waitpid(pid, &st, WNOHANG) != pid) {
		if (++ticks > (int)wait * 10) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			umount2(dir, MNT_DETACH);
			return fail(err, size, "NFS server %s did not answer within %u s (nfsroot=%s)", server, wait,
			            nfsroot);
		}
		usleep(100000);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return fail(err, size, "unable to mount %s by NFS: %s", nfsroot,
		            WIFEXITED(st) ? strerror(WEXITSTATUS(st)) : "killed");
	return 0;
}

int netwanted(const struct netopts *o)
{
	return o->fetch[0] || o->nfsroot[0];
}

int netmedium(const struct netopts *o, unsigned wait, const char *dir, char *err, size_t size)
{
	int fd = open(SCRIPT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	if (fd < 0 || write(fd, script, sizeof script - 1) != (ssize_t)sizeof script - 1 || close(fd) < 0)
		return fail(err, size, "unable to write %s: %s", SCRIPT, strerror(errno));
	if (netup(o, wait, err, size) < 0) return -1;
	if (o->nfsroot[0]) return nfsmount(o->nfsroot, wait, dir, err, size);
	return fetchall(o->fetch, dir, err, size);
}

int toram(const char *dir, char *err, size_t size)
{
	static const char ram[] = "/run/xenlive/ram";
	char base[512];

	say("toram: copying the live system into RAM");
	snprintf(base, sizeof base, "%s/", dir);
	if (fill(base, ram, err, size) < 0) return -1;
	if (umount2(dir, MNT_DETACH) < 0)
		return fail(err, size, "unable to unmount the medium %s: %s", dir, strerror(errno));
	if (mount(ram, dir, 0, MS_MOVE, 0) < 0)
		return fail(err, size, "unable to move %s to %s: %s", ram, dir, strerror(errno));
	rmdir(ram);
	say("toram: done, the boot medium can be removed");
	return 0;
}

int mediacheck(const char *dir, char *err, size_t size)
{
	char *argv[] = { "sha256sum", "-c", "live/SHA256SUMS", 0 };
	say("media check: checking every file of live/SHA256SUMS, this takes a while");
	if (run(dir, 0, argv))
		return fail(err, size, "media check FAILED: the files marked FAILED (or missing) above do not match "
		            "live/SHA256SUMS; the medium is damaged, write it again or use another one");
	say("media check: OK, every file matches live/SHA256SUMS");
	return 0;
}
