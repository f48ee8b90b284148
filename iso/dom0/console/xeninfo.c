/* xeninfo: the machine and its guests from libxl and xenstore. Every call
 * asks anew (a few hypercalls and xenstore reads), so a guest that comes
 * or goes between two calls is simply there or not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>

#include "xeninfo.h"

static libxl_ctx *ctx;
static struct xs_handle *xs;
static xentoollog_logger_stdiostream *logger;

/* the last call's guests: CPU time for CPU %, and what is read once */
static struct guest last[256];
static int nlast;
static struct timespec lastt;

int xenopen(char *err, size_t size)
{
	/* libxl's messages would land on the screen; a guest that goes away
	 * while we ask about it is no news */
	FILE *null = fopen("/dev/null", "w");

	if (!null) {
		snprintf(err, size, "unable to open /dev/null: %s", strerror(errno));
		return -1;
	}
	logger = xtl_createlogger_stdiostream(null, XTL_CRITICAL, 0);
	if (!logger) {
		snprintf(err, size, "unable to create a libxl logger");
		return -1;
	}
	if (libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)logger)) {
		snprintf(err, size, "unable to connect to the toolstack (libxl)");
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
	const libxl_version_info *v;
	libxl_physinfo p;
	libxl_dominfo d;
	unsigned long pagemib;

	memset(h, 0, sizeof *h);
	if (!ctx) return;
	libxl_physinfo_init(&p);
	if (libxl_get_physinfo(ctx, &p)) {
		libxl_physinfo_dispose(&p);
		return;
	}
	h->ok = 1;
	/* as `xl info`: pages of 4 KiB */
	pagemib = 256;
	h->total_mib = p.total_pages / pagemib;
	h->free_mib = (p.free_pages - p.outstanding_pages) / pagemib;
	h->cpus = p.nr_cpus;
	h->hvm = p.cap_hvm;
	libxl_physinfo_dispose(&p);
	v = libxl_get_version_info(ctx);
	if (v)
		snprintf(h->xen, sizeof h->xen, "%d.%d%s", v->xen_version_major,
		         v->xen_version_minor, v->xen_version_extra ? v->xen_version_extra : "");
	libxl_dominfo_init(&d);
	if (!libxl_domain_info(ctx, &d, 0))
		h->dom0_mib = (unsigned long)(d.current_memkb / 1024);
	libxl_dominfo_dispose(&d);
}

static const struct guest *lastof(unsigned domid, const char *name)
{
	int i;

	for (i = 0; i < nlast; i++)
		if (last[i].domid == (int)domid && !strcmp(last[i].name, name)) return &last[i];
	return 0;
}

int xenguests(struct guest *g, int max)
{
	libxl_dominfo *info;
	struct timespec now;
	double elapsed;
	time_t wall = time(0);
	int nb = 0, i, n = 0;

	if (!ctx) return -1;
	if (max > (int)(sizeof last / sizeof *last)) max = sizeof last / sizeof *last;
	info = libxl_list_domain(ctx, &nb);
	if (!info) return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (now.tv_sec - lastt.tv_sec) * 1e9 + (now.tv_nsec - lastt.tv_nsec);
	for (i = 0; i < nb && n < max; i++) {
		libxl_dominfo *d = &info[i];
		struct guest *x = &g[n];
		const struct guest *old;
		char *name, path[160], vm[128], val[64];

		if (d->domid == 0) continue;
		/* a domain on its way out may have no name any more */
		name = libxl_domid_to_name(ctx, d->domid);
		if (!name) continue;
		memset(x, 0, sizeof *x);
		snprintf(x->name, sizeof x->name, "%s", name);
		free(name);
		x->domid = d->domid;
		x->state = d->dying ? G_DYING
		         : d->shutdown && d->shutdown_reason == LIBXL_SHUTDOWN_REASON_CRASH ? G_CRASHED
		         : d->shutdown ? G_SHUTDOWN
		         : d->paused ? G_PAUSED : G_RUNNING;
		snprintf(x->type, sizeof x->type, "%s",
		         d->domain_type == LIBXL_DOMAIN_TYPE_HVM ? "HVM"
		         : d->domain_type == LIBXL_DOMAIN_TYPE_PVH ? "PVH"
		         : d->domain_type == LIBXL_DOMAIN_TYPE_PV ? "PV" : "");
		x->vcpus = d->vcpu_online;
		x->mib = (unsigned long)((d->current_memkb + d->outstanding_memkb) / 1024);
		x->cpu_ns = d->cpu_time;
		x->cpu = -1;
		old = lastof(d->domid, x->name);
		if (old) {
			/* xentop's figure: CPU time over wall time */
			if (elapsed > 0 && x->cpu_ns >= old->cpu_ns)
				x->cpu = (x->cpu_ns - old->cpu_ns) * 100.0 / elapsed;
			x->start = old->start;
			memcpy(x->mac, old->mac, sizeof x->mac);
			memcpy(x->type, old->type, sizeof x->type);
		}
		/* Xen knows a PVH guest as an HVM one without a device model;
		 * libxl notes which it made (as libxl__domain_type reads it) */
		if (!strcmp(x->type, "HVM") && !old) {
			snprintf(path, sizeof path, "/libxl/%u/type", d->domid);
			xenread(path, val, sizeof val);
			if (!strcmp(val, "pvh")) snprintf(x->type, sizeof x->type, "PVH");
		}
		if (!x->start) {
			snprintf(path, sizeof path, "/local/domain/%u/vm", d->domid);
			xenread(path, vm, sizeof vm);
			if (vm[0]) {
				snprintf(path, sizeof path, "%s/start_time", vm);
				xenread(path, val, sizeof val);
				x->start = strtoul(val, 0, 10);
			}
		}
		x->uptime = x->start && wall >= (time_t)x->start ? (long)(wall - x->start) : -1;
		if (!x->mac[0]) {
			snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/0/mac", d->domid);
			xenread(path, x->mac, sizeof x->mac);
		}
		n++;
	}
	libxl_dominfo_list_free(info, nb);
	memcpy(last, g, n * sizeof *g);
	nlast = n;
	lastt = now;
	return n;
}
