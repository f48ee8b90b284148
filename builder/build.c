#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"
#include "hash.h"
#include "graph.h"
#include "cache.h"
#include "fetch.h"
#include "run.h"
#include "build.h"

#define NOTICENSEC (30 * 1000000000LL)  /* "still running" every 30 s */
#define TAILLINES 20

extern char **environ;

struct job {
	pid_t pid;
	struct step *s;
	char *out;
	long long start;
};

static struct job *jobs;
static size_t njobs, started, total;
static const char *root;

void buildlock(void)
{
	static int fd = -1;  /* held until exit; closed on exec */

	if (fd >= 0)
		return;
	if (mkdirp("build") < 0)
		sysfatal("unable to create build");
	fd = open("build/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		sysfatal("unable to open build/.lock");
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			fatal(EXITSYS, "another xenlive-build is running in this source tree (build/.lock is taken)");
		sysfatal("unable to lock build/.lock");
	}
}

/* fatal() while jobs run: stop them and drop their half-written outputs */
static void stopjobs(void)
{
	runstopall();
	cachetmpremove();
}

/* marks the steps NAMES (or the defaults) and their deps as wanted */
static void wanted(struct graph *g, char **names, size_t n)
{
	struct step **t = xcalloc(n ? n : g->ndefaults, sizeof *t);
	size_t i;

	if (!n && !g->ndefaults)
		fatal(EXITUSAGE, "%s has no default line: name the steps to build", g->profile);
	for (i = 0; i < (n ? n : g->ndefaults); i++) {
		const char *name = n ? names[i] : g->defaults[i].name;
		if (!(t[i] = stepget(g, name)))
			fatal(EXITUSAGE, "unknown step %s", name);
	}
	graphclosure(g, t, n ? n : g->ndefaults);
	free(t);
}

/* 1 once S's deps are built and its key's output is in the cache; else 0
 * with *WHY saying what is damaged in its cache entry, or NULL */
static int cached(struct step *s, const char **why)
{
	size_t i;

	*why = NULL;
	for (i = 0; i < s->ndeps; i++)
		if (s->deps[i].step->state != SDONE)
			return 0;
	if (!s->keyed)
		inputsdeps(s);
	return cachehas(s, why);
}

/* the planning pass of build and explain, over the wanted steps in graph
 * order (deps first): hashes each one's static inputs and settles it as
 * cached (SDONE) or to do (STODO), then calls SEEN with whether it was
 * cached and, if not, what is damaged in its cache entry (or NULL) */
static void plan(struct graph *g, void (*seen)(struct step *s, int incache, const char *why))
{
	const char *why;
	struct step *s;
	size_t i;
	int c;

	memoload("build/state/hashes");
	for (i = 0; i < g->nsteps; i++) {
		s = g->steps[i];
		if (!s->want)
			continue;
		inputsstatic(g, s);
		s->state = STODO;
		if ((c = cached(s, &why)))
			s->state = SDONE;
		seen(s, c, why);
	}
}

static int onpath(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	int ok = 0;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	for (p = path ? path : "/usr/bin:/bin"; !ok; p = end + 1) {
		end = p + strcspn(p, ":");
		char *f = xasprintf("%.*s/%s", end == p ? 1 : (int)(end - p), end == p ? "." : p, prog);
		ok = stat(f, &st) == 0 && S_ISREG(st.st_mode) && access(f, X_OK) == 0;
		free(f);
		if (!*end)
			break;
	}
	return ok;
}

/* whether the builder's own variable ENTRY stays out of a step's environment */
static int dropped(const struct graph *g, const char *entry)
{
	static const char *const names[] = {
		"LANG", "LANGUAGE", "LC_ALL", "TZ", "MAKEFLAGS", "MFLAGS", "MAKELEVEL",
		"OUT", "RECIPE_DIR", "SRC_ROOT", "JOBS", "STEP",
	};
	size_t n = strcspn(entry, "="), i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && !strncmp(entry, names[i], n))
			return 1;
	for (i = 0; i < g->nvars; i++)
		if (strlen(g->vars[i].name) == n && !strncmp(entry, g->vars[i].name, n))
			return 1;
	return !strncmp(entry, "LC_", 3) || !strncmp(entry, "PIN_", 4) || !strncmp(entry, "DEP_", 4);
}

/* the environment of step S, as RECIPES.md describes it; all of it is the
 * caller's to free */
