/* A stand-in for iso/dom0/metrics/xen.c on a host without Xen: the host
 * and domains come from the file $XENLIVE_FAKE_XEN, read at each scrape:
 *   host TOTAL_BYTES FREE_BYTES CPUS VERSION
 *   dom NAME CPU_NS MEM MAXMEM VCPUS RXB RXP TXB TXP RDREQ WRREQ RDSECT WRSECT STATE
 * STATE being the bits of snap.h's DS_*. A missing file fails the scrape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "util.h"
#include "snap.h"

int snapopen(char *err, size_t size)
{
	if (!getenv("XENLIVE_FAKE_XEN")) {
		snprintf(err, size, "XENLIVE_FAKE_XEN is not set");
		return -1;
	}
	return 0;
}

int snapxen(struct snap *s, char *err, size_t size)
{
	const char *path = getenv("XENLIVE_FAKE_XEN");
	char line[1024];
	FILE *f = fopen(path, "r");
	int cap = 0;

	if (!f) {
		snprintf(err, size, "unable to read %s: %s", path, strerror(errno));
		return -1;
	}
	s->ndoms = 0;
	while (fgets(line, sizeof line, f)) {
		struct dom d;

		memset(&d, 0, sizeof d);
		if (sscanf(line, "host %llu %llu %u %63s", &s->memtotal, &s->memfree,
			&s->cpus, s->version) == 4)
			continue;
		if (sscanf(line, "dom %63s %llu %llu %llu %u %llu %llu %llu %llu %llu %llu %llu %llu %u",
			d.name, &d.cpu_ns, &d.mem, &d.maxmem, &d.vcpus, &d.rxbytes, &d.rxpkts,
			&d.txbytes, &d.txpkts, &d.rdreqs, &d.wrreqs, &d.rdsects, &d.wrsects,
			&d.state) != 14)
			continue;
		if (s->ndoms == cap || !s->doms) {
			cap = cap ? cap * 2 : 64;
			s->doms = xrealloc(s->doms, cap * sizeof *s->doms);
		}
		d.id = s->ndoms;
		s->doms[s->ndoms++] = d;
	}
	fclose(f);
	return 0;
}
