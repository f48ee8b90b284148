/* The tables read from the profile, the recipes and the lock file: steps,
 * their inputs and outputs, pins and variables. Paths are relative to the
 * source root. Everything here lives until exit. */

#include <stdio.h>

/* a file of a locked pin */
struct pinfile {
	char *name;
	unsigned long long size;
	char sha[65];
};

/* an entry of the lock file */
struct lockpin {
	char *name, *kind, *pattern, *package, *version;
	struct pinfile *files;
	size_t nfiles;
	int line;
};

/* a `pin` line of a step, bound to the lock entry of the same name */
struct pin {
	char *name, *kind, *pattern;
	struct lockpin *lock;
	int line;
};

/* a word of a recipe or profile line, with where it was */
struct ref {
	char *name;
	int line;
};

struct dep {
	char *name;
	struct step *step;
	int line;
};

struct tool {
	char *prog, *package;
};

/* one input of a cache key: a label ("file x.c") and its hash or value */
struct input {
	char *label, *value;
};

enum stepstate { SNONE, STODO, SRUN, SDONE, SFAIL };

struct step {
	char *name;
	char *recipe, *dir;  /* the recipe file and its folder */
	int line, runline;
	long version;
	char **argv;
	size_t argc;
	char **outputs;
	size_t noutputs;
	struct pin *pins;
	size_t npins;
	struct ref *files;  /* paths relative to the source root */
	size_t nfiles;
	struct dep *deps;
	size_t ndeps;
	struct ref *envs;
	size_t nenvs;
	struct tool *tools;
	size_t ntools;

	/* filled while planning and building */
	int want, mark, keyed;
	enum stepstate state;
	struct input *inputs;
	size_t ninputs;
	char key[65], outhash[65];
};

struct var {
	char *name, *value;
};

struct artifact {
	char *stepname, *file, *dest;
	struct step *step;
	int line;
};

struct graph {
	char *profile, *lockfile, *fetcher, *root;  /* root: absolute source root */
	struct var *vars;
	size_t nvars;
	struct ref *recipes;
	size_t nrecipes;
	struct artifact *artifacts;
	size_t nartifacts;
	struct ref *defaults;
	size_t ndefaults;
	struct step **steps;  /* in dependency order once graphsort ran */
	size_t nsteps;
	struct lockpin *locks;
	size_t nlocks;
};

/* the step named NAME, or NULL */
struct step *stepget(const struct graph *g, const char *name);
/* the value of profile variable NAME, or NULL */
const char *varget(const struct graph *g, const char *name);
/* the lock entry named NAME, or NULL */
struct lockpin *lockget(const struct graph *g, const char *name);
/* binds deps to steps and orders steps so that deps come first (ties by
 * name); an unknown dep or a cycle is fatal at the dep line */
void graphsort(struct graph *g);
/* sets `want` on TARGETS and all they depend on; returns how many */
size_t graphclosure(struct graph *g, struct step **targets, size_t n);
/* prints the profile and every step in a stable text format */
void graphprint(const struct graph *g, FILE *f);
