#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *argv0 = "xenlive-metrics";

void fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: fatal: ", argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(111);
}

void logline(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(0);
	struct tm tm;
	va_list ap;

	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	fprintf(stderr, "%s %s: ", stamp, argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

static void bufroom(struct buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->s = xrealloc(b->s, b->cap);
}

void bufprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	bufroom(b, 0);
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vsnprintf failed on \"%s\"", fmt);
	if ((size_t)n >= b->cap - b->len) {
		bufroom(b, n);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += n;
}

void bufput(struct buf *b, const char *s, size_t n)
{
	bufroom(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void bufputs(struct buf *b, const char *s)
{
	bufput(b, s, strlen(s));
}

void bufreset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

int bufread(struct buf *b, const char *path, size_t max)
{
	char chunk[4096];
	ssize_t n;
	int fd, e;

	bufreset(b);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (b->len + n > max) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		bufput(b, chunk, n);
	}
	close(fd);
	bufput(b, "", 0);
	return 0;
}
