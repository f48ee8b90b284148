/* cache keys: stable, content-based, and changed by every input;
 * outputs: committed whole or not at all */
#include <fcntl.h>
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

static void outputs(void)
{
	struct stat st;
	char link[256], *k = key(), *dir = xasprintf("build/cache/%s", k), hex[65];
	ssize_t n;
	size_t nin;
	struct input *in;

	mkdirp("build/cache");
	mkdirp("build/out");
	mkdirp("build/state/steps");
	mkdirp("build/tmp/s.1/sub");
	checkwrite("build/tmp/s.1/a.out", "a\n");
	CHECK(!cachehas(&s));
	CHECK(cachemissing(&s, "build/tmp/s.1") && !strcmp(cachemissing(&s, "build/tmp/s.1"), "sub/b.out"));
	checkwrite("build/tmp/s.1/sub/b.out", "b\n");
	CHECK(cachemissing(&s, "build/tmp/s.1") == NULL);

	/* a leftover of an interrupted commit: a folder without its listing */
	mkdirp(dir);
	checkwrite(xasprintf("%s/stale", dir), "half\n");
	CHECK(!cachehas(&s));

	CHECK(cachecommit(&s, "build/tmp/s.1") == 0);
	CHECK(stat("build/tmp/s.1", &st) < 0);  /* moved whole */
	CHECK(stat(xasprintf("%s/sub/b.out", dir), &st) == 0);
	CHECK(stat(xasprintf("%s/stale", dir), &st) < 0);
	n = readlink("build/out/s", link, sizeof link - 1);
	CHECK(n > 0 && (link[n] = '\0', !strcmp(link, xasprintf("../cache/%s", k))));
	strcpy(hex, s.outhash);
	memset(s.outhash, 0, sizeof s.outhash);
	CHECK(cachehas(&s) && !strcmp(hex, s.outhash));

	/* same content under another key: same output hash (early cutoff) */
	s.version = 9;
	free(key());
	mkdirp("build/tmp/s.2/sub");
	checkwrite("build/tmp/s.2/a.out", "a\n");
	checkwrite("build/tmp/s.2/sub/b.out", "b\n");
	CHECK(cachecommit(&s, "build/tmp/s.2") == 0 && strcmp(s.key, k) && !strcmp(s.outhash, hex));
	s.version = 1;

	/* the build record keeps every input for explain */
	staterecord(&s);
	in = stateread("s", &nin);
	CHECK(in && nin == s.ninputs && !strcmp(in[0].label, "step") && !strcmp(in[0].value, "s"));
	CHECK(nin > 3 && !strcmp(in[nin - 1].label, "dep dep"));
	CHECK(stateread("nosuch", &nin) == NULL && nin == 0);
	free(k);
}

int main(void)
{
	checktmp();
	setup();
	keys();
	outputs();
	return checkdone();
}
