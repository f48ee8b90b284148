#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"
#include "hash.h"
#include "graph.h"
#include "profile.h"
#include "cache.h"
#include "fetch.h"
#include "run.h"
#include "build.h"

static const char help[] =
	"usage: xenlive-build [-C DIR] [-p PROFILE] [-j N] [-k] COMMAND [ARG...]\n"
	"\n"
	"Runs the steps that the recipes of PROFILE describe, reusing cached outputs\n"
	"(the recipe format is in builder/RECIPES.md).\n"
	"\n"
	"commands:\n"
	"  build [STEP...]    build STEPs (default: the profile's `default` line) and\n"
	"                     the steps they need, then copy the profile's artifacts\n"
	"  explain [STEP...]  tell for each step they need whether it is up to date,\n"
	"                     or why it would run\n"
	"  graph              print the profile's steps, deps, pins, files and env\n"
	"  fetch [DIR]        download and check every pinned file of the profile's\n"
	"                     recipes; with DIR, also put them in DIR/dl/ and the\n"
	"                     lock file in DIR: a download cache that builds this\n"
	"                     profile with no network (XENLIVE_CACHE=DIR)\n"
	"  lock               resolve every recipe pin with the fetcher and rewrite\n"
	"                     the lock file\n"
	"  clean [--steps]    remove build/ and the artifacts, not the shared caches;\n"
	"                     --steps also empties the step cache (do not run it\n"
	"                     while a build on this machine uses that cache)\n"
	"  help               print this help (also -h, --help)\n"
	"\n"
	"options:\n"
	"  -C DIR      source root (default: .); the profile's paths are relative to it\n"
	"  -p PROFILE  profile (default: iso/default.profile)\n"
	"  -j N        run up to N steps at once, and give each JOBS=N (default: %ld,\n"
	"              the number of CPUs)\n"
	"  -k          keep going: after a step fails, still start the steps that do\n"
	"              not depend on it\n"
	"\n"
	"environment:\n"
	"  XENLIVE_CACHE  download cache; files are kept in its dl/ folder\n"
	"                 (default: ${XDG_CACHE_HOME:-$HOME/.cache}/xenlive)\n"
	"  XENLIVE_STEPS  step cache: every step's outputs by key, shared by all\n"
	"                 source trees that use it (default: $XENLIVE_CACHE/steps);\n"
	"                 steps write to its tmp/, so it needs room for a build\n"
	"\n"
	"build/ in the source root holds out/STEP (links to the current outputs in\n"
	"the step cache), log/STEP.log, work/STEP (a step's working folder) and\n"
	"state/. The builder never prunes the shared caches by itself; `clean --steps`\n"
	"empties the step cache.\n"
	"\n"
	"exit status: 0 success, 1 a step failed, 100 bad usage or bad input,\n"
	"111 system failure, 128+N stopped by signal N.\n";

int main(int argc, char **argv)
{
	const char *dir = ".", *profile = "iso/default.profile", *cmd, *val;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), jobs = ncpu > 0 ? ncpu : 1;
	int keepgoing = 0, cleansteps = 0, i, rc = 0;
	size_t nargs;
	struct graph *g;
	char *end;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf(help, jobs);
			return 0;
		}
		if (!strcmp(a, "-k")) {
			keepgoing = 1;
			continue;
		}
		if (!strchr("Cpj", a[1]))
			fatal(EXITUSAGE, "unknown option %s; see xenlive-build --help", a);
		val = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
		if (!val)
			fatal(EXITUSAGE, "option %s needs a value; see xenlive-build --help", a);
		if (a[1] == 'C')
			dir = val;
		else if (a[1] == 'p')
			profile = val;
		else if ((jobs = strtol(val, &end, 10)) < 1 || jobs > 1000 || *end)
			fatal(EXITUSAGE, "bad -j %s: expected a number from 1 to 1000", val);
	}
	if (i == argc)
		fatal(EXITUSAGE, "no command; see xenlive-build --help");
	cmd = argv[i++];
	nargs = (size_t)(argc - i);
	if (!strcmp(cmd, "help")) {
		printf(help, ncpu > 0 ? ncpu : 1);
		return 0;
	}
	if (strcmp(cmd, "build") && strcmp(cmd, "explain") && strcmp(cmd, "graph") &&
	    strcmp(cmd, "fetch") && strcmp(cmd, "lock") && strcmp(cmd, "clean"))
		fatal(EXITUSAGE, "unknown command %s; see xenlive-build --help", cmd);
	if (!strcmp(cmd, "clean") && nargs == 1 && !strcmp(argv[i], "--steps"))
		cleansteps = 1;
	else if (nargs && strcmp(cmd, "build") && strcmp(cmd, "explain") && !(nargs == 1 && !strcmp(cmd, "fetch")))
		fatal(EXITUSAGE, "%s takes no step names; see xenlive-build --help", cmd);

	cacheinit();
	stepsinit();
	if (chdir(dir) < 0)
		sysfatal("unable to enter %s", dir);
	runinit();
	g = profileload(profile);
	if (!(g->root = realpath(".", NULL)))
		sysfatal("unable to resolve %s", dir);
	if (!strcmp(cmd, "clean")) {
		clean(g, cleansteps);
		return 0;
	}
	recipesload(g);
	if (!strcmp(cmd, "lock")) {
		memoload("build/state/hashes");
		fetchlock(g);
		memosave();
		return 0;
	}
	lockload(g);
	if (!strcmp(cmd, "graph")) {
		graphprint(g, stdout);
	} else if (!strcmp(cmd, "fetch")) {
		memoload("build/state/hashes");
		fetchall(g, nargs ? argv[i] : NULL);
		memosave();
	} else if (!strcmp(cmd, "explain")) {
		explain(g, argv + i, nargs);
	} else {
		rc = build(g, argv + i, nargs, (int)jobs, keepgoing);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		sysfatal("unable to write to stdout");
	return rc;
}
