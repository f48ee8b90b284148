/* util: messages, checked allocation and a growing text buffer. */

struct buf {
	char *s;        /* always 0-terminated once anything was added */
	size_t len, cap;
};

/* the program's name in messages; main sets it */
extern const char *argv0;

/* prints "argv0: fatal: MESSAGE" and exits 111 */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* prints "argv0: MESSAGE" on stderr, stamped with the date and time */
void logline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* realloc that never returns 0 (fatal instead) */
void *xrealloc(void *p, size_t n);
/* appends printf-formatted text to b */
void bufprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* appends n bytes to b */
void bufput(struct buf *b, const char *s, size_t n);
/* appends the string s to b */
void bufputs(struct buf *b, const char *s);
/* b becomes empty, keeping its memory */
void bufreset(struct buf *b);
/* reads the file path into b (replacing its text); -1 with errno on failure */
int bufread(struct buf *b, const char *path, size_t max);
