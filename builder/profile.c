#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "graph.h"
#include "profile.h"

/* Reads a file line by line; words point into the file's buffer, which is
 * kept until exit so that the tables can point into it too. */
struct reader {
	const char *path;
	char *p;
	int line;
	char **w;
	size_t cap;
};

struct directive {
	const char *name;
	size_t min, max;  /* argument count; max 0: no limit */
	const char *usage;
};

static int readeropen(struct reader *r, const char *path)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->p = readfile(path, NULL);
	return r->p ? 0 : -1;
}

/* splits the next line that has words; returns the word count, 0 at the end */
static size_t nextline(struct reader *r, int *indent)
{
	while (*r->p) {
		char *s = r->p, *e = strchr(s, '\n'), *c;
		size_t n = 0;

		if (e)
			*e = '\0', r->p = e + 1;
		else
			r->p = s + strlen(s);
		r->line++;
		if ((c = strchr(s, '#')))
			*c = '\0';
		*indent = *s == ' ' || *s == '\t';
		for (;;) {
			s += strspn(s, " \t\r");
			if (!*s)
				break;
			if (n + 2 > r->cap) {
				r->cap = r->cap ? 2 * r->cap : 16;
				r->w = xreallocarray(r->w, r->cap, sizeof *r->w);
			}
			r->w[n++] = s;
			s += strcspn(s, " \t\r");
			if (*s)
				*s++ = '\0';
		}
		if (n) {
			r->w[n] = NULL;
			return n;
		}
	}
	return 0;
}

/* the index of the line's directive in D, checking its word count */
static size_t directive(const struct reader *r, const struct directive *d, size_t nd, size_t nw)
{
	size_t i;

	for (i = 0; i < nd; i++) {
		if (strcmp(d[i].name, r->w[0]))
			continue;
		if (nw - 1 < d[i].min || (d[i].max && nw - 1 > d[i].max))
			parsefatal(r->path, r->line, "wrong number of words; usage: %s", d[i].usage);
		return i;
	}
	parsefatal(r->path, r->line, "unknown directive %s", r->w[0]);
}

/* 1 if P is a relative path that stays below its folder */
static int isbelow(const char *p)
{
	const char *c;

	if (!*p || *p == '/')
		return 0;
	for (c = p; c; c = strchr(c, '/'), c = c ? c + 1 : c)
		if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2]))
			return 0;
	return 1;
}

static int isreserved(const char *name)
{
	static const char *const names[] = {
		"OUT", "RECIPE_DIR", "SRC_ROOT", "JOBS", "STEP", "PATH", "HOME", "LANG", "LC_ALL",
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i]))
			return 1;
	return !strncmp(name, "PIN_", 4) || !strncmp(name, "DEP_", 4);
}

static const struct directive profiledirs[] = {
	{"lock", 1, 1, "lock FILE"},
	{"fetcher", 1, 1, "fetcher PROGRAM"},
	{"recipe", 1, 1, "recipe FILE"},
	{"set", 2, 0, "set NAME VALUE..."},
	{"artifact", 3, 3, "artifact STEP FILE DEST"},
	{"default", 1, 0, "default STEP..."},
	{"import", 2, 0, "import NAME DEFAULT..."},
};

struct graph *profileload(const char *path)
{
	struct graph *g = xcalloc(1, sizeof *g);
	struct reader r;
	size_t n, i;
	int indent;

