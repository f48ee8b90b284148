#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snap.h"
#include "netdev.h"

int netdevnode(const char *iface)
{
	char path[128], text[64];
	unsigned domid, netid;
	FILE *f;
	int ok;

	if (strchr(iface, '/'))
		return -1;
	snprintf(path, sizeof path, "/sys/class/net/%s/device/nodename", iface);
	if (!(f = fopen(path, "r")))
		return -1;
	ok = fgets(text, sizeof text, f) && sscanf(text, "backend/vif/%u/%u", &domid, &netid) == 2;
	fclose(f);
	return ok ? (int)domid : -1;
}

static struct dom *domof(struct snap *s, int id)
{
	int i;

	for (i = 0; i < s->ndoms; i++)
		if (s->doms[i].id == id)
			return &s->doms[i];
	return 0;
}

int netdevparse(struct snap *s, const char *text, int (*node)(const char *iface))
{
	const char *p, *colon;
	int n = 0;

	/* two header lines, then "  NAME: rx bytes packets errs drop fifo
	 * frame compressed multicast, tx bytes packets ..." */
	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : 0) {
		char iface[32];
		unsigned long long v[10];
		unsigned domid, netid;
		struct dom *d;
		size_t len;
		int id;

		colon = strchr(p, ':');
		if (!colon || (strchr(p, '\n') && colon > strchr(p, '\n')))
			continue;
		while (*p == ' ')
			p++;
		len = colon - p;
		if (!len || len >= sizeof iface)
			continue;
		memcpy(iface, p, len);
		iface[len] = 0;
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) != 10)
			continue;
		/* the name first: a sysfs file less to read for each of
		 * the usual vifD.N (libxenstat reads nodename first) */
		if (sscanf(iface, "vif%u.%u", &domid, &netid) == 2)
			id = (int)domid;
		else
			id = node ? node(iface) : -1;
		if (id < 0 || !(d = domof(s, id)))
			continue;
		d->rxbytes += v[0];
		d->rxpkts += v[1];
		d->txbytes += v[8];
		d->txpkts += v[9];
		n++;
	}
	return n;
}

void netdevread(struct snap *s, const char *path)
{
	static struct buf b;

	if (bufread(&b, path, 1 << 22) == 0)
		netdevparse(s, b.s, netdevnode);
}
