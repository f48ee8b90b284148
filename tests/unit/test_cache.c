/* cache keys: stable, content-based, and changed by every input;
 * outputs: committed whole or not at all, checked when reused */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include "util.h"
#include "hash.h"
#include "graph.h"
#include "cache.h"
#include "check.h"

static struct graph g;
static struct var vars[] = {{"FLAVOR", "hot"}};
static struct step dep, s;

static void setup(void)
{
	static char *argv[] = {"./run.sh", "all", NULL};
	static char *outs[] = {"a.out", "sub/b.out"};
	static struct ref files[] = {{"r/in.txt", 4}, {"r/dir", 5}};
	static struct ref envs[] = {{"FLAVOR", 6}};
	static struct dep deps[] = {{"dep", &dep, 7}};

	mkdirp("r/dir");
	checkwrite("r/run.sh", "#!/bin/sh\n");
	checkwrite("r/in.txt", "input\n");
	checkwrite("r/dir/x", "x\n");
	g.vars = vars, g.nvars = 1;
	dep.name = "dep";
	memset(dep.outhash, 'd', 64);
	s.name = "s", s.recipe = "r/s.recipe", s.dir = "r", s.version = 1;
	s.argv = argv, s.argc = 2;
	s.outputs = outs, s.noutputs = 2;
	s.files = files, s.nfiles = 2;
	s.envs = envs, s.nenvs = 1;
	s.deps = deps, s.ndeps = 1;
}

/* the key of s as things are now */
static char *key(void)
{
	inputsstatic(&g, &s);
	inputsdeps(&s);
	return xstrdup(s.key);
}

static int differs(const char *k)
{
	char *n = key();
	int d = strcmp(n, k) != 0;

	free(n);
	return d;
}

static void keys(void)
{
	char *k = key(), *k2;
	struct timespec ts[2];

	CHECK(strlen(k) == 64);
	CHECK(!differs(k));  /* stable */
	/* mtimes do not matter, contents do */
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 100;
	ts[1] = ts[0];
	utimensat(AT_FDCWD, "r/in.txt", ts, 0);
	CHECK(!differs(k));
	checkwrite("r/in.txt", "input!\n");
	CHECK(differs(k));
	checkwrite("r/in.txt", "input\n");
	CHECK(!differs(k));
	checkwrite("r/dir/y", "new file in a folder input\n");
	CHECK(differs(k));
	unlink("r/dir/y");
	checkwrite("r/run.sh", "#!/bin/sh\nexit 0\n");  /* the script argv[0] names */
	CHECK(differs(k));
	checkwrite("r/run.sh", "#!/bin/sh\n");
	CHECK(!differs(k));
	s.version = 2;
	CHECK(differs(k));
	s.version = 1;
	s.argv[1] = "other";
	CHECK(differs(k));
	s.argv[1] = "all";
	vars[0].value = "mild";
	CHECK(differs(k));
	vars[0].value = "hot";
	dep.outhash[0] = 'e';  /* the dep's output hash, not its key */
	CHECK(differs(k));
	dep.outhash[0] = 'd';
	memset(dep.key, '9', 64);
	CHECK(!differs(k));
	s.name = "t";
	CHECK(differs(k));
	s.name = "s";
	k2 = key();
	CHECK(!strcmp(k, k2));
	free(k2);
	free(k);
}

/* OUT/a.out and OUT/sub/b.out with contents A and B, in this builder's tmp */
static char *mkout(const char *name, const char *a, const char *b)
{
	char *out = xasprintf("%s/%s", cachetmp(), name), *p;

	mkdirp(out);
	p = xasprintf("%s/sub", out), mkdirp(p), free(p);
	p = xasprintf("%s/a.out", out), checkwrite(p, a), free(p);
	p = xasprintf("%s/sub/b.out", out), checkwrite(p, b), free(p);
	return out;
}

/* whether S's entry is complete and intact */
static int has(void)
{
	const char *why;

	return cachehas(&s, &why) && !why;
}

/* whether S's entry is damaged, and why says WHAT */
static int damaged(const char *what)
{
	const char *why;

	return !cachehas(&s, &why) && why && strstr(why, what);
}