static char **stepenv(const struct graph *g, const struct step *s, const char *out, const char *work, int maxjobs)
{
	char **env = NULL;
	size_t n = 0, i;

#define PUSH(e) (env = xreallocarray(env, n + 1, sizeof *env), env[n++] = (e))
	for (i = 0; environ[i]; i++)
		if (!dropped(g, environ[i]))
			PUSH(xstrdup(environ[i]));
	PUSH(xasprintf("OUT=%s", out));
	PUSH(strcmp(s->dir, ".") ? xasprintf("RECIPE_DIR=%s/%s", g->root, s->dir) : xasprintf("RECIPE_DIR=%s", g->root));
	PUSH(xasprintf("SRC_ROOT=%s", g->root));
	PUSH(xasprintf("JOBS=%d", maxjobs));
	PUSH(xasprintf("STEP=%s", s->name));
	PUSH(xstrdup("LANG=C"));
	PUSH(xstrdup("LC_ALL=C"));
	PUSH(xstrdup("TZ=UTC"));
	for (i = 0; i < s->npins; i++) {
		char *k = envname("PIN_", s->pins[i].name);
		PUSH(xasprintf("%s=%s/%s/pins/%s", k, g->root, work, s->pins[i].name));
		free(k);
	}
	for (i = 0; i < s->ndeps; i++) {
		char *k = envname("DEP_", s->deps[i].name);
		PUSH(xasprintf("%s=%s/build/out/%s", k, g->root, s->deps[i].name));
		free(k);
	}
	for (i = 0; i < s->nenvs; i++)
		PUSH(xasprintf("%s=%s", s->envs[i].name, varget(g, s->envs[i].name)));
	PUSH(NULL);
#undef PUSH
	return env;
}

static void jobstart(const struct graph *g, struct step *s, int maxjobs)
{
	char *work = xasprintf("build/work/%s", s->name);
	char *out = xasprintf("%s/%s", cachetmp(), s->name);
	char *log = xasprintf("build/log/%s.log", s->name);
	char **argv = xcalloc(s->argc + 1, sizeof *argv), **env, **e;
	int fd;

	rmrf(work);
	if (mkdirp(work) < 0 || mkdirp(out) < 0)
		sysfatal("unable to create %s and %s", work, out);
	pinlinks(s, work);
	unlink(log);  /* a new file: a process left over from a killed build keeps the old one */
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		sysfatal("unable to create %s", log);
	memcpy(argv, s->argv, s->argc * sizeof *argv);
	if (*argv[0] != '/' && strchr(argv[0], '/'))
		argv[0] = strcmp(s->dir, ".") ? xasprintf("%s/%s/%s", g->root, s->dir, argv[0])
		                              : xasprintf("%s/%s", g->root, argv[0]);
	printf("[%zu/%zu] %s\n", ++started, total, s->name);
	fflush(stdout);
	env = stepenv(g, s, out, work, maxjobs);
	jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
	jobs[njobs++] = (struct job){runstart(argv, env, work, fd), s, out, nownsec()};
	s->state = SRUN;
	close(fd);
	for (e = env; *e; e++)
		free(*e);
	free(env);
	if (argv[0] != s->argv[0])
		free(argv[0]);
	free(argv);
	free(log);
	free(work);
}

/* prints the failure of S, its command and the end of its log */
static void report(const struct step *s, const char *why)
{
	char *log = xasprintf("build/log/%s.log", s->name);
	char tail[16384];
	int fd = open(log, O_RDONLY | O_CLOEXEC), lines = 0;
	ssize_t n = 0;
	off_t size;
	size_t i;
	char *p;

	fflush(stdout);
	fprintf(stderr, "xenlive-build: step %s failed %s\n  command:", s->name, why);
	for (i = 0; i < s->argc; i++)
		fprintf(stderr, " %s", s->argv[i]);
	fputc('\n', stderr);
	if (fd >= 0) {
		size = lseek(fd, 0, SEEK_END);
		if (size > (off_t)sizeof tail)
			lseek(fd, size - (off_t)sizeof tail, SEEK_SET);
		else
			lseek(fd, 0, SEEK_SET);
		n = read(fd, tail, sizeof tail);
		close(fd);
	}
	if (n > 0) {
		if (tail[n - 1] == '\n')
			n--;
		for (p = tail + n; p > tail && lines < TAILLINES; p--)
			if (p[-1] == '\n' && ++lines == TAILLINES)
				break;
		fprintf(stderr, "  last lines of its log:\n%.*s\n", (int)(tail + n - p), p);
	}
	fprintf(stderr, "xenlive-build: log of %s: %s/%s\n", s->name, root, log);
	free(log);
}

