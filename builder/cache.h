/* Cache keys and the output cache under build/:
 *   cache/KEY/       a step's outputs, renamed in whole from tmp/
 *   cache/KEY.tree   their listing (hash.h); its hash is the output hash
 *   out/STEP         symlink to the current cache/KEY
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
/* 1 if cache/KEY is complete, with s->outhash set from its listing */
int cachehas(struct step *s);
/* the first declared output missing from folder OUT, or NULL */
const char *cachemissing(const struct step *s, const char *out);
/* moves folder OUT into cache/KEY, writes its listing, sets s->outhash and
 * points out/STEP at it; 0, or -1 with a warning */
int cachecommit(struct step *s, const char *out);
/* points out/STEP at cache/KEY (symlink + rename) */
void cachelink(const struct step *s);
/* saves s->key and s->inputs as STEP's last build record */
void staterecord(const struct step *s);
/* the inputs of STEP's last build record, or NULL; *N gets their count */
struct input *stateread(const char *step, size_t *n);
