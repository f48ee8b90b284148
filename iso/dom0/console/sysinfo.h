/* sysinfo: what dom0's files say: uptime, network, boot medium,
 * persistence, lab mode, the guests' DHCP leases, guest configs. */

struct sysinfo {
	char build[40];            /* the medium's xenlive.id, "" unknown */
	char host[64];             /* dom0's host name */
	long uptime;               /* seconds */
	char net[160];             /* uplink and how guests reach the outside */
	char medium[64];
	char persist[64];
	char lab[96];
	int labon;
};

/* sysread: fills s anew (files in /proc, /sys, /run; a netlink dump);
 * the build, medium and persistence (which change only at boot or by an
 * action) only when all */
void sysread(struct sysinfo *s, int all);
/* sysuptime: dom0's uptime in seconds */
long sysuptime(void);
/* leasescan: reads udhcpd's leases (when the file changed) and, when
 * arptoo, dom0's ARP table, for leaseaddr */
void leasescan(int arptoo);
/* leaseaddr: address of the NIC with MAC mac (guest named name) from
 * the leases or the ARP table leasescan read into addr; "" unknown */
void leaseaddr(const char *mac, const char *name, char *addr, size_t size);
/* leasepoke: asks udhcpd to write its leases file (SIGUSR1) */
void leasepoke(void);
/* cfgval: the value of `key = value` in the xl config file path, quotes
 * dropped, into buf; 0 when found */
int cfgval(const char *path, const char *key, char *buf, size_t size);
