/* Messages, allocation and small file helpers shared by every module.
 * The builder runs once and exits: tables live until exit unless said. */

#include <stddef.h>

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NORETURN
#define PRINTF(f, a)
#endif

enum {
	EXITSTEP = 1,    /* a step failed */
	EXITUSAGE = 100, /* bad command line or bad input file */
	EXITSYS = 111,   /* a system call or the fetcher failed */
};

/* a growing NUL-terminated string */
struct buf {
	char *s;
	size_t len, cap;
};

/* called by fatal() before exiting, to stop jobs and remove temporary files */
extern void (*fatalhook)(void);

/* prints "xenlive-build: fatal: MSG" and exits with CODE */
NORETURN void fatal(int code, const char *fmt, ...) PRINTF(2, 3);
/* fatal(EXITSYS, ...) with ": " and the errno text appended */
NORETURN void sysfatal(const char *fmt, ...) PRINTF(1, 2);
/* prints "FILE:LINE: MSG" (or "FILE: MSG" when LINE is 0) and exits 100 */
NORETURN void parsefatal(const char *file, int line, const char *fmt, ...) PRINTF(3, 4);
/* prints "xenlive-build: warning: MSG" */
void warn(const char *fmt, ...) PRINTF(1, 2);
/* warn() with ": " and the errno text appended */
void syswarn(const char *fmt, ...) PRINTF(1, 2);

/* malloc that exits on failure */
void *xmalloc(size_t n);
/* calloc that exits on failure */
void *xcalloc(size_t n, size_t size);
/* realloc of N elements of SIZE, checking the product; exits on failure */
void *xreallocarray(void *p, size_t n, size_t size);
/* strdup that exits on failure */
char *xstrdup(const char *s);
/* a newly allocated formatted string */
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);

/* appends N bytes of S to B */
void bufadd(struct buf *b, const void *s, size_t n);
/* appends the string S to B */
void bufputs(struct buf *b, const char *s);
/* appends formatted text to B */
void bufprintf(struct buf *b, const char *fmt, ...) PRINTF(2, 3);

/* 1 if S is a step or pin name: [a-z0-9_-]+ */
int isname(const char *s);
/* 1 if S is a shell variable name: [A-Za-z_][A-Za-z0-9_]* */
int isvarname(const char *s);
/* PREFIX followed by NAME with '-' turned into '_' (PIN_xen_src) */
char *envname(const char *prefix, const char *name);

/* creates PATH and its missing parents; 0, or -1 with errno */
int mkdirp(const char *path);
/* removes PATH and everything below it, warning about what stays; 0 or -1 */
int rmrf(const char *path);
/* the whole file at PATH, NUL-terminated; NULL with errno on failure */
char *readfile(const char *path, size_t *len);
/* copies file SRC to DST (mode MODE) through DST.tmp.PID, synced, and
 * rename: DST is whole or untouched; 0, or -1 with errno */
int copyfile(const char *src, const char *dst, unsigned mode);
/* replaces PATH with DATA through PATH.tmp.PID and rename; 0, or -1 with errno */
int writefile(const char *path, const void *data, size_t len);
/* wall clock in nanoseconds */
long long nownsec(void);
