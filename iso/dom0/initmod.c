/* initmod: the initramfs /init's module loader; see initmod.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A device alias of a candidate module (see coldplug): its pattern, how
 * many of its first characters are plain ones, and the module. */
struct devalias {
	char *pat;
	size_t lit;
	size_t cand;             /* index into mods.cand */
};

static struct {
	int debug;               /* xenlive.debug: say what is loaded */
	int ready;               /* the maps below are read */
	struct utsname uts;
	struct map dep, builtin, softdep, alias;
	const char *done[512];   /* modules.dep lines already handled */
	size_t ndone;
	/* coldplug: the modules of the lists loaded so far and what they
	 * need (modules.dep lines, in list order), their device aliases, and
	 * the devices (hashes of bus/name) already matched against them */
	const char *cand[512];
	unsigned char hasdev[512];
	size_t ncand;
	struct devalias *al;
	size_t nal;
	const char *lastmod;     /* keepalias's last lookup, for one pass */
	size_t lastlen, lastcand;
	unsigned long long seen[2048];
	size_t nseen;
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

/* The module name of a modules.dep line: its first path's base name
 * without ".ko". */
static size_t modname(const char *line, const char **name)
{
	const char *end = eol(line, mods.dep.p + mods.dep.n), *k, *b;

	for (k = line; k < end && *k != ':'; k++) ;
	for (b = k; b > line && b[-1] != '/'; b--) ;
	*name = b;
	return k - b > 3 ? (size_t)(k - b - 3) : 0;
}

/* Whether the kernel has the module already (from a loader process of
 * ours, or the kernel's own modprobe): loading it again would cost a copy
 * and a signature check of the file before the kernel says EEXIST. */
static int inkernel(const char *name, size_t len)
{
	char path[128];
	size_t i, n = snprintf(path, sizeof path, "/sys/module/");
	struct stat st;

	for (i = 0; i < len && n + 1 < sizeof path; i++)
		path[n++] = name[i] == '-' ? '_' : name[i];
	path[n] = 0;
	return stat(path, &st) == 0;
}

/* Calls fn for each module named after "pre:" in the modules.softdep line
 * of module name ("softdep NAME pre: A B post: C"): what modprobe loads
 * before it (r8169 wants its PHY driver realtek; ohci wants ehci first).
 * Names that are aliases (crypto-crc32c) are left to the kernel's own
 * request through /sbin/modprobe. */
static void softpre(const char *name, size_t len, void (*fn)(const char *, size_t))
{
	const char *p = mods.softdep.p, *end = p + mods.softdep.n, *e, *w, *t;
	int pre;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		if (e - p < 9 || memcmp(p, "softdep ", 8)) continue;
		for (w = p + 8, t = w; t < e && *t != ' '; t++) ;
		if ((size_t)(t - w) != len || !modeq(w, name, len)) continue;
		for (pre = 0, w = t; w < e; w = t) {
			while (w < e && *w == ' ') w++;
			for (t = w; t < e && *t != ' '; t++) ;
			if (t - w == 4 && !memcmp(w, "pre:", 4)) pre = 1;
			else if (t - w == 5 && !memcmp(w, "post:", 5)) pre = 0;
			else if (pre && t > w && modfind(&mods.dep, w, t - w)) fn(w, t - w);
		}
	}
}

/* Whether modload took the modules.dep line already. */
static int isdone(const char *line)
{
	size_t i;

	for (i = 0; i < mods.ndone; i++)
		if (mods.done[i] == line) return 1;
	return 0;
}

/* Calls fn(name, length) for each module a modules.dep line's module
 * needs ("kernel/a.ko: kernel/b.ko kernel/c.ko"), in the line's order. */
static void eachdep(const char *line, void (*fn)(const char *, size_t))
{
	const char *end = eol(line, mods.dep.p + mods.dep.n), *p, *t, *b;

	p = memchr(line, ':', end - line);
	for (p = p ? p + 1 : end; p < end; p = t) {
		while (p < end && *p == ' ') p++;
		for (t = p; t < end && *t != ' '; t++) ;
		for (b = t; b > p && b[-1] != '/'; b--) ;
		if (t - b > 3) fn(b, t - b - 3);
	}
}

