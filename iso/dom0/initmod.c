/* initmod: the initramfs /init's module loader; see initmod.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "initlib.h"
#include "initmod.h"

/* A whole file mapped read-only; not NUL-terminated. */
struct map {
	const char *p;
	size_t n;
};

static struct {
	int debug;               /* xenlive.debug: say what is loaded */
	struct utsname uts;
	struct map dep, builtin;
	const char *done[512];   /* modules.dep lines already handled */
	size_t ndone;
} mods;

static void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt); vsay("warning: ", fmt, ap); va_end(ap);
}

static void debug(const char *fmt, ...)
{
	va_list ap;
	if (!mods.debug) return;
	va_start(ap, fmt); vsay("", fmt, ap); va_end(ap);
}

/* Maps a whole file; an empty file gives an empty map. */
static int mapfile(const char *path, struct map *m)
{
	struct stat st;
	void *p = MAP_FAILED;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	m->p = "";
	m->n = 0;
	if (fd < 0) return -1;
	if (fstat(fd, &st) < 0) st.st_size = -1;
	else if (st.st_size > 0) p = mmap(0, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (!st.st_size) return 0;
	if (p == MAP_FAILED) return -1;
	m->p = p;
	m->n = st.st_size;
	return 0;
}

static void unmap(struct map *m)
{
	if (m->n) munmap((void *)m->p, m->n);
	m->p = "";
	m->n = 0;
}

static const char *eol(const char *p, const char *end)
{
	const char *e = memchr(p, '\n', end - p);
	return e ? e : end;
}

/* Module names treat '-' and '_' as the same character. */
static int modeq(const char *a, const char *b, size_t n)
{
	for (; n; a++, b++, n--)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return 0;
	return 1;
}

/* Finds the line of a modules.dep-style file whose first path names
 * module name: "kernel/dir/name.ko" followed by ':' or the line end. */
static const char *modfind(const struct map *m, const char *name, size_t len)
{
	const char *p = m->p, *end = m->p + m->n, *e, *k, *b;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		for (k = p; k < e && *k != ':'; k++) ;
		for (b = k; b > p && b[-1] != '/'; b--) ;
		if (k - b == (ptrdiff_t)len + 3 && !memcmp(k - 3, ".ko", 3) && modeq(b, name, len))
			return p;
	}
	return 0;
}

/* Loads a module after its dependencies, each at most once. */
static void modload(const char *name, size_t len)
{
	const char *line = modfind(&mods.dep, name, len), *end, *k, *p, *t;
	char path[512];
	size_t i;
	int fd;

	if (!line) {
		if (modfind(&mods.builtin, name, len))
			debug("module %.*s is built in", (int)len, name);
		else
			warn("module %.*s not found in modules.dep", (int)len, name);
		return;
	}
	for (i = 0; i < mods.ndone; i++)
		if (mods.done[i] == line) return;
	if (mods.ndone < sizeof mods.done / sizeof *mods.done)
		mods.done[mods.ndone++] = line;

	end = eol(line, mods.dep.p + mods.dep.n);
	for (k = line; k < end && *k != ':'; k++) ;
	for (p = k + 1; p < end; p = t) {
		const char *b;
		while (p < end && *p == ' ') p++;
		for (t = p; t < end && *t != ' '; t++) ;
		for (b = t; b > p && b[-1] != '/'; b--) ;
		if (t - b > 3) modload(b, t - b - 3);
	}

	snprintf(path, sizeof path, "/lib/modules/%s/%.*s",
	         mods.uts.release, (int)(k - line), line);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0) {
		if (errno == EEXIST)
			debug("module %.*s already loaded", (int)len, name);
		else
			warn("unable to load module %s: %s", path, strerror(errno));
	} else
		debug("loaded module %.*s", (int)len, name);
	if (fd >= 0) close(fd);
}

void loadmodules(const char *listpath, int verbose)
{
	char path[256];
	struct map list;
	const char *p, *e, *w;

	mods.debug = verbose;
	uname(&mods.uts);
	if (mapfile(listpath, &list) < 0) {
		debug("no %s, loading no modules", listpath);
		return;
	}
	snprintf(path, sizeof path, "/lib/modules/%s/modules.dep", mods.uts.release);
	if (mapfile(path, &mods.dep) < 0)
		warn("unable to read %s: %s", path, strerror(errno));
	snprintf(path, sizeof path, "/lib/modules/%s/modules.builtin", mods.uts.release);
	mapfile(path, &mods.builtin);

	for (p = list.p; p < list.p + list.n; p = e + 1) {
		e = eol(p, list.p + list.n);
		while (p < e && (*p == ' ' || *p == '\t')) p++;
		for (w = p; w < e && *w != ' ' && *w != '\t' && *w != '#'; w++) ;
		if (w > p) modload(p, w - p);
	}
	unmap(&list);
	unmap(&mods.dep);
	unmap(&mods.builtin);
}
