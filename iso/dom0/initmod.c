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
#include <sys/wait.h>
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

/* Loads the modules named by the lines of [p, end), in order. */
static void loadlines(const char *p, const char *end)
{
	const char *e, *w;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		while (p < e && (*p == ' ' || *p == '\t')) p++;
		for (w = p; w < e && *w != ' ' && *w != '\t' && *w != '#'; w++) ;
		if (w > p) modload(p, w - p);
	}
}

/* Most of a module's load time is the kernel's work (copying, checking
 * and linking it, then its init probing devices: ATA ports, CD drives),
 * so the list's groups (separated by blank lines) are loaded side by side,
 * by one process per CPU, each taking every k-th group in order: under
 * emulation that takes a second off the boot. A dependency two groups
 * share is loaded once: the kernel has the second loader wait for the
 * first and answers EEXIST. The order inside a group is kept (ehci before
 * ohci and uhci); list in one group what must load in order. */
void loadmodules(const char *listpath, int verbose)
{
	enum { MAXGROUPS = 64, MAXLOADERS = 4 };
	const char *group[MAXGROUPS + 1];
	char path[256];
	struct map list;
	const char *p, *e, *end;
	pid_t pid[MAXLOADERS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int ngroups = 0, k, i, j, st, blank = 1;

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

	/* group[i]: where group i starts; the last group takes the rest */
	end = list.p + list.n;
	for (p = list.p; p < end; p = e + 1) {
		e = eol(p, end);
		for (j = 0; p + j < e && (p[j] == ' ' || p[j] == '\t'); j++) ;
		if (p + j == e)
			blank = 1;
		else if (blank && ngroups < MAXGROUPS) {
			group[ngroups++] = p;
			blank = 0;
		}
	}
	group[ngroups] = end;

	k = cpus < 1 ? 1 : cpus > MAXLOADERS ? MAXLOADERS : (int)cpus;
	if (k > ngroups) k = ngroups ? ngroups : 1;
	/* loader i takes groups i, i + k, ...; this process is loader 0 and
	 * does the share of a loader it could not start */
	pid[0] = 0;
	for (i = 1; i < k; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			warn("unable to start a module loader: %s", strerror(errno));
		else if (pid[i] == 0) {
			for (j = i; j < ngroups; j += k)
				loadlines(group[j], group[j + 1]);
			_exit(0);
		}
	}
	for (i = 0; i < k; i++)
		if (pid[i] <= 0)
			for (j = i; j < ngroups; j += k)
				loadlines(group[j], group[j + 1]);
	for (i = 1; i < k; i++)
		if (pid[i] > 0)
			while (waitpid(pid[i], &st, 0) < 0 && errno == EINTR) ;
	debug("modules of %s loaded by %d processes", listpath, k);
	unmap(&list);
	unmap(&mods.dep);
	unmap(&mods.builtin);
}
