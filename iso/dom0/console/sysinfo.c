/* sysinfo: dom0's state from /proc, /sys and the files the init scripts
 * and the initramfs leave in /run (iso/dom0/init.c, etc/init.d/network,
 * xenlive-lab): no process is started. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "sysinfo.h"

#define BR       "xenbr0"
#define MEDIUM   "/run/xenlive/medium"
#define PERSIST  "/run/xenlive/persist"
#define FETCH    "/run/xenlive/fetch"
#define WIFISSID "/run/xenlive-wifi/ssid"
#define LABPID   "/var/run/xenlive-lab.pid"
#define LEASES   "/var/lib/udhcpd/" BR ".leases"
#define UDHCPD   "/var/run/udhcpd." BR ".pid"

/* readline: the first line of file path into buf ("" when unreadable) */
static void readline(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f) return;
	if (!fgets(buf, size, f)) buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* mountof: device and type of what is mounted on dir; 0 when found */
static int mountof(const char *dir, char *dev, size_t dsize, char *type, size_t tsize)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512], d[256], m[256], t[64];
	int found = -1;

	if (!f) return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%255s %255s %63s", d, m, t) == 3 && !strcmp(m, dir)) {
			snprintf(dev, dsize, "%s", d);
			snprintf(type, tsize, "%s", t);
			found = 0;
		}
	fclose(f);
	return found;
}

/* addrof: the first IPv4 address of interface ifname into buf */
static void addrof(struct ifaddrs *ifs, const char *ifname, char *buf, size_t size)
{
	struct ifaddrs *i;

	buf[0] = 0;
	for (i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, ifname)) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf, size);
			return;
		}
}

/* isnic: a wired NIC backed by a device (as etc/init.d/network's nics) */
static int isnic(const char *n)
{
	char p[300], t[16];

	if (!strncmp(n, "vif", 3) || !strncmp(n, "tap", 3) || !strncmp(n, "xenbr", 5) ||
	    !strcmp(n, "lo"))
		return 0;
	snprintf(p, sizeof p, "/sys/class/net/%s/device", n);
	if (!exists(p)) return 0;
	snprintf(p, sizeof p, "/sys/class/net/%s/wireless", n);
	if (exists(p)) return 0;
	snprintf(p, sizeof p, "/sys/class/net/%s/type", n);
	readline(p, t, sizeof t);
	return !strcmp(t, "1");
}

/* iswifi: a Wi-Fi interface (xenlive-wifi's uplink) */
static int iswifi(const char *n)
{
	char p[300];

	snprintf(p, sizeof p, "/sys/class/net/%s/phy80211", n);
	return exists(p);
}

/* firstup: the first interface that is(name) says is one, with an IPv4
 * address: its name and address; 1 if there is one */
