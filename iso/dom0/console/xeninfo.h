/* xeninfo: what the hypervisor and xenstore say about the machine and its
 * guests, through libxenctrl and libxenstore (no process started). */

enum gstate { G_OFF, G_RUNNING, G_PAUSED, G_SHUTDOWN, G_CRASHED, G_DYING };

struct guest {
	char name[64];
	int domid;                 /* -1: not running (a config or a save file) */
	enum gstate state;
	char type[4];              /* PV, PVH, HVM; "" unknown */
	unsigned vcpus;
	unsigned long mib;         /* as `xl list` shows it */
	double cpu;                /* % of one CPU over the last 3 s, as xentop; <0 unknown */
	unsigned long long cpu_ns;
	long uptime;               /* seconds; -1 unknown */
	unsigned long start;       /* its start time (xenstore), 0 unknown */
	char mac[18];              /* its first NIC's MAC, lower case, "" none */
	char addr[16];             /* its IPv4 address (leases, ARP), "" unknown */
};

struct host {
	int ok;                    /* the toolstack answered */
	char xen[48];              /* "4.17.5-pre" */
	unsigned cpus;
	int hvm;                   /* HVM guests can run */
	unsigned long total_mib, free_mib, dom0_mib;
};

/* xenopen: connects to Xen and xenstore; -1 with a message in err */
int xenopen(char *err, size_t size);
/* xenhost: the hypervisor's version, CPUs and memory into h */
void xenhost(struct host *h);
/* xenguests: the running guests (not dom0) in domain id order into g (at
 * most max), CPU % over windows of 3 s; names read anew when full;
 * their count, -1 without Xen */
int xenguests(struct guest *g, int max, int full);
/* xenread: the xenstore value at path into buf ("" when missing) */
void xenread(const char *path, char *buf, size_t size);
