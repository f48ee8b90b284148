#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"
#include "hash.h"
#include "graph.h"
#include "cache.h"

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

int cachehas(struct step *s)
{
	char *dir = xasprintf("build/cache/%s", s->key);
	char *tree = xasprintf("%s.tree", dir);
	struct stat st;
	size_t len;
	char *data = readfile(tree, &len);
	int ok = data && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);

	if (ok)
		sha256sum(data, len, s->outhash);
	free(data);
	free(tree);
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

int cachecommit(struct step *s, const char *out)
{
	char *dir = xasprintf("build/cache/%s", s->key);
	char *tree = xasprintf("%s.tree", dir);
	struct buf list = {0};
	int rc = -1;

	/* a cache/KEY without its listing is a leftover of an interrupted commit */
	if (unlink(tree) < 0 && errno != ENOENT)
		syswarn("unable to remove %s", tree);
	rmrf(dir);
	if (rename(out, dir) < 0)
		syswarn("unable to move %s to %s", out, dir);
	else if (hashtree(dir, s->outhash, &list) < 0)
		syswarn("unable to hash the output of %s in %s", s->name, dir);
	else if (writefile(tree, list.s, list.len) < 0)
		syswarn("unable to write %s", tree);
	else
		rc = 0;
	if (rc == 0)
		cachelink(s);
	free(list.s);
	free(tree);
	free(dir);
	return rc;
}

void cachelink(const struct step *s)
{
	char *link = xasprintf("build/out/%s", s->name);
	char *target = xasprintf("../cache/%s", s->key);
	char *tmp = xasprintf("build/out/.%s.tmp", s->name);
	char cur[256];
	ssize_t n = readlink(link, cur, sizeof cur);

	if (n != (ssize_t)strlen(target) || memcmp(cur, target, (size_t)n)) {
		unlink(tmp);
		if (symlink(target, tmp) < 0 || rename(tmp, link) < 0)
			sysfatal("unable to point %s at %s", link, target);
	}
	free(tmp);
	free(target);
	free(link);
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
