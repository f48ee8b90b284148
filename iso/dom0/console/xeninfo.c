/* xeninfo: the machine and its guests from Xen (libxenctrl) and xenstore.
 * Every call asks anew, so a guest that comes or goes between two calls is
 * simply there or not. Not libxl: its domain list bounces a buffer for
 * 1024 domains (128 KiB, mapped and unmapped by libxencall each time)
 * through the hypercall, which is dear in a PV dom0 under emulation; here
 * 32 domains a call fit the one page libxencall keeps mapped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>

#include <xenctrl.h>
#include <xenstore.h>

#include "xeninfo.h"

static xc_interface *xch;
static struct xs_handle *xs;
static xentoollog_logger_stdiostream *logger;

/* the last call's guests: what is read once, and the CPU % shown */
static struct guest last[256];
static int nlast;
/* CPU % is CPU time over wall time in windows of CPUWIN seconds, as
 * xentop's default delay: a figure that changes every second costs a
 * redraw every second, which on the screen under emulation is dear. The
 * window's start: each guest's CPU time then (by domain id) and when. */
#define CPUWIN 3
static struct { int domid; unsigned long long ns; } base[256];
static int nbase;
static struct timespec baset;

int xenopen(char *err, size_t size)
{
	/* libxenctrl's messages would land on the screen; a guest that goes
	 * away while we ask about it is no news */
	FILE *null = fopen("/dev/null", "w");

	if (!null) {
		snprintf(err, size, "unable to open /dev/null: %s", strerror(errno));
		return -1;
	}
	logger = xtl_createlogger_stdiostream(null, XTL_CRITICAL, 0);
	if (!logger) {
		snprintf(err, size, "unable to create a logger for libxenctrl");
		return -1;
	}
	xch = xc_interface_open((xentoollog_logger *)logger, (xentoollog_logger *)logger, 0);
	if (!xch) {
		snprintf(err, size, "unable to talk to Xen (xc_interface_open): %s", strerror(errno));
		return -1;
	}
	xs = xs_open(XS_OPEN_READONLY);
	if (!xs) {
		snprintf(err, size, "unable to connect to xenstored: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void xenread(const char *path, char *buf, size_t size)
{
	unsigned len = 0;
	char *v;

	buf[0] = 0;
	if (!xs) return;
	v = xs_read(xs, XBT_NULL, path, &len);
	if (!v) return;
	snprintf(buf, size, "%s", v);
	free(v);
}

void xenhost(struct host *h)
{
	static char ver[48];
	xc_physinfo_t p;
	xc_domaininfo_t d;
	xen_extraversion_t extra;
	int v;

	memset(h, 0, sizeof *h);
	if (!xch) return;
	memset(&p, 0, sizeof p);
	if (xc_physinfo(xch, &p)) return;
	h->ok = 1;
	/* as `xl info`: pages of 4 KiB */
	h->total_mib = p.total_pages / 256;
	h->free_mib = (p.free_pages - p.outstanding_pages) / 256;
	h->cpus = p.nr_cpus;
	h->hvm = !!(p.capabilities & XEN_SYSCTL_PHYSCAP_hvm);
	if (!ver[0] && (v = xc_version(xch, XENVER_version, 0)) > 0) {
		memset(extra, 0, sizeof extra);
		xc_version(xch, XENVER_extraversion, extra);
		extra[sizeof extra - 1] = 0;
		snprintf(ver, sizeof ver, "%d.%d%s", v >> 16, v & 0xffff, extra);
	}
	snprintf(h->xen, sizeof h->xen, "%s", ver);
	if (xc_domain_getinfolist(xch, 0, 1, &d) == 1 && d.domain == 0)
		h->dom0_mib = (unsigned long)(d.tot_pages / 256);
}

static const struct guest *lastof(unsigned domid)
{
	int i;

	for (i = 0; i < nlast; i++)
		if (last[i].domid == (int)domid) return &last[i];
	return 0;
}

/* cpuwindow: when a window of CPUWIN seconds has passed, each guest's CPU
 * % over it (-1 for one that was not there at its start), and a new
 * window starts */
static void cpuwindow(struct guest *g, int n, const struct timespec *now)
{
	double elapsed = (now->tv_sec - baset.tv_sec) * 1e9 + (now->tv_nsec - baset.tv_nsec);
	int i, j;

	if (baset.tv_sec && elapsed < CPUWIN * 1e9) return;
	for (i = 0; i < n; i++) {
		g[i].cpu = -1;
		for (j = 0; j < nbase; j++)
			if (base[j].domid == g[i].domid) {
				if (elapsed > 0 && g[i].cpu_ns >= base[j].ns)
					g[i].cpu = (g[i].cpu_ns - base[j].ns) * 100.0 / elapsed;
				break;
			}
	}
	for (i = 0; i < n; i++) {
		base[i].domid = g[i].domid;
		base[i].ns = g[i].cpu_ns;
	}
	nbase = n;
	baset = *now;
}

int xenguests(struct guest *g, int max, int full)
{
	xc_domaininfo_t info[32];
	struct timespec now;
	time_t wall = time(0);
	uint32_t next = 1;
	int ret, i, n = 0;

	if (!xch) return -1;
	if (max > (int)(sizeof last / sizeof *last)) max = sizeof last / sizeof *last;
	clock_gettime(CLOCK_MONOTONIC, &now);
	while (n < max && (ret = xc_domain_getinfolist(xch, next, 32, info)) > 0) {
		for (i = 0; i < ret && n < max; i++) {
			xc_domaininfo_t *d = &info[i];
			struct guest *x = &g[n];
			const struct guest *old;
			char path[160], vm[128], val[64];
			unsigned flags = d->flags;

			memset(x, 0, sizeof *x);
			/* a domain's name is read once (and on full looks: xl rename);
			 * one on its way out may have none any more */
			old = lastof(d->domain);
			if (old && !full) {
				memcpy(x->name, old->name, sizeof x->name);
			} else {
				snprintf(path, sizeof path, "/local/domain/%u/name", d->domain);
				xenread(path, x->name, sizeof x->name);
			}
			if (!x->name[0]) continue;
			if (old && strcmp(old->name, x->name)) old = 0;
			x->domid = d->domain;
			x->state = flags & XEN_DOMINF_dying ? G_DYING
			         : flags & XEN_DOMINF_shutdown &&
			           (flags >> XEN_DOMINF_shutdownshift & XEN_DOMINF_shutdownmask) == SHUTDOWN_crash
			           ? G_CRASHED
			         : flags & XEN_DOMINF_shutdown ? G_SHUTDOWN
			         : flags & XEN_DOMINF_paused ? G_PAUSED : G_RUNNING;
			snprintf(x->type, sizeof x->type, "%s", flags & XEN_DOMINF_hvm_guest ? "HVM" : "PV");
			x->vcpus = d->nr_online_vcpus;
			/* as `xl list` (libxl's current_memkb + outstanding_memkb) */
			x->mib = (unsigned long)((d->tot_pages + d->outstanding_pages) / 256);
			x->cpu_ns = d->cpu_time;
			x->cpu = -1;
			if (old) {
				x->cpu = old->cpu;
				x->start = old->start;
				memcpy(x->mac, old->mac, sizeof x->mac);
				memcpy(x->type, old->type, sizeof x->type);
			} else if (flags & XEN_DOMINF_hvm_guest) {
				/* Xen knows a PVH guest as an HVM one without a device
				 * model; libxl notes which it made (libxl__domain_type) */
				snprintf(path, sizeof path, "/libxl/%u/type", d->domain);
				xenread(path, val, sizeof val);
				if (!strcmp(val, "pvh")) snprintf(x->type, sizeof x->type, "PVH");
			}
			if (!x->start) {
				snprintf(path, sizeof path, "/local/domain/%u/vm", d->domain);
				xenread(path, vm, sizeof vm);
				if (vm[0]) {
					snprintf(path, sizeof path, "%s/start_time", vm);
					xenread(path, val, sizeof val);
					x->start = strtoul(val, 0, 10);
				}
			}
			x->uptime = x->start && wall >= (time_t)x->start ? (long)(wall - x->start) : -1;
			if (!x->mac[0]) {
				snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/0/mac", d->domain);
				xenread(path, x->mac, sizeof x->mac);
			}
			n++;
		}
		if (ret < (int)(sizeof info / sizeof *info)) break;
		next = info[ret - 1].domain + 1;
	}
	cpuwindow(g, n, &now);
	memcpy(last, g, n * sizeof *g);
	nlast = n;
	return n;
}
