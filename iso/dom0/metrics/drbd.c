#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "snap.h"
#include "drbd.h"

/* the n bytes at v into dst (size bytes), cut if need be */
static void copy(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size) n = size - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

/* the value of "KEY:VALUE" among the words of line (up to its end), in v */
static void field(const char *line, const char *key, char *v, size_t size)
{
	size_t k = strlen(key), n;
	const char *p = line, *end = line + strcspn(line, "\n");

	v[0] = 0;
	while (p < end) {
		p += strspn(p, " \t");
		n = strcspn(p, " \t\n");
		if (n > k && !strncmp(p, key, k) && p[k] == ':') {
			n -= k + 1;
			copy(v, size, p + k + 1, n);
			return;
		}
		p += n;
	}
}

/* "A/B" into a and b */
static void pair(const char *v, char *a, char *b, size_t size)
{
	size_t n = strcspn(v, "/");

	copy(a, size, v, n);
	v += n + !!v[n];
	copy(b, size, v, strlen(v));
}

int drbdparse(const char *proc, struct drbd *d, int max)
{
	const char *line;
	char v[64];
	int n = 0;

	for (line = proc; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : 0) {
		const char *num = line + strspn(line, " ");
		char *end;
		unsigned long minor;

		/* " 1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----" */
		if (*num < '0' || *num > '9')
			continue;
		minor = strtoul(num, &end, 10);
		if (*end != ':')
			continue;
		field(end + 1, "cs", v, sizeof v);
		if (!v[0] || !strcmp(v, "Unconfigured") || n >= max)
			continue;
		memset(&d[n], 0, sizeof d[n]);
		d[n].minor = minor;
		snprintf(d[n].name, sizeof d[n].name, "drbd%lu", minor);
		copy(d[n].cs, sizeof d[n].cs, v, strlen(v));
		field(end + 1, "ro", v, sizeof v);
		pair(v, d[n].role, d[n].peerrole, sizeof d[n].role);
		field(end + 1, "ds", v, sizeof v);
		pair(v, d[n].ds, d[n].peerds, sizeof d[n].ds);
		/* the counters are on the next line */
		if (strchr(end, '\n')) {
			field(strchr(end, '\n') + 1, "oos", v, sizeof v);
			d[n].oos_kib = strtoull(v, 0, 10);
		}
		n++;
	}
	return n;
}

void drbdname(struct drbd *d, int n, const char *res)
{
	const char *p;
	char name[64] = "";
	unsigned minor;
	int i;

	for (p = res; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : 0) {
		p += strspn(p, " \t");
		if (sscanf(p, "resource %63[A-Za-z0-9_.-]", name) == 1)
			continue;
		if (name[0] && sscanf(p, "device /dev/drbd%u", &minor) == 1)
			for (i = 0; i < n; i++)
				if (d[i].minor == minor)
					snprintf(d[i].name, sizeof d[i].name, "%s", name);
	}
}

void drbdread(struct snap *s, const char *proc, const char *dir)
{
	static struct buf b;
	struct dirent *e;
	char path[512];
	DIR *d;

	s->ndrbd = 0;
	if (bufread(&b, proc, 1 << 20) < 0)
		return;
	s->ndrbd = drbdparse(b.s, s->drbd, MAXDRBD);
	if (!s->ndrbd || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".res"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (bufread(&b, path, 1 << 20) == 0)
			drbdname(s->drbd, s->ndrbd, b.s);
	}
	closedir(d);
}
