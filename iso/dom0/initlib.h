/* initlib: what the initramfs /init's files (init.c, initnet.c,
 * persist.c) share: console messages, small file reads and the loop
 * device interface. */
#ifndef XENLIVE_INITLIB_H
#define XENLIVE_INITLIB_H

#include <stdarg.h>
#include <stddef.h>

/* One line on stderr: "xenlive-init: " pre, then the formatted text. */
void vsay(const char *pre, const char *fmt, va_list ap);

/* vsay without a prefix. */
void say(const char *fmt, ...);

/* Reads a small file into buf; returns its length without a trailing
 * newline, or -1. */
int readsmall(const char *path, char *buf, size_t size);

/* Attaches file to a free loop device (read-only unless rw), detached by
 * the kernel once the last user goes (autoclear); its name goes to loop.
 * Returns the loop device's descriptor, to be closed only after the
 * mount on it (closing an unused autoclear device detaches it), or -1
 * with what failed in err. */
int loopattach(const char *file, int rw, char *loop, size_t size, char *err, size_t errsize);

#endif
