/* Names follow Prometheus' conventions: base units in the name (seconds,
 * bytes), counters end in _total, a state is a label of a series whose
 * value is 1 (xen_domain_state has one series per state, 0 or 1, so that
 * a query never sees a state vanish). Every family's samples are printed
 * together, after its HELP and TYPE. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "snap.h"
#include "expo.h"

enum { V_INT, V_NS, V_SECT };

static const struct {
	const char *name, *type, *help;
	size_t off;
	int kind;
} domfam[] = {
	{"xen_domain_cpu_seconds_total", "counter",
	 "CPU time used by the domain's vCPUs (xl list Time(s)).",
	 offsetof(struct dom, cpu_ns), V_NS},
	{"xen_domain_vcpus", "gauge",
	 "Online vCPUs of the domain (xl list VCPUs).",
	 offsetof(struct dom, vcpus), V_INT},
	{"xen_domain_memory_bytes", "gauge",
	 "Memory the domain has now (xl list Mem, xentop MEM(k)).",
	 offsetof(struct dom, mem), V_INT},
	{"xen_domain_memory_max_bytes", "gauge",
	 "Most memory the domain may have (xentop MAXMEM(k)); absent when unlimited.",
	 offsetof(struct dom, maxmem), V_INT},
	{"xen_domain_network_receive_bytes_total", "counter",
	 "Bytes received by dom0 on the domain's backend interfaces vifD.N, i.e. sent by the domain (xentop NETRX).",
	 offsetof(struct dom, rxbytes), V_INT},
	{"xen_domain_network_receive_packets_total", "counter",
	 "Packets received by dom0 on the domain's backend interfaces, i.e. sent by the domain.",
	 offsetof(struct dom, rxpkts), V_INT},
	{"xen_domain_network_transmit_bytes_total", "counter",
	 "Bytes sent by dom0 on the domain's backend interfaces vifD.N, i.e. received by the domain (xentop NETTX).",
	 offsetof(struct dom, txbytes), V_INT},
	{"xen_domain_network_transmit_packets_total", "counter",
	 "Packets sent by dom0 on the domain's backend interfaces, i.e. received by the domain.",
	 offsetof(struct dom, txpkts), V_INT},
	{"xen_domain_block_read_requests_total", "counter",
	 "Read requests of the domain's virtual block devices (xentop VBD_RD).",
	 offsetof(struct dom, rdreqs), V_INT},
	{"xen_domain_block_write_requests_total", "counter",
	 "Write requests of the domain's virtual block devices (xentop VBD_WR).",
	 offsetof(struct dom, wrreqs), V_INT},
	{"xen_domain_block_read_bytes_total", "counter",
	 "Bytes read by the domain's virtual block devices (xentop VBD_RSECT times 512).",
	 offsetof(struct dom, rdsects), V_SECT},
	{"xen_domain_block_write_bytes_total", "counter",
	 "Bytes written by the domain's virtual block devices (xentop VBD_WSECT times 512).",
	 offsetof(struct dom, wrsects), V_SECT},
};

static const struct {
	unsigned bit;
	const char *name;
} states[] = {
	{DS_RUNNING, "running"}, {DS_BLOCKED, "blocked"}, {DS_PAUSED, "paused"},
	{DS_SHUTDOWN, "shutdown"}, {DS_CRASHED, "crashed"}, {DS_DYING, "dying"},
};

/* a label value: \, " and newline escaped */
static void label(struct buf *b, const char *v)
{
	for (; *v; v++) {
		switch (*v) {
		case '\\': bufput(b, "\\\\", 2); break;
		case '"': bufput(b, "\\\"", 2); break;
		case '\n': bufput(b, "\\n", 2); break;
		default: bufput(b, v, 1);
		}
	}
}