static void outputs(void)
{
	struct stat st;
	char link[4096], *k = key(), *dir, hex[65], *out, *p;
	const char *why = "x";
	ssize_t n;
	size_t nin;
	struct input *in;

	setenv("XENLIVE_STEPS", "steps/", 1);
	stepsinit();
	CHECK(stepsdir()[0] == '/' && !strcmp(strrchr(stepsdir(), '/'), "/steps"));
	dir = xasprintf("%s/%s", stepsdir(), k);
	mkdirp("build/out");
	mkdirp("build/state/steps");
	out = mkout("s", "a\n", "");
	p = xasprintf("%s/sub/b.out", out), unlink(p), free(p);
	CHECK(strncmp(out, stepsdir(), strlen(stepsdir())) == 0);  /* on the cache's file system */
	CHECK(!cachehas(&s, &why) && why == NULL);
	CHECK(cachemissing(&s, out) && !strcmp(cachemissing(&s, out), "sub/b.out"));
	p = xasprintf("%s/sub/b.out", out), checkwrite(p, "b\n"), free(p);
	CHECK(cachemissing(&s, out) == NULL);

	/* a leftover of an interrupted commit: a folder without its listing */
	mkdirp(dir);
	checkwrite(xasprintf("%s/stale", dir), "half\n");
	CHECK(!cachehas(&s, &why) && why == NULL);

	CHECK(cachecommit(&s, out) == 0);
	CHECK(stat(out, &st) < 0);  /* moved whole */
	CHECK(stat(xasprintf("%s/sub/b.out", dir), &st) == 0);
	CHECK(stat(xasprintf("%s/stale", dir), &st) < 0);
	CHECK(stat(xasprintf("%s.stat", dir), &st) == 0 && stat(xasprintf("%s.tree", dir), &st) == 0);
	n = readlink("build/out/s", link, sizeof link - 1);
	CHECK(n > 0 && (link[n] = '\0', !strcmp(link, dir)));  /* absolute */
	strcpy(hex, s.outhash);
	memset(s.outhash, 0, sizeof s.outhash);
	CHECK(cachehas(&s, &why) && why == NULL && !strcmp(hex, s.outhash));

	/* another builder committed the key meanwhile: theirs is kept */
	out = mkout("s", "theirs\n", "b\n");
	memset(s.outhash, 0, sizeof s.outhash);
	CHECK(cachecommit(&s, out) == 0 && !strcmp(s.outhash, hex));
	CHECK(stat(out, &st) < 0);
	p = readfile(xasprintf("%s/a.out", dir), NULL);
	CHECK(p && !strcmp(p, "a\n"));
	free(p);

	/* same content under another key: same output hash (early cutoff) */
	s.version = 9;
	free(key());
	out = mkout("s", "a\n", "b\n");
	CHECK(cachecommit(&s, out) == 0 && strcmp(s.key, k) && !strcmp(s.outhash, hex));
	s.version = 1;
	free(key());

	/* the build record keeps every input for explain */
	staterecord(&s);
	in = stateread("s", &nin);
	CHECK(in && nin == s.ninputs && !strcmp(in[0].label, "step") && !strcmp(in[0].value, "s"));
	CHECK(nin > 3 && !strcmp(in[nin - 1].label, "dep dep"));
	CHECK(stateread("nosuch", &nin) == NULL && nin == 0);
	free(k);
	free(dir);
}

/* a reused entry is checked: a changed or missing output, or a listing that
 * no longer matches its record, makes it damaged; a commit replaces it */
static void damage(void)
{
	char *dir = xasprintf("%s/%s", stepsdir(), s.key), *p, *q;
	struct timespec ts[2];
	char hex[65];

	CHECK(has());
	strcpy(hex, s.outhash);
	p = xasprintf("%s/sub/b.out", dir);
	checkwrite(p, "bb\n");
	CHECK(damaged("output sub/b.out changed"));
	checkwrite(p, "b\n");  /* the same size and content, another mtime */
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 100;
	ts[1] = ts[0];
	utimensat(AT_FDCWD, p, ts, 0);
	CHECK(damaged("output sub/b.out changed"));
	unlink(p);
	CHECK(damaged("output sub/b.out is missing"));
	free(p);

	CHECK(cachecommit(&s, mkout("s", "a\n", "b\n")) == 0);  /* replaces it */
	CHECK(has() && !strcmp(s.outhash, hex));
	p = xasprintf("%s.tree", dir);
	q = readfile(p, NULL);
	checkwrite(p, "f 0 a.out\n");
	CHECK(damaged(".tree does not match"));
	checkwrite(p, q);
	CHECK(has());
	free(q);
	free(p);
	p = xasprintf("%s.stat", dir);
	unlink(p);
	CHECK(damaged(".stat is missing"));
	free(p);
	CHECK(cachecommit(&s, mkout("s", "a\n", "b\n")) == 0);
	CHECK(has());
	free(dir);
}

/* STEPS/tmp: folders of dead builders go, those of live ones stay */
static void tmpfolders(void)
{
	char *base = xasprintf("%s/tmp", stepsdir()), *p, *mine;
	struct stat st;
	int fd;
	size_t n;

	p = xasprintf("%s/live", base), mkdirp(p), free(p);
	p = xasprintf("%s/live/.lock", base);
	fd = open(p, O_RDWR | O_CREAT, 0666);
	CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0);
	free(p);
	p = xasprintf("%s/dead/out", base), mkdirp(p), free(p);
	p = xasprintf("%s/dead/.lock", base), checkwrite(p, ""), free(p);
	p = xasprintf("%s/nolock", base), mkdirp(p), free(p);
	p = xasprintf("%s/.XXXXXX", base), mkdirp(p), free(p);  /* one being set up */
	cachetmpremove();
	mine = xstrdup(cachetmp());
	CHECK(!strncmp(mine, base, strlen(base)) && stat(mine, &st) == 0);
	CHECK(stat(xasprintf("%s/live/.lock", base), &st) == 0);
	CHECK(stat(xasprintf("%s/dead", base), &st) < 0);
	CHECK(stat(xasprintf("%s/nolock", base), &st) < 0);
	CHECK(stat(xasprintf("%s/.XXXXXX", base), &st) == 0);

	/* clean --steps: entries go, running builders' folders and the lock stay */
	n = cacheclear();
	CHECK(n == 2);  /* s at versions 1 and 9 */
	CHECK(!has());
	CHECK(stat(mine, &st) == 0 && stat(xasprintf("%s/live", base), &st) == 0);
	close(fd);
	cachetmpremove();
	CHECK(stat(mine, &st) < 0);
	n = cacheclear();
	CHECK(n == 0 && stat(xasprintf("%s/live", base), &st) < 0);
	free(mine);
	free(base);
}

int main(void)
{
	checktmp();
	setup();
	keys();
	outputs();
	damage();
	tmpfolders();
	return checkdone();
}
