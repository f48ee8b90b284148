#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
#include "hash.h"
#include "graph.h"
#include "profile.h"
#include "run.h"
#include "fetch.h"

static char *dl;

void cacheinit(void)
{
	const char *e = getenv("XENLIVE_CACHE");
	char cwd[4096], *base;

	if (e && *e)
		base = xstrdup(e);
	else if ((e = getenv("XDG_CACHE_HOME")) && *e)
		base = xasprintf("%s/xenlive", e);
	else if ((e = getenv("HOME")) && *e)
		base = xasprintf("%s/.cache/xenlive", e);
	else
		fatal(EXITUSAGE, "set XENLIVE_CACHE or HOME: there is nowhere to keep downloads");
	if (*base != '/') {
		if (!getcwd(cwd, sizeof cwd))
			sysfatal("unable to get the current folder");
		base = xasprintf("%s/%s", cwd, base);
	}
	if (setenv("XENLIVE_CACHE", base, 1) < 0)  /* the same cache for the fetcher */
		sysfatal("unable to set XENLIVE_CACHE");
	dl = xasprintf("%s/dl", base);
}

const char *dldir(void)
{
	if (mkdirp(dl) < 0)
		sysfatal("unable to create the download cache %s", dl);
	return dl;
}

/* a new empty folder in the download cache for the fetcher to fill */
static char *tmpdir(const char *pin)
{
	char *t = xasprintf("%s/.tmp-%s.XXXXXX", dldir(), pin);

	if (!mkdtemp(t))
		sysfatal("unable to create a folder in %s", dl);
	return t;
}

/* leaves the builder, removing TMP, if the fetcher was interrupted */
static void stopped(const char *tmp)
{
	if (runsignal()) {
		rmrf(tmp);
		exit(128 + runsignal());
	}
}

void fetchpin(const struct graph *g, const struct lockpin *l)
{
	const char *d = dldir();
	size_t i, bad = 0, have = 0;
	char hex[65], *tmp;
	struct stat st;
	int rc;

	for (i = 0; i < l->nfiles; i++) {
		char *p = xasprintf("%s/%s", d, l->files[i].name);
		if (stat(p, &st) == 0 && (unsigned long long)st.st_size == l->files[i].size &&
		    hashfile(p, hex) == 0 && !strcmp(hex, l->files[i].sha))
			have++;
		else if (unlink(p) == 0)
			warn("%s does not match the lock file %s: removed it", p, g->lockfile);
		free(p);
	}
	if (have == l->nfiles)
		return;
	tmp = tmpdir(l->name);
	char *argv[] = {g->fetcher, "get", l->kind, l->package, l->version, tmp, NULL};
	printf("fetch %s: %s %s\n", l->name, l->package, l->version);
	fflush(stdout);
	rc = runcapture(argv, NULL);
	stopped(tmp);
	if (rc == 3) {
		rmrf(tmp);
		fatal(EXITUSAGE, "pinned %s %s is no longer served by the archive (pin %s of %s; the fetcher says "
		      "above where it looked); refresh the lock with `make lock`, or build from a sources "
		      "bundle (`make sources` on a machine that has it; XENLIVE_CACHE=BUNDLE)",
		      l->package, l->version, l->name, g->lockfile);
	}
	if (rc) {
		rmrf(tmp);
		fatal(EXITSYS, "the fetcher %s failed for pin %s (%s %s): exit %d", g->fetcher, l->name,
		      l->package, l->version, rc);
	}
	for (i = 0; i < l->nfiles; i++) {
		const struct pinfile *f = &l->files[i];
		char *src = xasprintf("%s/%s", tmp, f->name);
		char *dst = xasprintf("%s/%s", d, f->name);

		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
			warn("the fetcher did not download %s for pin %s", f->name, l->name);
			bad++;
		} else if ((unsigned long long)st.st_size != f->size) {
			unlink(src);
			warn("refusing %s for pin %s: %lld bytes, the lock says %llu; removed it",
			     f->name, l->name, (long long)st.st_size, f->size);
			bad++;
		} else if (hashfile(src, hex) < 0) {
			syswarn("unable to read %s", src);
			bad++;
		} else if (strcmp(hex, f->sha)) {
			unlink(src);
			warn("refusing %s for pin %s: sha256 %s, the lock says %s; removed it",
			     f->name, l->name, hex, f->sha);
			bad++;
		} else if (rename(src, dst) < 0) {
			sysfatal("unable to move %s to %s", src, dst);
		} else {
			memoput(dst, hex);
		}
		free(src);
		free(dst);
	}
	rmrf(tmp);
	free(tmp);
	if (bad)
		fatal(EXITSYS, "pin %s: %zu downloaded file(s) did not match the lock file %s", l->name, bad, g->lockfile);
}

static int namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int lockcmp(const void *a, const void *b)
{
	return strcmp(((const struct lockpin *)a)->name, ((const struct lockpin *)b)->name);
}

