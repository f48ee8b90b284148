/* Cache keys and the step cache STEPS ($XENLIVE_STEPS, default
 * $XENLIVE_CACHE/steps), shared by every source tree on the machine:
 *   STEPS/KEY/       a step's outputs, renamed in whole from STEPS/tmp/
 *   STEPS/KEY.stat   the listing's hash and each declared output's type, size
 *                    and mtime, checked whenever the entry is reused
 *   STEPS/KEY.tree   their listing (hash.h), written last: its hash is the
 *                    output hash; a KEY without it is an interrupted commit
 *   STEPS/tmp/NAME/  a running builder's outputs in progress; NAME/.lock is
 *                    flocked while that builder lives
 *   STEPS/.lock      flocked while a builder commits an entry
 * and under build/ in the source root:
 *   out/STEP         symlink to the current STEPS/KEY (absolute)
 *   state/steps/STEP the key and inputs of STEP's last build, for explain */

struct graph;
struct step;
struct input;

/* adds the inputs known before deps are built: name, version, argv, script,
 * env values, file hashes, pin hashes; fatal at the recipe line if a file
 * cannot be read */
void inputsstatic(const struct graph *g, struct step *s);
/* adds one input per dep, its output hash, and computes s->key */
void inputsdeps(struct step *s);
/* finds the step cache from XENLIVE_STEPS or XENLIVE_CACHE (as cacheinit
 * left it); call before changing directory */
void stepsinit(void);
/* the step cache folder, absolute */
const char *stepsdir(void);
/* 1 if STEPS/KEY is complete and intact, with s->outhash set from its
 * listing; else 0 with *WHY NULL when there is no complete entry, or saying
 * what is damaged (valid until the next call) */
int cachehas(struct step *s, const char **why);
/* the first declared output missing from folder OUT, or NULL */
const char *cachemissing(const struct step *s, const char *out);
/* this builder's folder for outputs in progress, STEPS/tmp/NAME, created
 * and locked on first use, which also removes the folders of dead builders */
const char *cachetmp(void);
/* removes this builder's folder in STEPS/tmp, if it made one */
void cachetmpremove(void);
/* moves folder OUT (in cachetmp()) into STEPS/KEY and writes KEY.stat and
 * KEY.tree, or, when another builder committed KEY meanwhile, removes OUT
 * and uses theirs; sets s->outhash and points out/STEP at the entry.
 * 0, or -1 with a warning */
int cachecommit(struct step *s, const char *out);
/* points out/STEP at STEPS/KEY (symlink + rename) */
void cachelink(const struct step *s);
/* empties the step cache but for the folders of running builders; returns
 * how many entries it removed */
size_t cacheclear(void);
/* saves s->key and s->inputs as STEP's last build record */
void staterecord(const struct step *s);
/* the inputs of STEP's last build record, or NULL; *N gets their count */
struct input *stateread(const char *step, size_t *n);
