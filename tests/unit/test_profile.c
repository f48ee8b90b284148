/* parsing of profiles, recipes and lock files, and their errors */
#include "util.h"
#include "graph.h"
#include "profile.h"
#include "check.h"

#define SHA1 "1111111111111111111111111111111111111111111111111111111111111111"
#define SHA2 "2222222222222222222222222222222222222222222222222222222222222222"

static const char profile[] =
	"# comment\n"
	"lock     x.lock\n"
	"fetcher  bin/fetch   # trailing comment\n"
	"recipe   r/a.recipe\n"
	"set      FLAVOR  hot   and  spicy\n"
	"set      EMPTYISH x\n"
	"artifact b out/b.iso dist/b.iso\n"
	"default  b\n";

static const char recipe[] =
	"step a\n"
	"\tversion 3\n"
	"\tpin src deb-src hello\n"
	"\tfile input.txt\n"
	"\n"
	"  \ttool gcc gcc-12\n"
	"\trun ./build.sh -j 2\n"
	"\toutput a.out lib/a.so\n"
	"step b\n"
	"\tdep a\n"
	"\tenv FLAVOR\n"
	"\trun /bin/true\n";

static const char lock[] =
	"pin src deb-src hello 2.10-3\n"
	"\tpattern hello\n"
	"\tfile hello_2.10.orig.tar.gz 1234 " SHA1 "\n"
	"\tfile hello_2.10-3.dsc 99 " SHA2 "\n";

static void setup(const char *p, const char *r, const char *l)
{
	checkwrite("p.profile", p);
	checkwrite("r/a.recipe", r);
	checkwrite("x.lock", l);
}

static void loadall(void *unused)
{
	struct graph *g = profileload("p.profile");

	(void)unused;
	recipesload(g);
	lockload(g);
}

/* replaces the first FROM in TEXT by TO */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	if (!at)
		return xasprintf("edit: %s not found", from);
	return xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

static int fails(const char *p, const char *r, const char *l, const char *want)
{
	char err[4096];
	int rc;

	setup(p, r, l);
	rc = checkchild(loadall, NULL, err, sizeof err);
	if (rc != 100 || !strstr(err, want)) {
		fprintf(stderr, "exit %d, wanted \"%s\" in: %s", rc, want, err);
		return 0;
	}
	return 1;
}

static void good(void)
{
	struct graph *g;
	struct step *a, *b;

	setup(profile, recipe, lock);
	g = profileload("p.profile");
	CHECK(!strcmp(g->lockfile, "x.lock") && !strcmp(g->fetcher, "bin/fetch"));
	CHECK(g->nvars == 2 && !strcmp(varget(g, "FLAVOR"), "hot and spicy"));
	CHECK(g->nartifacts == 1 && !strcmp(g->artifacts[0].file, "out/b.iso") && !strcmp(g->artifacts[0].dest, "dist/b.iso"));
	CHECK(g->ndefaults == 1 && !strcmp(g->defaults[0].name, "b"));
	recipesload(g);
	lockload(g);
	CHECK(g->nsteps == 2 && !strcmp(g->steps[0]->name, "a"));
	a = stepget(g, "a");
	b = stepget(g, "b");
	CHECK(a && b && g->artifacts[0].step == b);
	CHECK(a->version == 3 && a->line == 1 && !strcmp(a->dir, "r") && !strcmp(a->recipe, "r/a.recipe"));
	CHECK(a->argc == 3 && !strcmp(a->argv[0], "./build.sh") && !strcmp(a->argv[2], "2") && !a->argv[3]);
	CHECK(a->nfiles == 1 && !strcmp(a->files[0].name, "r/input.txt") && a->files[0].line == 4);
	CHECK(a->ntools == 1 && !strcmp(a->tools[0].package, "gcc-12"));
	CHECK(a->noutputs == 2 && !strcmp(a->outputs[1], "lib/a.so"));
	CHECK(a->npins == 1 && a->pins[0].lock && !strcmp(a->pins[0].lock->version, "2.10-3"));
	CHECK(a->pins[0].lock->nfiles == 2 && a->pins[0].lock->files[0].size == 1234 &&
	      !strcmp(a->pins[0].lock->files[1].sha, SHA2));
	CHECK(b->version == 0 && b->ndeps == 1 && b->deps[0].step == a && b->nenvs == 1);

	/* what lockwrite writes, lockload reads back the same */
	lockwrite("x.lock", g->locks, g->nlocks);
	g->nlocks = 0;
	g->locks = NULL;
	lockload(g);
	CHECK(g->nlocks == 1 && !strcmp(g->locks[0].pattern, "hello") && !strcmp(g->locks[0].package, "hello"));
	CHECK(g->locks[0].nfiles == 2 && g->locks[0].files[1].size == 99 && !strcmp(g->locks[0].files[0].sha, SHA1));
}

