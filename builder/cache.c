#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
#include "hash.h"
#include "graph.h"
#include "cache.h"

static char *steps;  /* the step cache, absolute */
static char *tmp;    /* this builder's folder in steps/tmp, or NULL */
static int tmpfd = -1;  /* its .lock, flocked until exit; closed on exec */

static void addinput(struct step *s, char *label, const char *value)
{
	s->inputs = xreallocarray(s->inputs, s->ninputs + 1, sizeof *s->inputs);
	s->inputs[s->ninputs].label = label;
	s->inputs[s->ninputs++].value = xstrdup(value);
}

void inputsstatic(const struct graph *g, struct step *s)
{
	struct sha256 c;
	char hex[65], *path;
	size_t i, j;

	s->ninputs = 0;
	s->keyed = 0;
	addinput(s, "step", s->name);
	snprintf(hex, sizeof hex, "%ld", s->version);
	addinput(s, "version", hex);
	sha256init(&c);
	for (i = 0; i < s->argc; i++)
		sha256update(&c, s->argv[i], strlen(s->argv[i]) + 1);
	sha256hex(&c, hex);
	addinput(s, "run", hex);
	if (*s->argv[0] != '/' && strchr(s->argv[0], '/')) {
		const char *a = strncmp(s->argv[0], "./", 2) ? s->argv[0] : s->argv[0] + 2;
		path = strcmp(s->dir, ".") ? xasprintf("%s/%s", s->dir, a) : xstrdup(a);
		if (hashfile(path, hex) < 0)
			parsefatal(s->recipe, s->runline, "unable to read %s: %s", path, strerror(errno));
		addinput(s, xasprintf("script %s", path), hex);
	}
	for (i = 0; i < s->nenvs; i++) {
		const char *v = varget(g, s->envs[i].name);
		sha256sum(v, strlen(v), hex);
		addinput(s, xasprintf("env %s", s->envs[i].name), hex);
	}
	for (i = 0; i < s->nfiles; i++) {
		if (hashtree(s->files[i].name, hex, NULL) < 0)
			parsefatal(s->recipe, s->files[i].line, "unable to read %s: %s", s->files[i].name, strerror(errno));
		addinput(s, xasprintf("file %s", s->files[i].name), hex);
	}
	for (i = 0; i < s->npins; i++)
		for (j = 0; s->pins[i].lock && j < s->pins[i].lock->nfiles; j++)
			addinput(s, xasprintf("pin %s/%s", s->pins[i].name, s->pins[i].lock->files[j].name),
			         s->pins[i].lock->files[j].sha);
}

void inputsdeps(struct step *s)
{
	struct sha256 c;
	size_t i;

	for (i = 0; i < s->ndeps; i++)
		addinput(s, xasprintf("dep %s", s->deps[i].name), s->deps[i].step->outhash);
	sha256init(&c);
	for (i = 0; i < s->ninputs; i++) {
		sha256update(&c, s->inputs[i].label, strlen(s->inputs[i].label));
		sha256update(&c, "\t", 1);
		sha256update(&c, s->inputs[i].value, strlen(s->inputs[i].value));
		sha256update(&c, "\n", 1);
	}
	sha256hex(&c, s->key);
	s->keyed = 1;
}