	g->profile = xstrdup(path);
	if (readeropen(&r, path) < 0)
		fatal(EXITUSAGE, "unable to read profile %s: %s", path, strerror(errno));
	while ((n = nextline(&r, &indent))) {
		char **w = r.w;
		switch (directive(&r, profiledirs, sizeof profiledirs / sizeof *profiledirs, n)) {
		case 0:
			if (g->lockfile)
				parsefatal(path, r.line, "second lock line");
			g->lockfile = w[1];
			break;
		case 1:
			if (g->fetcher)
				parsefatal(path, r.line, "second fetcher line");
			g->fetcher = w[1];
			break;
		case 2:
			for (i = 0; i < g->nrecipes; i++)
				if (!strcmp(g->recipes[i].name, w[1]))
					parsefatal(path, r.line, "recipe %s listed twice", w[1]);
			g->recipes = xreallocarray(g->recipes, g->nrecipes + 1, sizeof *g->recipes);
			g->recipes[g->nrecipes++] = (struct ref){w[1], r.line};
			break;
		case 3:
		case 6: {
			struct buf v = {0};
			const char *e = getenv(w[1]);
			if (!isvarname(w[1]))
				parsefatal(path, r.line, "bad variable name %s", w[1]);
			if (isreserved(w[1]))
				parsefatal(path, r.line, "variable %s is set by the builder itself", w[1]);
			if (varget(g, w[1]))
				parsefatal(path, r.line, "variable %s set twice", w[1]);
			if (!strcmp(w[0], "import") && e && *e)
				bufputs(&v, e);  /* import: the environment's value wins */
			else
				for (i = 2; i < n; i++)
					bufprintf(&v, "%s%s", i > 2 ? " " : "", w[i]);
			g->vars = xreallocarray(g->vars, g->nvars + 1, sizeof *g->vars);
			g->vars[g->nvars++] = (struct var){w[1], v.s};
			break;
		}
		case 4:
			if (!isbelow(w[2]))
				parsefatal(path, r.line, "bad artifact file %s: must be a path inside the step's output", w[2]);
			g->artifacts = xreallocarray(g->artifacts, g->nartifacts + 1, sizeof *g->artifacts);
			g->artifacts[g->nartifacts++] = (struct artifact){w[1], w[2], w[3], NULL, r.line};
			break;
		case 5:
			for (i = 1; i < n; i++) {
				g->defaults = xreallocarray(g->defaults, g->ndefaults + 1, sizeof *g->defaults);
				g->defaults[g->ndefaults++] = (struct ref){w[i], r.line};
			}
			break;
		}
	}
	if (!g->lockfile)
		parsefatal(path, 0, "no lock line");
	if (!g->fetcher)
		parsefatal(path, 0, "no fetcher line");
	return g;
}

static const struct directive recipedirs[] = {
	{"step", 1, 1, "step NAME"},
	{"version", 1, 1, "version N"},
	{"pin", 3, 3, "pin PIN KIND PATTERN"},
	{"file", 1, 1, "file PATH"},
	{"dep", 1, 1, "dep STEP"},
	{"env", 1, 1, "env NAME"},
	{"tool", 2, 2, "tool PROG PACKAGE"},
	{"run", 1, 0, "run ARGV..."},
	{"output", 1, 0, "output FILE..."},
};

static void stepdone(struct step *s)
{
	if (s && !s->argv)
		parsefatal(s->recipe, s->line, "step %s has no run line", s->name);
}