/* fills L from the fetcher's answer in OUT and the files it left in TMP */
static void resolved(struct lockpin *l, const char *out, const char *tmp)
{
	char *line = xstrdup(out), *w[3], *save = NULL, **names = NULL, hex[65];
	size_t i, n = 0;
	DIR *d;
	struct dirent *e;
	struct stat st;

	line[strcspn(line, "\n")] = '\0';
	w[0] = strtok_r(line, " \t", &save);
	w[1] = w[0] ? strtok_r(NULL, " \t", &save) : NULL;
	w[2] = w[1] ? strtok_r(NULL, " \t", &save) : NULL;
	if (!w[1] || w[2])
		fatal(EXITSYS, "the fetcher answered \"%s\" for pin %s; expected one line PACKAGE VERSION", line, l->name);
	l->package = w[0], l->version = w[1];
	if (!(d = opendir(tmp)))
		sysfatal("unable to open %s", tmp);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, namecmp);
	for (i = 0; i < n; i++) {
		char *src = xasprintf("%s/%s", tmp, names[i]);
		char *dst = xasprintf("%s/%s", dl, names[i]);
		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (hashfile(src, hex) < 0)
			sysfatal("unable to read %s", src);
		if (rename(src, dst) < 0)
			sysfatal("unable to move %s to %s", src, dst);
		memoput(dst, hex);
		l->files = xreallocarray(l->files, l->nfiles + 1, sizeof *l->files);
		l->files[l->nfiles] = (struct pinfile){names[i], (unsigned long long)st.st_size, ""};
		memcpy(l->files[l->nfiles++].sha, hex, 65);
	}
	if (!l->nfiles)
		fatal(EXITSYS, "the fetcher downloaded no file for pin %s (%s %s)", l->name, l->kind, l->pattern);
}

void fetchlock(const struct graph *g)
{
	struct lockpin *pins = NULL;
	size_t n = 0, i, j, k;

	for (i = 0; i < g->nsteps; i++)
		for (j = 0; j < g->steps[i]->npins; j++) {
			const struct pin *p = &g->steps[i]->pins[j];
			for (k = 0; k < n && strcmp(pins[k].name, p->name); k++)
				;
			if (k < n)
				continue;
			pins = xreallocarray(pins, n + 1, sizeof *pins);
			pins[n++] = (struct lockpin){p->name, p->kind, p->pattern, NULL, NULL, NULL, 0, 0};
		}
	if (n)
		qsort(pins, n, sizeof *pins, lockcmp);
	for (i = 0; i < n; i++) {
		struct lockpin *l = &pins[i];
		char *tmp = tmpdir(l->name);
		char *argv[] = {g->fetcher, "resolve", l->kind, l->pattern, tmp, NULL};
		struct buf out = {0};
		int rc;

		printf("resolve %s: %s %s\n", l->name, l->kind, l->pattern);
		fflush(stdout);
		rc = runcapture(argv, &out);
		stopped(tmp);
		if (rc) {
			rmrf(tmp);
			fatal(EXITSYS, "the fetcher %s could not resolve pin %s (%s %s): exit %d", g->fetcher,
			      l->name, l->kind, l->pattern, rc);
		}
		resolved(l, out.s, tmp);
		rmrf(tmp);
		free(tmp);
		free(out.s);
		printf("pin %s: %s %s\n", l->name, l->package, l->version);
	}
	lockwrite(g->lockfile, pins, n);
	printf("wrote %s\n", g->lockfile);
}

/* hard links (or copies) the files of pin L, fetched, into folder DIR */
static void pinexport(const struct lockpin *l, const char *dir)
{
	size_t i;

	for (i = 0; i < l->nfiles; i++) {
		char *src = xasprintf("%s/%s", dl, l->files[i].name);
		char *dst = xasprintf("%s/%s", dir, l->files[i].name);
		if (unlink(dst) < 0 && errno != ENOENT)
			sysfatal("unable to replace %s", dst);
		if (link(src, dst) < 0 && copyfile(src, dst, 0644) < 0)
			sysfatal("unable to copy %s to %s", src, dst);
		free(src);
		free(dst);
	}
}

void fetchall(const struct graph *g, const char *dir)
{
	const struct lockpin **done = NULL;
	char *into = dir ? xasprintf("%s/dl", dir) : NULL, *lock;
	const char *base = strrchr(g->lockfile, '/');
	size_t k, j, d, n = 0;

	if (into && mkdirp(into) < 0)
		sysfatal("unable to create %s", into);
	for (k = 0; k < g->nsteps; k++)
		for (j = 0; j < g->steps[k]->npins; j++) {
			const struct lockpin *l = g->steps[k]->pins[j].lock;
			for (d = 0; d < n && done[d] != l; d++)
				;
			if (d < n)
				continue;  /* a pin several steps share */
			done = xreallocarray(done, n + 1, sizeof *done);
			done[n++] = l;
			fetchpin(g, l);
			if (into)
				pinexport(l, into);
		}
	printf("%zu pin(s) checked in %s\n", n, dldir());
	if (into) {
		lock = xasprintf("%s/%s", dir, base ? base + 1 : g->lockfile);
		if (copyfile(g->lockfile, lock, 0644) < 0)
			sysfatal("unable to copy %s to %s", g->lockfile, lock);
		printf("copied them to %s, the lock file to %s\n", into, lock);
		free(lock);
		free(into);
	}
	free(done);
}

void pinlinks(const struct step *s, const char *work)
{
	size_t i, j;

	for (i = 0; i < s->npins; i++) {
		const struct lockpin *l = s->pins[i].lock;
		char *dir = xasprintf("%s/pins/%s", work, s->pins[i].name);
		if (mkdirp(dir) < 0)
			sysfatal("unable to create %s", dir);
		for (j = 0; j < l->nfiles; j++) {
			char *target = xasprintf("%s/%s", dl, l->files[j].name);
			char *link = xasprintf("%s/%s", dir, l->files[j].name);
			if (symlink(target, link) < 0)
				sysfatal("unable to link %s to %s", link, target);
			free(target);
			free(link);
		}
		free(dir);
	}
}