/* stores the output of a finished job; 0, or -1 when the step failed */
static int jobfinish(struct job *j, int status)
{
	struct step *s = j->s;
	const char *missing;
	char why[256];

	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (WIFEXITED(status))
			snprintf(why, sizeof why, "(exit %d)", WEXITSTATUS(status));
		else
			snprintf(why, sizeof why, "(killed by signal %d)", WTERMSIG(status));
		report(s, why);
	} else if ((missing = cachemissing(s, j->out))) {
		snprintf(why, sizeof why, "(exit 0): it did not write output %s", missing);
		report(s, why);
	} else if (cachecommit(s, j->out) < 0) {
		report(s, "(exit 0): its output could not be stored");
	} else {
		s->state = SDONE;
		staterecord(s);
		return 0;
	}
	rmrf(j->out);
	s->state = SFAIL;
	return -1;
}

/* the next wanted step that can start; settles the cached and blocked ones */
static struct step *nextstep(struct graph *g)
{
	const char *why;
	size_t i, j;

	for (i = 0; i < g->nsteps; i++) {
		struct step *s = g->steps[i];
		if (!s->want || s->state != STODO)
			continue;
		for (j = 0; j < s->ndeps && s->deps[j].step->state != SFAIL; j++)
			;
		if (j < s->ndeps) {
			s->state = SFAIL;  /* blocked: it will not run */
			continue;
		}
		if (!cached(s, &why)) {
			if (why)
				warn("the cached output of %s in %s/%s is damaged (%s): building it again",
				     s->name, stepsdir(), s->key, why);
			if (s->keyed)
				return s;
			continue;
		}
		s->state = SDONE;  /* early cutoff: its deps reran with the same output */
		total--;
		cachelink(s);
		staterecord(s);
	}
	return NULL;
}

static void notice(long long now)
{
	size_t i;

	for (i = 0; i < njobs; i++)
		if (now - jobs[i].start >= NOTICENSEC) {
			printf("xenlive-build: still running: %s (%llds)\n", jobs[i].s->name,
			       (now - jobs[i].start) / 1000000000LL);
			fflush(stdout);
		}
}

static NORETURN void interrupted(void)
{
	int sig = runsignal();

	fatalhook = NULL;
	fprintf(stderr, "xenlive-build: stopped by signal %d: killing %zu running step(s)\n", sig, njobs);
	stopjobs();
	memosave();
	exit(128 + sig);
}

/* copies an artifact to its DEST unless DEST already has that content */
static void artifactcopy(const struct graph *g, const struct artifact *a)
{
	char *tree = xasprintf("%s/%s.tree", stepsdir(), a->step->key);
	char *src = xasprintf("%s/%s/%s", stepsdir(), a->step->key, a->file);
	char *listing = readfile(tree, NULL), *dir, *slash;
	char want[65], have[65];
	struct stat st, dt;

	if (!listing)
		sysfatal("unable to read %s", tree);
	if (listingfind(listing, a->file, want) < 0)
		parsefatal(g->profile, a->line, "step %s has no output file %s", a->step->name, a->file);
	if (stat(src, &st) < 0)
		sysfatal("unable to read %s", src);
	if (stat(a->dest, &dt) == 0 && S_ISREG(dt.st_mode) && dt.st_size == st.st_size &&
	    hashfile(a->dest, have) == 0 && !strcmp(have, want))
		goto done;
	dir = xstrdup(a->dest);
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	if (slash && mkdirp(dir) < 0)
		sysfatal("unable to create %s", dir);
	if (copyfile(src, a->dest, st.st_mode & 0777) < 0)
		sysfatal("unable to copy %s to %s", src, a->dest);
	memoput(a->dest, want);
	printf("artifact %s\n", a->dest);
	free(dir);
done:
	free(listing);
	free(src);
	free(tree);
}

/* plan()'s callback for build: a cached step's output is linked at once;
 * a damaged entry is reported when its step starts */
static void buildseen(struct step *s, int incache, const char *why)
{
	(void)why;
	if (incache) {
		cachelink(s);
		staterecord(s);
	} else {
		total++;
	}
}

