/* Parsing of the profile, the recipes and the lock file (builder/RECIPES.md).
 * Bad input is fatal as "FILE:LINE: message". */

struct graph;
struct lockpin;

/* reads the profile at PATH into a new graph with no steps yet */
struct graph *profileload(const char *path);
/* reads every recipe of G, checks names, deps, env and artifacts, orders steps */
void recipesload(struct graph *g);
/* reads G's lock file and binds every recipe pin to its entry */
void lockload(struct graph *g);
/* writes the N entries of PINS as the lock file PATH (tmp + rename) */
void lockwrite(const char *path, const struct lockpin *pins, size_t n);