static void recipeload(struct graph *g, const struct ref *rec)
{
	struct reader r;
	struct step *s = NULL, *old;
	char *dir, *slash, *end;
	size_t n, i;
	int indent;

	if (readeropen(&r, rec->name) < 0)
		parsefatal(g->profile, rec->line, "unable to read recipe %s: %s", rec->name, strerror(errno));
	dir = xstrdup(rec->name);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	while ((n = nextline(&r, &indent))) {
		char **w = r.w;
		size_t d = directive(&r, recipedirs, sizeof recipedirs / sizeof *recipedirs, n);

		if (d == 0) {
			if (indent)
				parsefatal(r.path, r.line, "step must not be indented");
			if (!isname(w[1]))
				parsefatal(r.path, r.line, "bad step name %s: names are [a-z0-9_-]+", w[1]);
			if ((old = stepget(g, w[1])))
				parsefatal(r.path, r.line, "duplicate step %s (first at %s:%d)", w[1], old->recipe, old->line);
			stepdone(s);
			s = xcalloc(1, sizeof *s);
			s->name = w[1], s->recipe = rec->name, s->dir = dir, s->line = r.line;
			g->steps = xreallocarray(g->steps, g->nsteps + 1, sizeof *g->steps);
			g->steps[g->nsteps++] = s;
			continue;
		}
		if (!indent || !s)
			parsefatal(r.path, r.line, "%s outside a step: indent it under a step line", w[0]);
		switch (d) {
		case 1:
			s->version = strtol(w[1], &end, 10);
			if (*end || !*w[1] || s->version < 0)
				parsefatal(r.path, r.line, "bad version %s: not a number", w[1]);
			break;
		case 2:
			if (!isname(w[1]))
				parsefatal(r.path, r.line, "bad pin name %s: names are [a-z0-9_-]+", w[1]);
			for (i = 0; i < s->npins; i++)
				if (!strcmp(s->pins[i].name, w[1]))
					parsefatal(r.path, r.line, "pin %s listed twice", w[1]);
			s->pins = xreallocarray(s->pins, s->npins + 1, sizeof *s->pins);
			s->pins[s->npins++] = (struct pin){w[1], w[2], w[3], NULL, r.line};
			break;
		case 3:
			s->files = xreallocarray(s->files, s->nfiles + 1, sizeof *s->files);
			s->files[s->nfiles].name = *w[1] == '/' || !strcmp(dir, ".") ? w[1] : xasprintf("%s/%s", dir, w[1]);
			s->files[s->nfiles++].line = r.line;
			break;
		case 4:
			s->deps = xreallocarray(s->deps, s->ndeps + 1, sizeof *s->deps);
			s->deps[s->ndeps++] = (struct dep){w[1], NULL, r.line};
			break;
		case 5:
			if (!varget(g, w[1]))
				parsefatal(r.path, r.line, "env %s is not set by the profile %s (add `set %s VALUE`)",
				           w[1], g->profile, w[1]);
			s->envs = xreallocarray(s->envs, s->nenvs + 1, sizeof *s->envs);
			s->envs[s->nenvs++] = (struct ref){w[1], r.line};
			break;
		case 6:
			s->tools = xreallocarray(s->tools, s->ntools + 1, sizeof *s->tools);
			s->tools[s->ntools++] = (struct tool){w[1], w[2]};
			break;
		case 7:
			if (s->argv)
				parsefatal(r.path, r.line, "second run line in step %s", s->name);
			s->argv = xreallocarray(NULL, n, sizeof *s->argv);
			memcpy(s->argv, w + 1, n * sizeof *w);  /* with the NULL */
			s->argc = n - 1;
			s->runline = r.line;
			break;
		case 8:
			for (i = 1; i < n; i++) {
				if (!isbelow(w[i]))
					parsefatal(r.path, r.line, "bad output %s: must be a path inside $OUT", w[i]);
				s->outputs = xreallocarray(s->outputs, s->noutputs + 1, sizeof *s->outputs);
				s->outputs[s->noutputs++] = w[i];
			}
			break;
		}
	}
	stepdone(s);
}

/* a pin name stands for one source: every step must declare it alike */
static void pinscheck(struct graph *g)
{
	size_t i, j, k, l;

	for (i = 0; i < g->nsteps; i++)
		for (j = 0; j < g->steps[i]->npins; j++) {
			struct step *s = g->steps[i];
			struct pin *p = &s->pins[j];
			for (k = 0; k < i; k++)
				for (l = 0; l < g->steps[k]->npins; l++) {
					struct pin *q = &g->steps[k]->pins[l];
					if (!strcmp(p->name, q->name) && (strcmp(p->kind, q->kind) || strcmp(p->pattern, q->pattern)))
						parsefatal(s->recipe, p->line, "pin %s is %s %s here but %s %s at %s:%d",
						           p->name, p->kind, p->pattern, q->kind, q->pattern,
						           g->steps[k]->recipe, q->line);
				}
		}
}

void recipesload(struct graph *g)
{
	size_t i;

	for (i = 0; i < g->nrecipes; i++)
		recipeload(g, &g->recipes[i]);
	pinscheck(g);
	graphsort(g);
	for (i = 0; i < g->nartifacts; i++) {
		struct artifact *a = &g->artifacts[i];
		a->step = stepget(g, a->stepname);
		if (!a->step)
			parsefatal(g->profile, a->line, "artifact of unknown step %s", a->stepname);
	}
	for (i = 0; i < g->ndefaults; i++)
		if (!stepget(g, g->defaults[i].name))
			parsefatal(g->profile, g->defaults[i].line, "default names unknown step %s", g->defaults[i].name);
}