/* Loads a module after its soft and hard dependencies, each at most once. */
static void modload(const char *name, size_t len)
{
	const char *line = modfind(&mods.dep, name, len), *end, *k;
	char path[512];
	int fd;

	if (!line) {
		if (modfind(&mods.builtin, name, len))
			debug("module %.*s is built in", (int)len, name);
		else
			warn("module %.*s not found in modules.dep", (int)len, name);
		return;
	}
	if (isdone(line)) return;
	if (mods.ndone < sizeof mods.done / sizeof *mods.done)
		mods.done[mods.ndone++] = line;
	if (inkernel(name, len)) {
		debug("module %.*s already loaded", (int)len, name);
		return;
	}

	softpre(name, len, modload);
	eachdep(line, modload);
	end = eol(line, mods.dep.p + mods.dep.n);
	for (k = line; k < end && *k != ':'; k++) ;
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

/* Whether an alias pattern names a device, as the kernel writes a
 * device's modalias ("pci:v00008086d...", "usb:...", "acpi*:...",
 * "scsi:t-0x05"), not a file system, a device node or an algorithm
 * ("fs-isofs", "devname:loop-control", "block-major-7-*", "crc32c"). */
static int isdevalias(const char *pat, size_t n)
{
	size_t i;

	for (i = 0; i < n && pat[i] != ':'; i++)
		if (!((pat[i] >= 'a' && pat[i] <= 'z') || (pat[i] >= '0' && pat[i] <= '9') ||
		      pat[i] == '_' || pat[i] == '*'))
			return 0;
	return i > 0 && i < n && !(i == 7 && !memcmp(pat, "devname", 7));
}

/* Calls fn(pattern, length, module, length) for each device alias of
 * modules.alias ("alias PATTERN MODULE"). */
static void eachdevalias(void (*fn)(const char *, size_t, const char *, size_t))
{
	const char *p = mods.alias.p, *end = p + mods.alias.n, *e, *w, *t;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		if (e - p < 6 || memcmp(p, "alias ", 6)) continue;
		for (w = p + 6, t = w; t < e && *t != ' '; t++) ;
		if (t >= e || !isdevalias(w, t - w)) continue;
		fn(w, t - w, t + 1, e - t - 1);
	}
}

/* The index of a modules.dep line among the coldplug candidates, or
 * mods.ncand if it is none. */
static size_t candindex(const char *line)
{
	size_t i;

	for (i = 0; i < mods.ncand && mods.cand[i] != line; i++) ;
	return i;
}

/* Whether the modules.dep line is a coldplug candidate with a device
 * alias, that is a driver that waits for its device. */
static int fordevice(const char *line)
{
	size_t i = candindex(line);

	return i < mods.ncand && mods.hasdev[i];
}

/* Adds a module and what it needs (soft, then hard dependencies) to the
 * coldplug candidates. */
static void addcand(const char *name, size_t len)
{
	const char *line = modfind(&mods.dep, name, len);

	if (!line || candindex(line) < mods.ncand ||
	    mods.ncand == sizeof mods.cand / sizeof *mods.cand)
		return;
	mods.hasdev[mods.ncand] = 0;
	mods.cand[mods.ncand++] = line;
	softpre(name, len, addcand);
	eachdep(line, addcand);
}

/* Keeps a device alias of a candidate for coldplug. */
static size_t alcap;
static void keepalias(const char *pat, size_t n, const char *mod, size_t len)
{
	const char *name;
	size_t i, l;
	struct devalias *a;

	/* a module's aliases come one after the other: the last module
	 * looked up (reset for each pass) is likely the one */
	if (mods.lastmod && mods.lastlen == len && !memcmp(mods.lastmod, mod, len))
		i = mods.lastcand;
	else {
		for (i = 0; i < mods.ncand; i++) {
			l = modname(mods.cand[i], &name);
			if (l == len && modeq(name, mod, len)) break;
		}
		mods.lastmod = mod;
		mods.lastlen = len;
		mods.lastcand = i;
	}
	if (i >= mods.ncand) return;
	if (mods.nal == alcap) {
		a = realloc(mods.al, (alcap ? alcap * 2 : 256) * sizeof *a);
		if (!a) return;
		mods.al = a;
		alcap = alcap ? alcap * 2 : 256;
	}
	a = &mods.al[mods.nal];
	if (!(a->pat = strndup(pat, n))) return;
	a->lit = strcspn(a->pat, "*?[");
	a->cand = i;
	mods.hasdev[i] = 1;
	mods.nal++;
}

/* Loads the modules named by the lines of [p, end), in order, but not
 * those that wait for their device. */
static void loadlines(const char *p, const char *end)
{
	const char *e, *w;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		while (p < e && (*p == ' ' || *p == '\t')) p++;
		for (w = p; w < e && *w != ' ' && *w != '\t' && *w != '#'; w++) ;
		if (w == p) continue;
		if (fordevice(modfind(&mods.dep, p, w - p)))
			debug("module %.*s waits for its device", (int)(w - p), p);
		else
			modload(p, w - p);
	}
}

/* Reads modules.dep, .builtin, .softdep and .alias once. */
static void readmaps(void)
{
	char path[256];
	static const struct { const char *file; struct map *m; int need; } maps[] = {
		{ "modules.dep", &mods.dep, 1 },
		{ "modules.builtin", &mods.builtin, 0 },
		{ "modules.softdep", &mods.softdep, 0 },
		{ "modules.alias", &mods.alias, 0 },
	};
	size_t i;

	if (mods.ready) return;
	mods.ready = 1;
	uname(&mods.uts);
	for (i = 0; i < sizeof maps / sizeof *maps; i++) {
		snprintf(path, sizeof path, "/lib/modules/%s/%s", mods.uts.release, maps[i].file);
		if (mapfile(path, maps[i].m) < 0 && maps[i].need)
			warn("unable to read %s: %s", path, strerror(errno));
	}
}

