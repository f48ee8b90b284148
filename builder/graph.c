#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "graph.h"

struct step *stepget(const struct graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nsteps; i++)
		if (!strcmp(g->steps[i]->name, name))
			return g->steps[i];
	return NULL;
}

const char *varget(const struct graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nvars; i++)
		if (!strcmp(g->vars[i].name, name))
			return g->vars[i].value;
	return NULL;
}

struct lockpin *lockget(const struct graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nlocks; i++)
		if (!strcmp(g->locks[i].name, name))
			return &g->locks[i];
	return NULL;
}

static int stepcmp(const void *a, const void *b)
{
	return strcmp((*(struct step *const *)a)->name, (*(struct step *const *)b)->name);
}

/* depth-first: mark 1 while on the stack, 2 when placed in ORDER */
static void visit(struct step *s, struct step **order, size_t *n, struct step **stack, size_t depth)
{
	size_t i, j;

	s->mark = 1;
	stack[depth] = s;
	for (i = 0; i < s->ndeps; i++) {
		struct step *t = s->deps[i].step;
		if (t->mark == 1) {
			struct buf b = {0};
			for (j = 0; stack[j] != t; j++)
				;
			for (; j <= depth; j++)
				bufprintf(&b, "%s -> ", stack[j]->name);
			parsefatal(s->recipe, s->deps[i].line, "dependency cycle: %s%s", b.s, t->name);
		}
		if (t->mark == 0)
			visit(t, order, n, stack, depth + 1);
	}
	s->mark = 2;
	order[(*n)++] = s;
}

void graphsort(struct graph *g)
{
	struct step **order = xcalloc(g->nsteps, sizeof *order);
	struct step **stack = xcalloc(g->nsteps, sizeof *stack);
	size_t i, j, n = 0;

	if (g->nsteps)
		qsort(g->steps, g->nsteps, sizeof *g->steps, stepcmp);
	for (i = 0; i < g->nsteps; i++) {
		struct step *s = g->steps[i];
		s->mark = 0;
		for (j = 0; j < s->ndeps; j++) {
			s->deps[j].step = stepget(g, s->deps[j].name);
			if (!s->deps[j].step)
				parsefatal(s->recipe, s->deps[j].line, "dep on unknown step %s", s->deps[j].name);
		}
	}
	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i]->mark == 0)
			visit(g->steps[i], order, &n, stack, 0);
	free(g->steps);
	free(stack);
	g->steps = order;
}

static size_t want(struct step *s)
{
	size_t i, n = 1;

	if (s->want)
		return 0;
	s->want = 1;
	for (i = 0; i < s->ndeps; i++)
		n += want(s->deps[i].step);
	return n;
}

size_t graphclosure(struct graph *g, struct step **targets, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < g->nsteps; i++)
		g->steps[i]->want = 0;
	for (i = 0; i < n; i++)
		count += want(targets[i]);
	return count;
}

static void printwords(FILE *f, const char *head, char **w, size_t n)
{
	size_t i;

	fputs(head, f);
	for (i = 0; i < n; i++)
		fprintf(f, " %s", w[i]);
	fputc('\n', f);
}

void graphprint(const struct graph *g, FILE *f)
{
	size_t i, j, k;

	fprintf(f, "profile %s\nlock %s\nfetcher %s\n", g->profile, g->lockfile, g->fetcher);
	for (i = 0; i < g->nrecipes; i++)
		fprintf(f, "recipe %s\n", g->recipes[i].name);
	for (i = 0; i < g->nvars; i++)
		fprintf(f, "set %s %s\n", g->vars[i].name, g->vars[i].value);
	for (i = 0; i < g->nartifacts; i++)
		fprintf(f, "artifact %s %s %s\n", g->artifacts[i].stepname, g->artifacts[i].file,
		        g->artifacts[i].dest);
	fputs("default", f);
	for (i = 0; i < g->ndefaults; i++)
		fprintf(f, " %s", g->defaults[i].name);
	fputc('\n', f);
	for (i = 0; i < g->nsteps; i++) {
		const struct step *s = g->steps[i];
		fprintf(f, "\nstep %s\n\trecipe %s\n\tversion %ld\n", s->name, s->recipe, s->version);
		for (j = 0; j < s->ndeps; j++)
			fprintf(f, "\tdep %s\n", s->deps[j].name);
		for (j = 0; j < s->npins; j++) {
			const struct pin *p = &s->pins[j];
			fprintf(f, "\tpin %s %s %s", p->name, p->kind, p->pattern);
			if (!p->lock) {
				fputc('\n', f);
				continue;
			}
			fprintf(f, " = %s %s\n", p->lock->package, p->lock->version);
			for (k = 0; k < p->lock->nfiles; k++)
				fprintf(f, "\t\tfile %s %llu %s\n", p->lock->files[k].name,
				        p->lock->files[k].size, p->lock->files[k].sha);
		}
		for (j = 0; j < s->nfiles; j++)
			fprintf(f, "\tfile %s\n", s->files[j].name);
		for (j = 0; j < s->nenvs; j++)
			fprintf(f, "\tenv %s=%s\n", s->envs[j].name, varget(g, s->envs[j].name));
		for (j = 0; j < s->ntools; j++)
			fprintf(f, "\ttool %s %s\n", s->tools[j].prog, s->tools[j].package);
		printwords(f, "\trun", s->argv, s->argc);
		if (s->noutputs)
			printwords(f, "\toutput", s->outputs, s->noutputs);
	}
}