static const struct directive lockdirs[] = {
	{"pin", 4, 4, "pin NAME KIND PACKAGE VERSION"},
	{"pattern", 1, 1, "pattern PATTERN"},
	{"file", 3, 3, "file FILENAME SIZE SHA256"},
};

static int ishex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static void lockcheckpin(const struct graph *g, const struct lockpin *l)
{
	if (l && !l->pattern)
		parsefatal(g->lockfile, l->line, "pin %s has no pattern line; run `make lock`", l->name);
	if (l && !l->nfiles)
		parsefatal(g->lockfile, l->line, "pin %s has no file lines; run `make lock`", l->name);
}

void lockload(struct graph *g)
{
	struct reader r;
	struct lockpin *l = NULL;
	size_t n, i, j;
	int indent;
	char *end;

	if (readeropen(&r, g->lockfile) < 0)
		parsefatal(g->lockfile, 0, "unable to read the lock file: %s; run `make lock`", strerror(errno));
	while ((n = nextline(&r, &indent))) {
		char **w = r.w;
		size_t d = directive(&r, lockdirs, sizeof lockdirs / sizeof *lockdirs, n);

		if (d == 0) {
			if (indent)
				parsefatal(r.path, r.line, "pin must not be indented");
			if (!isname(w[1]))
				parsefatal(r.path, r.line, "bad pin name %s: names are [a-z0-9_-]+", w[1]);
			if (lockget(g, w[1]))
				parsefatal(r.path, r.line, "pin %s listed twice", w[1]);
			lockcheckpin(g, l);
			g->locks = xreallocarray(g->locks, g->nlocks + 1, sizeof *g->locks);
			l = &g->locks[g->nlocks++];
			*l = (struct lockpin){w[1], w[2], NULL, w[3], w[4], NULL, 0, r.line};
			continue;
		}
		if (!indent || !l)
			parsefatal(r.path, r.line, "%s outside a pin: indent it under a pin line", w[0]);
		if (d == 1) {
			l->pattern = w[1];
			continue;
		}
		struct pinfile f = {w[1], strtoull(w[2], &end, 10), ""};
		if (!*w[1] || *w[1] == '.' || strchr(w[1], '/'))
			parsefatal(r.path, r.line, "bad file name %s", w[1]);
		if (*end || !*w[2] || *w[2] == '-')
			parsefatal(r.path, r.line, "bad size %s: not a number", w[2]);
		if (!ishex64(w[3]))
			parsefatal(r.path, r.line, "bad sha256 %s: not 64 lowercase hex digits", w[3]);
		memcpy(f.sha, w[3], 65);
		l->files = xreallocarray(l->files, l->nfiles + 1, sizeof *l->files);
		l->files[l->nfiles++] = f;
	}
	lockcheckpin(g, l);
	for (i = 0; i < g->nsteps; i++)
		for (j = 0; j < g->steps[i]->npins; j++) {
			struct step *s = g->steps[i];
			struct pin *p = &s->pins[j];
			p->lock = lockget(g, p->name);
			if (!p->lock)
				parsefatal(s->recipe, p->line, "pin %s is not in the lock file %s; run `make lock`",
				           p->name, g->lockfile);
			if (strcmp(p->kind, p->lock->kind) || strcmp(p->pattern, p->lock->pattern))
				parsefatal(s->recipe, p->line, "pin %s is %s %s here but %s %s in the lock file %s; run `make lock`",
				           p->name, p->kind, p->pattern, p->lock->kind, p->lock->pattern, g->lockfile);
		}
}

void lockwrite(const char *path, const struct lockpin *pins, size_t n)
{
	struct buf b = {0};
	size_t i, j;

	bufputs(&b, "# Written by `xenlive-build lock` (make lock): what each pin resolved to.\n");
	for (i = 0; i < n; i++) {
		const struct lockpin *l = &pins[i];
		bufprintf(&b, "\npin %s %s %s %s\n\tpattern %s\n", l->name, l->kind, l->package, l->version, l->pattern);
		for (j = 0; j < l->nfiles; j++)
			bufprintf(&b, "\tfile %s %llu %s\n", l->files[j].name, l->files[j].size, l->files[j].sha);
	}
	if (writefile(path, b.s, b.len) < 0)
		sysfatal("unable to write %s", path);
	free(b.s);
}
