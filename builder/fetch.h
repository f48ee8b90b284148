/* Pinned downloads. Files live in the download cache DL ($XENLIVE_CACHE/dl),
 * shared by every source tree and never removed by `clean`. The fetcher
 * downloads into DL/.tmp-PIN.XXXXXX; files are checked against the lock
 * and renamed into DL only when their size and sha256 match. */

struct graph;
struct lockpin;
struct step;

/* finds the download cache from XENLIVE_CACHE, XDG_CACHE_HOME or HOME and
 * exports it as an absolute XENLIVE_CACHE; call before changing directory */
void cacheinit(void);
/* the download folder, created if missing */
const char *dldir(void);
/* makes sure every file of L is in the download cache, as locked */
void fetchpin(const struct graph *g, const struct lockpin *l);
/* fetches every pin of G's steps once; with DIR (not NULL), also puts their
 * files in DIR/dl/ and the lock file in DIR: a download cache for G */
void fetchall(const struct graph *g, const char *dir);
/* asks the fetcher to resolve every recipe pin and rewrites the lock file */
void fetchlock(const struct graph *g);
/* creates WORK/pins/PIN/ with links to the cached files of each pin of S */
void pinlinks(const struct step *s, const char *work);