static void family(struct buf *b, const char *name, const char *type, const char *help)
{
	bufprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* NAME{KEY="VALUE" (escaped) and, when key2, KEY2="VALUE2"} then the
 * caller's value */
static void sample(struct buf *b, const char *name, const char *key, const char *val,
	const char *key2, const char *val2)
{
	bufprintf(b, "%s{%s=\"", name, key);
	label(b, val);
	if (key2) {
		bufprintf(b, "\",%s=\"", key2);
		label(b, val2);
	}
	bufput(b, "\"} ", 3);
}

static void domains(struct buf *b, const struct snap *s)
{
	size_t f, k;
	int i;

	for (f = 0; f < sizeof domfam / sizeof *domfam; f++) {
		family(b, domfam[f].name, domfam[f].type, domfam[f].help);
		for (i = 0; i < s->ndoms; i++) {
			const struct dom *d = &s->doms[i];
			const char *p = (const char *)d + domfam[f].off;
			unsigned long long v = domfam[f].off == offsetof(struct dom, vcpus)
				? *(const unsigned *)p : *(const unsigned long long *)p;

			if (domfam[f].off == offsetof(struct dom, maxmem) && !v)
				continue;
			sample(b, domfam[f].name, "domain", d->name, 0, 0);
			switch (domfam[f].kind) {
			case V_NS: bufprintf(b, "%llu.%09llu\n", v / 1000000000, v % 1000000000); break;
			case V_SECT: bufprintf(b, "%llu\n", v * 512); break;
			default: bufprintf(b, "%llu\n", v);
			}
		}
	}
	family(b, "xen_domain_state", "gauge",
		"1 for each state the domain is in, as the letters of xl list: running, blocked, paused, shutdown, crashed, dying.");
	for (i = 0; i < s->ndoms; i++)
		for (k = 0; k < sizeof states / sizeof *states; k++) {
			sample(b, "xen_domain_state", "domain", s->doms[i].name, "state", states[k].name);
			bufprintf(b, "%d\n", !!(s->doms[i].state & states[k].bit));
		}
}

/* a DRBD family whose samples name the resource and, with key, one of its
 * states (the value is then 1) */
static void drbdfam(struct buf *b, const struct snap *s, const char *name,
	const char *help, const char *key, size_t off)
{
	int i;

	family(b, name, "gauge", help);
	for (i = 0; i < s->ndrbd; i++) {
		sample(b, name, "resource", s->drbd[i].name, key, (const char *)&s->drbd[i] + off);
		bufput(b, "1\n", 2);
	}
}

static void drbd(struct buf *b, const struct snap *s)
{
	int i;

	if (!s->ndrbd)
		return;
	drbdfam(b, s, "xenlive_drbd_connection_state",
		"DRBD resource's connection state (drbdadm cstate), as a label.",
		"state", offsetof(struct drbd, cs));
	drbdfam(b, s, "xenlive_drbd_role",
		"DRBD resource's role on this node (drbdadm role), as a label.",
		"role", offsetof(struct drbd, role));
	drbdfam(b, s, "xenlive_drbd_peer_role",
		"DRBD resource's role on its peer, as a label.",
		"role", offsetof(struct drbd, peerrole));
	drbdfam(b, s, "xenlive_drbd_disk_state",
		"DRBD resource's disk state on this node (drbdadm dstate), as a label.",
		"state", offsetof(struct drbd, ds));
	drbdfam(b, s, "xenlive_drbd_peer_disk_state",
		"DRBD resource's disk state on its peer, as a label.",
		"state", offsetof(struct drbd, peerds));
	family(b, "xenlive_drbd_in_sync", "gauge",
		"1 when the DRBD resource is Connected and UpToDate on both sides, else 0.");
	for (i = 0; i < s->ndrbd; i++) {
		const struct drbd *r = &s->drbd[i];

		sample(b, "xenlive_drbd_in_sync", "resource", r->name, 0, 0);
		bufprintf(b, "%d\n", !strcmp(r->cs, "Connected") &&
			!strcmp(r->ds, "UpToDate") && !strcmp(r->peerds, "UpToDate"));
	}
	family(b, "xenlive_drbd_out_of_sync_bytes", "gauge",
		"Data of the DRBD resource not in sync with its peer (/proc/drbd oos).");
	for (i = 0; i < s->ndrbd; i++) {
		sample(b, "xenlive_drbd_out_of_sync_bytes", "resource", s->drbd[i].name, 0, 0);
		bufprintf(b, "%llu\n", s->drbd[i].oos_kib * 1024);
	}
}

static void migrations(struct buf *b, const struct migr *m)
{
	family(b, "xenlive_lab_migrations_total", "counter",
		"Live migrations this node started (xenlive-lab migrate), since boot.");
	bufprintf(b, "xenlive_lab_migrations_total %llu\n", m->total);
	family(b, "xenlive_lab_migration_failures_total", "counter",
		"Live migrations this node started that failed, since boot.");
	bufprintf(b, "xenlive_lab_migration_failures_total %llu\n", m->failures);
	if (m->last >= 0) {
		family(b, "xenlive_lab_migration_last_seconds", "gauge",
			"How long the last successful migration took in all.");
		bufprintf(b, "xenlive_lab_migration_last_seconds %.3f\n", m->last);
	}
	if (m->pause >= 0) {
		family(b, "xenlive_lab_migration_last_pause_seconds", "gauge",
			"How long the guest of the last successful migration was paused: from its suspend here to its start on the target, as xl reported them.");
		bufprintf(b, "xenlive_lab_migration_last_pause_seconds %.3f\n", m->pause);
	}
}

void expofmt(struct buf *b, const struct snap *s)
{
	family(b, "xen_info", "gauge", "Xen's version, as a label; the value is 1.");
	bufput(b, "xen_info{version=\"", 18);
	label(b, s->version);
	bufput(b, "\"} 1\n", 5);
	family(b, "xen_host_cpus", "gauge", "Physical CPUs Xen runs on (xl info nr_cpus).");
	bufprintf(b, "xen_host_cpus %u\n", s->cpus);
	family(b, "xen_host_memory_total_bytes", "gauge", "Memory of the host (xl info total_memory).");
	bufprintf(b, "xen_host_memory_total_bytes %llu\n", s->memtotal);
	family(b, "xen_host_memory_free_bytes", "gauge",
		"Memory of the host no domain has (xl info free_memory).");
	bufprintf(b, "xen_host_memory_free_bytes %llu\n", s->memfree);
	domains(b, s);
	drbd(b, s);
	migrations(b, &s->migr);
	family(b, "xenlive_metrics_scrape_duration_seconds", "gauge",
		"How long gathering these metrics took.");
	bufprintf(b, "xenlive_metrics_scrape_duration_seconds %.6f\n", s->seconds);
}