static int firstup(struct ifaddrs *ifs, int (*is)(const char *), char *name, size_t nsize,
                   char *addr, size_t asize)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	int found = 0;

	if (!d) return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !is(e->d_name)) continue;
		addrof(ifs, e->d_name, addr, asize);
		if (addr[0]) {
			snprintf(name, nsize, "%s", e->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

static void network(char *buf, size_t size)
{
	struct ifaddrs *ifs = 0;
	char braddr[INET_ADDRSTRLEN], port[256] = "", up[256] = "", upaddr[INET_ADDRSTRLEN] = "";
	char ssid[64] = "", wif[256];
	DIR *d;
	struct dirent *e;

	if (!exists("/sys/class/net/" BR)) {
		snprintf(buf, size, "no " BR " bridge yet: guests have no network");
		return;
	}
	if (getifaddrs(&ifs) < 0) ifs = 0;
	addrof(ifs, BR, braddr, sizeof braddr);
	/* a NIC that is a port of xenbr0: guests share its LAN */
	if ((d = opendir("/sys/class/net/" BR "/brif"))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && isnic(e->d_name))
				snprintf(port, sizeof port, "%s", e->d_name);
		closedir(d);
	}
	/* else a NIC with an address of its own (udhcpc found an uplink
	 * later), else a Wi-Fi interface with one (xenlive-wifi) */
	if (!port[0] && !firstup(ifs, isnic, up, sizeof up, upaddr, sizeof upaddr) &&
	    firstup(ifs, iswifi, wif, sizeof wif, upaddr, sizeof upaddr)) {
		snprintf(up, sizeof up, "Wi-Fi %.16s", wif);
		readline(WIFISSID, ssid, sizeof ssid);
	}
	if (ifs) freeifaddrs(ifs);
	if (port[0] && braddr[0])
		snprintf(buf, size, "wired %.16s, %s by DHCP; guests are on that LAN", port, braddr);
	else if (port[0])
		snprintf(buf, size, "wired %.16s, no address yet; guests are on its LAN", port);
	else if (up[0] && ssid[0])
		snprintf(buf, size, "%s %s '%s'; guests reach it by NAT from %s %s",
		         up, upaddr, ssid, BR, braddr[0] ? braddr : "-");
	else if (up[0])
		snprintf(buf, size, "host-only %s %s; guests reach out by NAT via %.22s %s",
		         BR, braddr[0] ? braddr : "-", up, upaddr);
	else
		snprintf(buf, size, "host-only %s %s; no uplink: guests reach dom0 only",
		         BR, braddr[0] ? braddr : "(no address)");
}

static void medium(char *buf, size_t size)
{
	char dev[256], type[64], link[512], p[300], *name;
	ssize_t n;

	if (mountof(MEDIUM, dev, sizeof dev, type, sizeof type) < 0) {
		snprintf(buf, size, "none found");
		return;
	}
	if (!strcmp(type, "nfs") || !strcmp(type, "nfs4")) {
		snprintf(buf, size, "network boot (NFS)");
		return;
	}
	if (!strcmp(type, "tmpfs")) {
		snprintf(buf, size, exists(FETCH) ? "network boot, in RAM" : "in RAM (toram)");
		return;
	}
	name = strncmp(dev, "/dev/", 5) ? dev : dev + 5;
	if (!strncmp(name, "sr", 2)) {
		snprintf(buf, size, "CD/DVD (%.32s)", name);
		return;
	}
	if (!strncmp(name, "loop", 4)) {
		snprintf(buf, size, "image file (%.32s)", name);
		return;
	}
	snprintf(p, sizeof p, "/sys/class/block/%s", name);
	n = readlink(p, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(buf, size, "%s (%.32s)", strstr(link, "/usb") ? "USB" : "disk", name);
}

static void persistence(char *buf, size_t size)
{
	char dev[256], type[64], cmd[1024];

	if (!mountof(PERSIST, dev, sizeof dev, type, sizeof type)) {
		snprintf(buf, size, "on (%.40s)", strncmp(dev, "/dev/", 5) ? dev : dev + 5);
		return;
	}
	readline("/proc/cmdline", cmd, sizeof cmd);
	snprintf(buf, size, strstr(cmd, "nopersistence") || strstr(cmd, "xenlive.persistence=off")
	         ? "off (boot option)" : "off: changes kept in RAM");
}

static int labrunning(void)
{
	char b[32];
	long pid;

	readline(LABPID, b, sizeof b);
	pid = strtol(b, 0, 10);
	return pid > 0 && kill(pid, 0) == 0;
}

long sysuptime(void)
{
	char b[64];

	readline("/proc/uptime", b, sizeof b);
	return strtol(b, 0, 10);
}

void sysread(struct sysinfo *s, int all)
{
	struct ifaddrs *ifs = 0;
	char a[INET_ADDRSTRLEN] = "";

	if (all) {
		readline(MEDIUM "/live/xenlive.id", s->build, sizeof s->build);
		medium(s->medium, sizeof s->medium);
		persistence(s->persist, sizeof s->persist);
	}
	if (gethostname(s->host, sizeof s->host) < 0) snprintf(s->host, sizeof s->host, "?");
	s->host[sizeof s->host - 1] = 0;
	s->uptime = sysuptime();
	network(s->net, sizeof s->net);
	s->labon = labrunning();
	if (s->labon) {
		if (getifaddrs(&ifs) == 0) {
			addrof(ifs, BR, a, sizeof a);
			freeifaddrs(ifs);
		}
		snprintf(s->lab, sizeof s->lab, "node %s on %s:22", s->host, a[0] ? a : "?");
	} else {
		snprintf(s->lab, sizeof s->lab, "off");
	}
}

void leasepoke(void)
{
	char b[32];
	long pid;

	readline(UDHCPD, b, sizeof b);
	pid = strtol(b, 0, 10);
	if (pid > 0) kill(pid, SIGUSR1);
}

/* BusyBox udhcpd's leases file: a 64-bit time, then struct dyn_lease
 * (networking/udhcp/dhcpd.h) for each lease, 36 bytes */
struct lease {
	uint32_t expires;
	uint32_t nip;
	uint8_t mac[6];
	char hostname[20];
	uint8_t pad[2];
};

static int maceq(const char *text, const uint8_t *mac)
{
	char m[18];

	snprintf(m, sizeof m, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return !strcasecmp(text, m);
}

/* the leases file and the ARP table, read once per leasescan */
static struct lease leases[256];
static int nleases;
static char arp[64][2][20];
static int narp;

void leasescan(int arptoo)
{
	static struct timespec mtime;
	struct stat st;
	FILE *f;
	int64_t when;
	char line[256], ip[64], hw[64], flags[16], type[16], mask[16], dev[32];

	/* udhcpd rewrites the file when asked (leasepoke): read it then only */
	if (stat(LEASES, &st) < 0) {
		nleases = 0;
	} else if (st.st_mtim.tv_sec != mtime.tv_sec || st.st_mtim.tv_nsec != mtime.tv_nsec) {
		mtime = st.st_mtim;
		nleases = 0;
		if ((f = fopen(LEASES, "r"))) {
			if (fread(&when, sizeof when, 1, f) == 1)
				while (nleases < (int)(sizeof leases / sizeof *leases) &&
				       fread(&leases[nleases], sizeof *leases, 1, f) == 1)
					nleases++;
			fclose(f);
		}
	}
	if (!arptoo) return;
	narp = 0;
	if (!(f = fopen("/proc/net/arp", "r"))) return;
	while (narp < (int)(sizeof arp / sizeof *arp) && fgets(line, sizeof line, f))
		if (sscanf(line, "%63s %15s %15s %63s %15s %31s", ip, type, flags, hw, mask, dev) == 6 &&
		    strcmp(flags, "0x0") && strlen(ip) < 20 && strlen(hw) < 20) {
			snprintf(arp[narp][0], sizeof arp[narp][0], "%s", ip);
			snprintf(arp[narp][1], sizeof arp[narp][1], "%s", hw);
			narp++;
		}
	fclose(f);
}

void leaseaddr(const char *mac, const char *name, char *addr, size_t size)
{
	int i;

	addr[0] = 0;
	for (i = 0; i < nleases; i++) {
		char hn[21];

		memcpy(hn, leases[i].hostname, 20);
		hn[20] = 0;
		if ((mac[0] && maceq(mac, leases[i].mac)) || (!mac[0] && !strcmp(hn, name))) {
			struct in_addr in = { leases[i].nip };
			inet_ntop(AF_INET, &in, addr, size);
		}
	}
	if (addr[0] || !mac[0]) return;
	/* on a LAN, the neighbour table knows the guests dom0 has talked to */
	for (i = 0; i < narp; i++)
		if (!strcasecmp(arp[i][1], mac)) {
			snprintf(addr, size, "%s", arp[i][0]);
			return;
		}
}

int cfgval(const char *path, const char *key, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[512], *p, *v;
	size_t k = strlen(key), n;
	int found = -1;

	buf[0] = 0;
	if (!f) return -1;
	while (fgets(line, sizeof line, f)) {
		p = line + strspn(line, " \t");
		if (strncmp(p, key, k)) continue;
		p += k;
		p += strspn(p, " \t");
		if (*p != '=') continue;
		v = p + 1 + strspn(p + 1, " \t\"'");
		n = strcspn(v, "\"'\n#");
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
		snprintf(buf, size, "%.*s", (int)n, v);
		found = 0;
	}
	fclose(f);
	return found;
}