int build(struct graph *g, char **names, size_t n, int maxjobs, int keepgoing)
{
	static const char *const dirs[] = {"build/out", "build/log", "build/work", "build/state/steps"};
	size_t i, j, failed = 0, blocked = 0;
	long long lastnotice = nownsec();
	struct step *s;
	int status;

	root = g->root;
	wanted(g, names, n);
	buildlock();
	for (i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (mkdirp(dirs[i]) < 0)
			sysfatal("unable to create %s", dirs[i]);
	plan(g, buildseen);
	for (i = 0; i < g->nsteps; i++)
		for (j = 0, s = g->steps[i]; s->state == STODO && j < s->ntools; j++)
			if (!onpath(s->tools[j].prog))
				fatal(EXITUSAGE, "step %s needs %s: install the Debian package %s (or run scripts/host-deps)",
				      s->name, s->tools[j].prog, s->tools[j].package);
	for (i = 0; i < g->nsteps; i++)
		for (j = 0, s = g->steps[i]; s->state == STODO && j < s->npins; j++)
			fetchpin(g, s->pins[j].lock);
	if (runsignal())
		interrupted();
	fatalhook = stopjobs;
	for (;;) {
		while ((!failed || keepgoing) && njobs < (size_t)maxjobs && (s = nextstep(g)))
			jobstart(g, s, maxjobs);
		if (!njobs)
			break;
		long long now = nownsec();
		if (now - lastnotice >= NOTICENSEC) {
			notice(now);
			lastnotice = now;
		}
		pid_t pid = runwait((int)((lastnotice + NOTICENSEC - now) / 1000000) + 1, &status);
		if (pid < 0)
			interrupted();
		for (i = 0; pid > 0 && i < njobs; i++)
			if (jobs[i].pid == pid) {
				if (jobfinish(&jobs[i], status) < 0)
					failed++;
				free(jobs[i].out);
				jobs[i] = jobs[--njobs];
				break;
			}
	}
	fatalhook = NULL;
	cachetmpremove();
	memosave();
	for (i = 0; i < g->nsteps; i++)
		blocked += g->steps[i]->want && g->steps[i]->state != SDONE;
	if (failed) {
		fprintf(stderr, "xenlive-build: %zu step(s) failed, %zu not built\n", failed, blocked - failed);
		return EXITSTEP;
	}
	for (i = 0; i < g->nartifacts; i++)
		if (g->artifacts[i].step->want)
			artifactcopy(g, &g->artifacts[i]);
	memosave();
	if (!started)
		printf("xenlive-build: nothing to do, every step is up to date\n");
	return 0;
}

/* plan()'s callback for explain: whether S is up to date, else why it
 * reruns, from the inputs its last build recorded */
static void explainseen(struct step *s, int incache, const char *bad)
{
	size_t j, k, nold;
	struct input *old;

	if (incache) {
		printf("%s: up to date\n", s->name);
		return;
	}
	struct buf why = {0}, after = {0};
	if (bad)
		bufprintf(&why, "; its cached output is damaged (%s)", bad);
	old = stateread(s->name, &nold);
	for (j = 0; j < s->ndeps; j++)
		if (s->deps[j].step->state != SDONE)
			bufprintf(&after, "; %s reruns first", s->deps[j].name);
	for (j = 0; old && j < s->ninputs; j++) {
		for (k = 0; k < nold && strcmp(old[k].label, s->inputs[j].label); k++)
			;
		if (k == nold)
			bufprintf(&why, "; new input %s", s->inputs[j].label);
		else if (strcmp(old[k].value, s->inputs[j].value))
			bufprintf(&why, "; %s changed", s->inputs[j].label);
	}
	for (k = 0; old && k < nold; k++) {
		for (j = 0; j < s->ninputs && strcmp(old[k].label, s->inputs[j].label); j++)
			;
		if (j == s->ninputs && (s->keyed || strncmp(old[k].label, "dep ", 4)))
			bufprintf(&why, "; %s removed", old[k].label);
	}
	if (!old)
		bufputs(&why, "; never built");
	else if (!why.len && s->keyed)
		bufputs(&why, "; its cached output is gone");
	if (why.len)
		printf("%s: reruns: %s%s\n", s->name, why.s + 2, after.len ? after.s : "");
	else
		printf("%s: may rerun: %s, unless that leaves its output unchanged\n", s->name, after.s + 2);
	free(why.s);
	free(after.s);
	free(old);
}

void explain(struct graph *g, char **names, size_t n)
{
	wanted(g, names, n);
	plan(g, explainseen);
	memosave();
}

void clean(const struct graph *g, int steps)
{
	struct stat st;
	size_t i;

	if (stat("build", &st) == 0) {
		buildlock();
		if (rmrf("build") < 0)
			fatal(EXITSYS, "unable to remove all of build/");
		printf("removed build/\n");
	}
	for (i = 0; i < g->nartifacts; i++) {
		if (unlink(g->artifacts[i].dest) == 0)
			printf("removed %s\n", g->artifacts[i].dest);
		else if (errno != ENOENT)
			syswarn("unable to remove %s", g->artifacts[i].dest);
	}
	if (steps)
		printf("removed %zu step output(s) from %s\n", cacheclear(), stepsdir());
}
