#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snap.h"
#include "migr.h"

void migrparse(const char *text, struct migr *m)
{
	const char *p;
	char key[32];
	int n;

	memset(m, 0, sizeof *m);
	m->last = m->pause = -1;
	m->have = 1;
	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : 0) {
		if (sscanf(p, "%31[a-z_]=%n", key, &n) != 1 || p[n] == '\n' || !p[n])
			continue;
		if (!strcmp(key, "migrations"))
			m->total = strtoull(p + n, 0, 10);
		else if (!strcmp(key, "failures"))
			m->failures = strtoull(p + n, 0, 10);
		else if (!strcmp(key, "last_seconds"))
			m->last = strtod(p + n, 0);
		else if (!strcmp(key, "last_pause_seconds"))
			m->pause = strtod(p + n, 0);
	}
}

void migrread(struct snap *s, const char *path)
{
	static struct buf b;

	if (bufread(&b, path, 65536) < 0) {
		memset(&s->migr, 0, sizeof s->migr);
		s->migr.last = s->migr.pause = -1;
		return;
	}
	migrparse(b.s, &s->migr);
}