static void bad(void)
{
	const char *p = profile, *r = recipe, *l = lock;

	CHECK(fails(edit(p, "default", "defualt"), r, l, "p.profile:8: unknown directive defualt"));
	CHECK(fails(edit(p, "lock     x.lock", "lock"), r, l, "p.profile:2: wrong number of words; usage: lock FILE"));
	CHECK(fails(edit(p, "set      EMPTYISH x", "set 2X y"), r, l, "p.profile:6: bad variable name 2X"));
	CHECK(fails(edit(p, "set      EMPTYISH x", "set OUT y"), r, l, "p.profile:6: variable OUT is set by the builder"));
	CHECK(fails(edit(p, "default  b", "default  c"), r, l, "p.profile:8: default names unknown step c"));
	CHECK(fails(edit(p, "artifact b", "artifact q"), r, l, "p.profile:7: artifact of unknown step q"));
	CHECK(fails(edit(p, "lock     x.lock\n", ""), r, l, "p.profile: no lock line"));
	CHECK(fails(edit(p, "r/a.recipe", "r/none.recipe"), r, l, "p.profile:4: unable to read recipe r/none.recipe"));

	CHECK(fails(p, edit(r, "\tdep a", "\tdep"), l, "r/a.recipe:10: wrong number of words; usage: dep STEP"));
	CHECK(fails(p, edit(r, "step b", "step a"), l, "r/a.recipe:9: duplicate step a (first at r/a.recipe:1)"));
	CHECK(fails(p, edit(r, "step b", "step B"), l, "r/a.recipe:9: bad step name B"));
	CHECK(fails(p, edit(r, "\tdep a", "\tdep z"), l, "r/a.recipe:10: dep on unknown step z"));
	CHECK(fails(p, edit(r, "\tfile input.txt", "\tdep b"), l, "r/a.recipe:10: dependency cycle: a -> b -> a"));
	CHECK(fails(p, edit(r, "\tenv FLAVOR", "\tenv COLOUR"), l, "r/a.recipe:11: env COLOUR is not set by the profile"));
	CHECK(fails(p, edit(r, "\tversion 3", "\tversion three"), l, "r/a.recipe:2: bad version three"));
	CHECK(fails(p, edit(r, "\tversion 3", "version 3"), l, "r/a.recipe:2: version outside a step"));
	CHECK(fails(p, edit(r, "\trun /bin/true\n", ""), l, "r/a.recipe:9: step b has no run line"));
	CHECK(fails(p, edit(r, "lib/a.so", "../a.so"), l, "r/a.recipe:8: bad output ../a.so"));
	CHECK(fails(p, edit(r, "\ttool gcc gcc-12", "\tfrob x"), l, "r/a.recipe:6: unknown directive frob"));

	CHECK(fails(p, edit(r, "pin src", "pin other"), l, "r/a.recipe:3: pin other is not in the lock file x.lock; run `make lock`"));
	CHECK(fails(p, edit(r, "deb-src hello", "deb-src hello2"), l,
	            "r/a.recipe:3: pin src is deb-src hello2 here but deb-src hello in the lock file x.lock; run `make lock`"));
	CHECK(fails(p, r, edit(l, "\tpattern hello\n", ""), "x.lock:1: pin src has no pattern line; run `make lock`"));
	CHECK(fails(p, r, edit(l, " 1234 ", " 12x4 "), "x.lock:3: bad size 12x4"));
	CHECK(fails(p, r, edit(l, SHA2, "abc"), "x.lock:4: bad sha256 abc"));
	CHECK(fails(p, r, edit(l, "hello_2.10-3.dsc", "../evil"), "x.lock:4: bad file name ../evil"));
	CHECK(fails(p, r, edit(l, "pin src", "\tpin src"), "x.lock:1: pin must not be indented"));
	CHECK(fails(p, r, "\tfile a 1 " SHA1 "\n", "x.lock:1: file outside a pin"));
	CHECK(fails(p, r, edit(l, "2.10-3\n", "2.10-3 extra\n"), "x.lock:1: wrong number of words"));
	unlink("x.lock");
	CHECK(checkchild(loadall, NULL, (char[512]){0}, 512) == 100);
}

int main(void)
{
	checktmp();
	mkdirp("r");
	good();
	bad();
	return checkdone();
}