void stepsinit(void)
{
	const char *e = getenv("XENLIVE_STEPS");
	char cwd[4096], *p;
	size_t n;

	if (e && *e)
		p = xstrdup(e);
	else if ((e = getenv("XENLIVE_CACHE")) && *e)
		p = xasprintf("%s/steps", e);
	else
		fatal(EXITUSAGE, "set XENLIVE_STEPS or XENLIVE_CACHE: there is nowhere to keep step outputs");
	for (n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
		p[n - 1] = '\0';
	if (*p != '/') {
		if (!getcwd(cwd, sizeof cwd))
			sysfatal("unable to get the current folder");
		steps = xasprintf("%s/%s", cwd, p);
		free(p);
	} else {
		steps = p;
	}
}

const char *stepsdir(void)
{
	return steps;
}

/* "TYPE SIZE MTIME" of PATH as KEY.stat records it; 0, or -1 with errno */
static int statline(const char *path, char *line, size_t n)
{
	struct stat st;
	char t;

	if (lstat(path, &st) < 0)
		return -1;
	t = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' :
	    !S_ISREG(st.st_mode) ? 'o' : st.st_mode & 0111 ? 'x' : 'f';
	snprintf(line, n, "%c %lld %lld", t, (long long)st.st_size,
	         (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	return 0;
}

/* whether entry DIR (STEPS/KEY) is complete and intact for S, as cachehas
 * says. Cheap on purpose: the listing is hashed (the output hash needs it
 * anyway), the declared outputs are only lstat'ed */
static int entryok(struct step *s, const char *dir, const char **why)
{
	static char whybuf[512];
	char *tree = xasprintf("%s.tree", dir), *recpath = xasprintf("%s.stat", dir);
	char *list, *rec = NULL, *path, line[128], hex[65];
	size_t len, i;
	struct stat st;
	int ok = 0;

	*why = whybuf;
	if (!(list = readfile(tree, &len))) {
		*why = NULL;  /* never committed, or interrupted before its listing */
		goto done;
	}
	sha256sum(list, len, hex);
	if (!(rec = readfile(recpath, NULL))) {
		snprintf(whybuf, sizeof whybuf, "%s is missing", recpath);
		goto done;
	}
	if (strncmp(rec, "tree ", 5) || strncmp(rec + 5, hex, 64) || rec[69] != '\n') {
		snprintf(whybuf, sizeof whybuf, "%s does not match %s", tree, recpath);
		goto done;
	}
	for (i = 0; i < s->noutputs; i++) {
		path = xasprintf("%s/%s", dir, s->outputs[i]);
		int gone = statline(path, line, sizeof line) < 0;
		free(path);
		if (gone) {
			snprintf(whybuf, sizeof whybuf, "output %s is missing", s->outputs[i]);
			goto done;
		}
		char *want = xasprintf("\n%s %s\n", line, s->outputs[i]);
		int same = strstr(rec, want) != NULL;
		free(want);
		if (!same) {
			snprintf(whybuf, sizeof whybuf, "output %s changed since it was stored", s->outputs[i]);
			goto done;
		}
	}
	if (!s->noutputs && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
		snprintf(whybuf, sizeof whybuf, "%s is missing", dir);
		goto done;
	}
	memcpy(s->outhash, hex, 65);
	*why = NULL;
	ok = 1;
done:
	free(rec);
	free(list);
	free(recpath);
	free(tree);
	return ok;
}

int cachehas(struct step *s, const char **why)
{
	char *dir = xasprintf("%s/%s", steps, s->key);
	int ok = entryok(s, dir, why);

	free(dir);
	return ok;
}

const char *cachemissing(const struct step *s, const char *out)
{
	struct stat st;
	size_t i;

	for (i = 0; i < s->noutputs; i++) {
		char *p = xasprintf("%s/%s", out, s->outputs[i]);
		int gone = lstat(p, &st) < 0;
		free(p);
		if (gone)
			return s->outputs[i];
	}
	return NULL;
}

/* flocks FD (LOCK_EX or LOCK_UN), waiting as long as it takes */
static int lockfd(int fd, int op)
{
	int rc;

	while ((rc = flock(fd, op)) < 0 && errno == EINTR)
		;
	return rc;
}

/* removes the folders in TMPDIR whose builder is gone: their .lock can be
 * taken. A folder is renamed to its visible name only once its .lock is
 * held, so one without a .lock is a leftover of an interrupted removal */
static void tmpreap(const char *tmpdir)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *dir = xasprintf("%s/%s", tmpdir, e->d_name);
		char *lock = xasprintf("%s/.lock", dir);
		int fd = open(lock, O_RDWR | O_CLOEXEC);
		if ((fd < 0 && (errno == ENOENT || errno == ENOTDIR)) ||
		    (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0))
			rmrf(dir);
		if (fd >= 0)
			close(fd);
		free(lock);
		free(dir);
	}
	closedir(d);
}

const char *cachetmp(void)
{
	char *base, *t, *lock;

	if (tmp)
		return tmp;
	base = xasprintf("%s/tmp", steps);
	if (mkdirp(base) < 0)
		sysfatal("unable to create %s", base);
	tmpreap(base);
	t = xasprintf("%s/.XXXXXX", base);
	if (!mkdtemp(t))
		sysfatal("unable to create a folder in %s", base);
	lock = xasprintf("%s/.lock", t);
	if ((tmpfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0 || lockfd(tmpfd, LOCK_EX) < 0)
		sysfatal("unable to lock %s", lock);
	tmp = xasprintf("%s/%s", base, strrchr(t, '/') + 2);
	if (rename(t, tmp) < 0)
		sysfatal("unable to rename %s to %s", t, tmp);
	free(lock);
	free(t);
	free(base);
	return tmp;
}

void cachetmpremove(void)
{
	if (!tmp)
		return;
	rmrf(tmp);
	close(tmpfd);
	tmpfd = -1;
	free(tmp);
	tmp = NULL;
}

/* takes (ON 1) or releases STEPS/.lock, which serializes commits so that
 * an entry without its listing is never another builder's commit in progress */
static void commitlock(int on)
{
	static int fd = -1;
	char *lock = xasprintf("%s/.lock", steps);

	if (fd < 0 && (fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
		sysfatal("unable to open %s", lock);
	if (lockfd(fd, on ? LOCK_EX : LOCK_UN) < 0)
		sysfatal("unable to lock %s", lock);
	free(lock);
}

/* writes DIR.stat for the listing hash HEX and the outputs of S in DIR */
static int statwrite(const struct step *s, const char *dir, const char *hex)
{
	char *rec = xasprintf("%s.stat", dir), line[128];
	struct buf b = {0};
	size_t i;
	int rc = 0;

	bufprintf(&b, "tree %s\n", hex);
	for (i = 0; i < s->noutputs && rc == 0; i++) {
		char *path = xasprintf("%s/%s", dir, s->outputs[i]);
		if ((rc = statline(path, line, sizeof line)) == 0)
			bufprintf(&b, "%s %s\n", line, s->outputs[i]);
		free(path);
	}
	if (rc == 0)
		rc = writefile(rec, b.s, b.len);
	if (rc < 0)
		syswarn("unable to write %s", rec);
	free(b.s);
	free(rec);
	return rc;
}

int cachecommit(struct step *s, const char *out)
{
	char *dir = xasprintf("%s/%s", steps, s->key);
	char *tree = xasprintf("%s.tree", dir), *old = NULL, hex[65];
	struct buf list = {0};
	const char *why;
	int rc = -1;

	if (hashtree(out, hex, &list) < 0) {
		syswarn("unable to hash the output of %s in %s", s->name, out);
		goto done;
	}
	commitlock(1);
	if (rename(out, dir) < 0) {
		if (errno != ENOTEMPTY && errno != EEXIST) {
			syswarn("unable to move %s to %s", out, dir);
			goto unlock;
		}
		if (entryok(s, dir, &why)) {  /* another builder committed this key meanwhile */
			rmrf(out);
			rc = 0;
			goto unlock;
		}
		/* an interrupted commit or a damaged entry: set it aside, remove it later */
		old = xasprintf("%s/%s.old", cachetmp(), s->key);
		if (unlink(tree) < 0 && errno != ENOENT)
			syswarn("unable to remove %s", tree);
		if (rename(dir, old) < 0 || rename(out, dir) < 0) {
			syswarn("unable to replace %s", dir);
			goto unlock;
		}
	}
	if (statwrite(s, dir, hex) == 0) {
		if (writefile(tree, list.s, list.len) < 0)
			syswarn("unable to write %s", tree);
		else
			rc = 0;
	}
	if (rc == 0)
		memcpy(s->outhash, hex, 65);
unlock:
	commitlock(0);
	if (rc == 0)
		cachelink(s);
	if (old)
		rmrf(old);
	free(old);
done:
	free(list.s);
	free(tree);
	free(dir);
	return rc;
}

void cachelink(const struct step *s)
{
	char *link = xasprintf("build/out/%s", s->name);
	char *target = xasprintf("%s/%s", steps, s->key);
	char *tmplink = xasprintf("build/out/.%s.tmp", s->name);
	char cur[4096];
	ssize_t n = readlink(link, cur, sizeof cur);

	if (n != (ssize_t)strlen(target) || memcmp(cur, target, (size_t)n)) {
		unlink(tmplink);
		if (symlink(target, tmplink) < 0 || rename(tmplink, link) < 0)
			sysfatal("unable to point %s at %s", link, target);
	}
	free(tmplink);
	free(target);
	free(link);
}

size_t cacheclear(void)
{
	DIR *d = opendir(steps);
	struct dirent *e;
	size_t n = 0;

	if (!d) {
		if (errno != ENOENT)
			sysfatal("unable to open %s", steps);
		return 0;
	}
	commitlock(1);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "tmp"))
			continue;
		char *p = xasprintf("%s/%s", steps, e->d_name);
		if (rmrf(p) == 0 && !strchr(e->d_name, '.'))
			n++;
		free(p);
	}
	closedir(d);
	commitlock(0);
	char *t = xasprintf("%s/tmp", steps);
	tmpreap(t);
	free(t);
	return n;
}

void staterecord(const struct step *s)
{
	char *path = xasprintf("build/state/steps/%s", s->name);
	char *old = readfile(path, NULL);
	struct buf b = {0};
	size_t i;

	bufprintf(&b, "key %s\n", s->key);
	for (i = 0; i < s->ninputs; i++)
		bufprintf(&b, "%s %s\n", s->inputs[i].value, s->inputs[i].label);
	if ((!old || strcmp(old, b.s)) && writefile(path, b.s, b.len) < 0)
		syswarn("unable to write %s", path);
	free(b.s);
	free(old);
	free(path);
}

struct input *stateread(const char *step, size_t *n)
{
	char *path = xasprintf("build/state/steps/%s", step);
	char *data = readfile(path, NULL), *line, *next, *sp;
	struct input *in = NULL;

	free(path);
	*n = 0;
	if (!data)
		return NULL;
	for (line = data; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		sp = strchr(line, ' ');
		if (!sp || !strncmp(line, "key ", 4))
			continue;
		*sp = '\0';
		in = xreallocarray(in, *n + 1, sizeof *in);
		in[(*n)++] = (struct input){sp + 1, line};
	}
	if (!in)
		in = xcalloc(1, sizeof *in);  /* a record with no inputs is still a record */
	return in;
}
