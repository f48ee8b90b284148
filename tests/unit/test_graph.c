/* dependency order, closure and cycle detection */
#include "util.h"
#include "graph.h"
#include "check.h"

static struct step *mkstep(struct graph *g, char *name, char *deps)
{
	struct step *s = xcalloc(1, sizeof *s);
	char *d;

	s->name = name;
	s->recipe = "test.recipe";
	for (d = strtok(deps, " "); d; d = strtok(NULL, " ")) {
		s->deps = xreallocarray(s->deps, s->ndeps + 1, sizeof *s->deps);
		s->deps[s->ndeps++] = (struct dep){d, NULL, 10 + (int)s->ndeps};
	}
	g->steps = xreallocarray(g->steps, g->nsteps + 1, sizeof *g->steps);
	g->steps[g->nsteps++] = s;
	return s;
}

static size_t pos(const struct graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nsteps && strcmp(g->steps[i]->name, name); i++)
		;
	return i;
}

static void sortit(void *arg)
{
	graphsort(arg);
}

int main(void)
{
	struct graph g = {0}, c = {0}, u = {0};
	char d1[] = "b c", d2[] = "d", d3[] = "d", d4[] = "", d5[] = "", a1[] = "b", a2[] = "c", a3[] = "a";
	char un[] = "nosuch", err[4096];
	struct step *t[1];
	size_t i, j;

	mkstep(&g, "z", d5);
	mkstep(&g, "a", d1);
	mkstep(&g, "c", d2);
	mkstep(&g, "b", d3);
	mkstep(&g, "d", d4);
	graphsort(&g);
	CHECK(g.nsteps == 5);
	for (i = 0; i < g.nsteps; i++)
		for (j = 0; j < g.steps[i]->ndeps; j++)
			CHECK(pos(&g, g.steps[i]->deps[j].name) < i);  /* deps first */
	/* ties go by name, so the order is the same whatever the input order */
	CHECK(!strcmp(g.steps[0]->name, "d") && !strcmp(g.steps[1]->name, "b") &&
	      !strcmp(g.steps[2]->name, "c") && !strcmp(g.steps[3]->name, "a") && !strcmp(g.steps[4]->name, "z"));
	CHECK(stepget(&g, "c") && stepget(&g, "c")->deps[0].step == stepget(&g, "d"));
	CHECK(!stepget(&g, "e"));

	t[0] = stepget(&g, "c");
	CHECK(graphclosure(&g, t, 1) == 2);
	CHECK(stepget(&g, "c")->want && stepget(&g, "d")->want && !stepget(&g, "a")->want && !stepget(&g, "z")->want);
	t[0] = stepget(&g, "a");
	CHECK(graphclosure(&g, t, 1) == 4 && !stepget(&g, "z")->want);

	mkstep(&c, "a", a1);
	mkstep(&c, "b", a2);
	mkstep(&c, "c", a3);
	CHECK(checkchild(sortit, &c, err, sizeof err) == 100);
	CHECK(strstr(err, "test.recipe:11: dependency cycle: a -> b -> c -> a") != NULL);

	mkstep(&u, "a", un);
	CHECK(checkchild(sortit, &u, err, sizeof err) == 100);
	CHECK(strstr(err, "test.recipe:11: dep on unknown step nosuch") != NULL);
	return checkdone();
}
