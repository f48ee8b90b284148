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

/* sysread: fills s (network, medium, persistence and lab read anew every
 * call; cheap: files in /proc, /sys, /run) */
void sysread(struct sysinfo *s);
/* leaseaddr: address of the NIC with MAC mac (guest named name) from
 * udhcpd's leases or dom0's ARP table into addr; "" unknown */
void leaseaddr(const char *mac, const char *name, char *addr, size_t size);
/* leasepoke: asks udhcpd to write its leases file (SIGUSR1) */
void leasepoke(void);
/* cfgval: the value of `key = value` in the xl config file path, quotes
 * dropped, into buf; 0 when found */
int cfgval(const char *path, const char *key, char *buf, size_t size);
