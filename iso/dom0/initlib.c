/* initlib: shared by the initramfs /init's files; see initlib.h. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "initlib.h"

void vsay(const char *pre, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "xenlive-init: %s", pre);
	if (n < 0 || (size_t)n >= sizeof buf) return;
	vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	n = strlen(buf);
	buf[n++] = '\n';
	write(2, buf, n);   /* without a console there is nobody to tell */
}

void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt); vsay("", fmt, ap); va_end(ap);
}

int readsmall(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;
	if (fd < 0) return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
	buf[n] = 0;
	return n;
}