/* Most of a module's load time is the kernel's work (copying, checking
 * and linking it, then its init probing devices: ATA ports, CD drives),
 * so the list's groups (separated by blank lines) are loaded side by side,
 * by one process per CPU, each taking every k-th group in order: under
 * emulation that takes a second off the boot. A dependency two groups
 * share is loaded once: the kernel has the second loader wait for the
 * first and answers EEXIST. The order inside a group is kept; list in one
 * group what must load in order. Drivers, which have device aliases, are
 * left to coldplug (in the list's order), which this process runs
 * meanwhile. */
void loadmodules(const char *listpath, int verbose)
{
	enum { MAXGROUPS = 64, MAXLOADERS = 4 };
	const char *group[MAXGROUPS + 1];
	struct map list;
	const char *p, *e, *w, *end;
	pid_t pid[MAXLOADERS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int ngroups = 0, k, i, j, st, blank = 1;
	size_t a;

	mods.debug = verbose;
	if (mapfile(listpath, &list) < 0) {
		debug("no %s, loading no modules", listpath);
		return;
	}
	readmaps();

	/* group[i]: where group i starts; the last group takes the rest;
	 * every module named is a coldplug candidate */
	end = list.p + list.n;
	for (p = list.p; p < end; p = e + 1) {
		e = eol(p, end);
		for (j = 0; p + j < e && (p[j] == ' ' || p[j] == '\t'); j++) ;
		for (w = p + j; w < e && *w != ' ' && *w != '\t' && *w != '#'; w++) ;
		if (w > p + j) addcand(p + j, w - p - j);
		if (p + j == e)
			blank = 1;
		else if (blank && ngroups < MAXGROUPS) {
			group[ngroups++] = p;
			blank = 0;
		}
	}
	group[ngroups] = end;
	/* the candidates' device aliases, afresh; every device is matched
	 * against them again */
	for (a = 0; a < mods.nal; a++) free(mods.al[a].pat);
	mods.nal = 0;
	mods.lastmod = 0;
	eachdevalias(keepalias);
	mods.nseen = 0;

	k = cpus < 1 ? 1 : cpus > MAXLOADERS ? MAXLOADERS : (int)cpus;
	if (k > ngroups) k = ngroups;
	/* loader i takes groups i, i + k, ...; meanwhile this process loads
	 * the drivers of the devices there are (their probing is most of the
	 * time), then does the share of a loader it could not start */
	for (i = 0; i < k; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			warn("unable to start a module loader: %s", strerror(errno));
		else if (pid[i] == 0) {
			for (j = i; j < ngroups; j += k)
				loadlines(group[j], group[j + 1]);
			_exit(0);
		}
	}
	coldplug();
	for (i = 0; i < k; i++)
		if (pid[i] < 0)
			for (j = i; j < ngroups; j += k)
				loadlines(group[j], group[j + 1]);
		else
			while (waitpid(pid[i], &st, 0) < 0 && errno == EINTR) ;
	debug("modules of %s loaded by %d processes", listpath, k);
	unmap(&list);
}

/* FNV-1a of "bus/device". */
static unsigned long long devhash(const char *bus, const char *dev)
{
	unsigned long long h = 1469598103934665603ULL;
	const char *s;

	for (s = bus; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (s = dev; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

int coldplug(void)
{
	char path[600], alias[4096];
	unsigned char want[sizeof mods.cand / sizeof *mods.cand] = { 0 };
	const char *name;
	struct dirent *b, *d;
	DIR *bd, *dd;
	size_t i, n;
	int loaded = 0;

	if (!mods.nal || !(bd = opendir("/sys/bus"))) return 0;
	while ((b = readdir(bd))) {
		if (b->d_name[0] == '.') continue;
		snprintf(path, sizeof path, "/sys/bus/%s/devices", b->d_name);
		if (!(dd = opendir(path))) continue;
		while ((d = readdir(dd))) {
			unsigned long long h;
			if (d->d_name[0] == '.') continue;
			h = devhash(b->d_name, d->d_name);
			for (i = 0; i < mods.nseen && mods.seen[i] != h; i++) ;
			if (i < mods.nseen) continue;
			if (mods.nseen < sizeof mods.seen / sizeof *mods.seen)
				mods.seen[mods.nseen++] = h;
			snprintf(path, sizeof path, "/sys/bus/%s/devices/%s/modalias", b->d_name, d->d_name);
			if (readsmall(path, alias, sizeof alias) <= 0) continue;
			for (i = 0; i < mods.nal; i++) {
				struct devalias *a = &mods.al[i];
				if (want[a->cand] || strncmp(a->pat, alias, a->lit) ||
				    fnmatch(a->pat, alias, 0))
					continue;
				want[a->cand] = 1;
				n = modname(mods.cand[a->cand], &name);
				debug("device %s/%s wants module %.*s", b->d_name, d->d_name, (int)n, name);
			}
		}
		closedir(dd);
	}
	closedir(bd);
	for (i = 0; i < mods.ncand; i++)
		if (want[i] && !isdone(mods.cand[i])) {
			n = modname(mods.cand[i], &name);
			modload(name, n);
			loaded++;
		}
	return loaded;
}
