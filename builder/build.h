/* Planning and running builds: which steps are up to date, the job pool,
 * progress and failure reports, artifacts; also explain and clean. */

struct graph;

/* takes build/.lock for this process; fatal if another builder holds it */
void buildlock(void);
/* builds the N steps NAMES (the profile's default when N is 0) and their
 * deps with up to JOBS steps at once, then copies the artifacts; KEEPGOING
 * starts independent steps after a failure. Returns the exit code */
int build(struct graph *g, char **names, size_t n, int jobs, int keepgoing);
/* prints for each step NAMES need whether it is up to date or why it would run */
void explain(struct graph *g, char **names, size_t n);
/* removes build/ and the artifacts, and with STEPS the step cache's entries;
 * never the download cache */
void clean(const struct graph *g, int steps);
