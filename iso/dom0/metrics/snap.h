/* snap: one look at the machine, what a scrape reports. Filled by
 * snapxen (xen.c, libxenstat, in dom0) or a stand-in (the host tests),
 * then by drbdread and migrread; printed by expofmt. */

/* a domain's states, as the letters of `xl list` (r b p s c d) */
enum {
	DS_RUNNING = 1, DS_BLOCKED = 2, DS_PAUSED = 4,
	DS_SHUTDOWN = 8, DS_CRASHED = 16, DS_DYING = 32
};

struct dom {
	char name[64];
	unsigned long long cpu_ns;         /* CPU time of all its vCPUs */
	unsigned long long mem, maxmem;    /* bytes; maxmem 0: no limit */
	unsigned vcpus;                    /* online */
	/* on its backend interfaces vifD.N in dom0, as xentop counts them
	 * (netdev.c) */
	unsigned long long rxbytes, rxpkts, txbytes, txpkts;
	unsigned long long rdreqs, wrreqs, rdsects, wrsects; /* sectors: 512 bytes */
	unsigned state;                    /* DS_* bits */
	int id;                            /* the domain's id */
};

struct drbd {
	unsigned minor;
	char name[64];          /* the resource, from /etc/drbd.d; else drbdMINOR */
	char cs[32];            /* connection state, e.g. Connected, WFConnection */
	char role[16], peerrole[16];
	char ds[24], peerds[24];
	unsigned long long oos_kib;  /* out of sync */
};

struct migr {
	int have;                    /* the file exists */
	unsigned long long total, failures;
	double last, pause;          /* seconds; < 0: not known */
};

#define MAXDRBD 64

struct snap {
	unsigned long long memtotal, memfree;   /* bytes */
	unsigned cpus;
	char version[64];
	struct dom *doms;                       /* ndoms of them, owned */
	int ndoms;
	struct drbd drbd[MAXDRBD];
	int ndrbd;
	struct migr migr;
	double seconds;                         /* what the scrape took */
};

/* opens what snapxen needs, once; -1 and a message in err on failure */
int snapopen(char *err, size_t size);
/* fills s's host and domains (s->doms reallocated); -1 and err on failure */
int snapxen(struct snap *s, char *err, size_t size);
