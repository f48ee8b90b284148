#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

void (*fatalhook)(void);

static void vmsg(const char *kind, const char *fmt, va_list ap, int err)
{
	fflush(stdout);
	fprintf(stderr, "xenlive-build: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

static NORETURN void die(int code)
{
	void (*hook)(void) = fatalhook;

	fatalhook = NULL;  /* a hook that fails must not loop */
	if (hook)
		hook();
	exit(code);
}

void fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("fatal", fmt, ap, 0);
	va_end(ap);
	die(code);
}

void sysfatal(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg("fatal", fmt, ap, err);
	va_end(ap);
	die(EXITSYS);
}

void parsefatal(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (line > 0)
		fprintf(stderr, "%s:%d: ", file, line);
	else
		fprintf(stderr, "%s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	die(EXITUSAGE);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap, 0);
	va_end(ap);
}

void syswarn(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap, err);
	va_end(ap);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal(EXITSYS, "out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal(EXITSYS, "out of memory");
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		fatal(EXITSYS, "out of memory");
	p = realloc(p, n && size ? n * size : 1);
	if (!p)
		fatal(EXITSYS, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static char *xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *s;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatal(EXITSYS, "bad format string");
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void bufadd(struct buf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void bufputs(struct buf *b, const char *s)
{
	bufadd(b, s, strlen(s));
}

void bufprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	bufputs(b, s);
	free(s);
}

int isname(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", *s))
			return 0;
	return 1;
}

int isvarname(const char *s)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";

	if (!*s || !strchr(alpha, *s))
		return 0;
	for (s++; *s; s++)
		if (!strchr(alpha, *s) && !strchr("0123456789", *s))
			return 0;
	return 1;
}

char *envname(const char *prefix, const char *name)
{
	char *s = xasprintf("%s%s", prefix, name), *p;

	for (p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

int mkdirp(const char *path)
{
	char *p, *s;
	int rc = 0;

	if (!*path)
		return errno = ENOENT, -1;
	p = xstrdup(path);
	for (s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (!c)
			break;
	}
	if (rc == 0) {
		struct stat st;
		if (stat(path, &st) < 0)
			rc = -1;
		else if (!S_ISDIR(st.st_mode))
			errno = ENOTDIR, rc = -1;
	}
	free(p);
	return rc;
}

int rmrf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : (syswarn("unable to remove %s", path), -1);
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);  /* a step may leave read-only folders */
		d = opendir(path);
		if (!d && errno == ENOENT)
			return 0;  /* another builder removed it first */
		if (!d) {
			syswarn("unable to open %s", path);
			return -1;
		}
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *sub = xasprintf("%s/%s", path, e->d_name);
			if (rmrf(sub) < 0)
				rc = -1;
			free(sub);
		}
		closedir(d);
		if (rmdir(path) < 0 && errno != ENOENT)
			syswarn("unable to remove %s", path), rc = -1;
	} else if (unlink(path) < 0 && errno != ENOENT) {
		syswarn("unable to remove %s", path), rc = -1;
	}
	return rc;
}

char *readfile(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct buf b = {0};
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return NULL;
	bufadd(&b, "", 0);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			close(fd);
			free(b.s);
			errno = err;
			return NULL;
		}
		bufadd(&b, chunk, (size_t)n);
	}
	close(fd);
	if (len)
		*len = b.len;
	return b.s;
}

int writefile(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	const char *p = data;
	int fd, err;
	ssize_t n;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		goto fail;
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			goto fail;
		}
		p += n, len -= (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	err = errno;
	unlink(tmp);
	free(tmp);
	errno = err;
	return -1;
}

int copyfile(const char *src, const char *dst, unsigned mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", dst, (long)getpid());
	static char chunk[1 << 16];
	int in, out = -1, err;
	ssize_t n, w, off;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode)) < 0)
		goto fail;
	while ((n = read(in, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		for (off = 0; off < n; off += w)
			if ((w = write(out, chunk + off, (size_t)(n - off))) < 0) {
				if (errno != EINTR)
					goto fail;
				w = 0;
			}
	}
	/* the umask must not narrow MODE; synced before it takes DST's name */
	if (fchmod(out, (mode_t)mode) < 0 || fsync(out) < 0)
		goto fail;
	err = close(out);
	out = -1;
	if (err < 0 || rename(tmp, dst) < 0)
		goto fail;
	close(in);
	free(tmp);
	return 0;
fail:
	err = errno;
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	unlink(tmp);
	free(tmp);
	errno = err;
	return -1;
}

long long nownsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
