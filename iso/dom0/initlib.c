/* initlib: shared by the initramfs /init's files; see initlib.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "initlib.h"

/* From <linux/loop.h>, defined here so no kernel headers are needed. */
#define LOOP_SET_FD        0x4C00
#define LOOP_SET_STATUS64  0x4C04
#define LOOP_CTL_GET_FREE  0x4C82
#define LO_FLAGS_READ_ONLY 1
#define LO_FLAGS_AUTOCLEAR 4
struct loop_info64 {
	uint64_t lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit;
	uint32_t lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags;
	uint8_t lo_file_name[64], lo_crypt_name[64], lo_encrypt_key[32];
	uint64_t lo_init[2];
};

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

int loopattach(const char *file, int rw, char *loop, size_t size, char *err, size_t errsize)
{
	struct loop_info64 info;
	int ctl, n, lfd, ffd, mode = rw ? O_RDWR : O_RDONLY;

	if ((ffd = open(file, mode | O_CLOEXEC)) < 0) {
		snprintf(err, errsize, "open %s: %s", file, strerror(errno));
		return -1;
	}
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		snprintf(err, errsize, "open /dev/loop-control (is the loop module loaded?): %s",
		         strerror(errno));
		close(ffd);
		return -1;
	}
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0) {
		snprintf(err, errsize, "get a free loop device: %s", strerror(errno));
		close(ffd);
		return -1;
	}
	snprintf(loop, size, "/dev/loop%d", n);
	if ((lfd = open(loop, mode | O_CLOEXEC)) < 0) {
		snprintf(err, errsize, "open %s: %s", loop, strerror(errno));
	} else if (ioctl(lfd, LOOP_SET_FD, ffd) < 0) {
		snprintf(err, errsize, "attach %s to %s: %s", file, loop, strerror(errno));
	} else {
		memset(&info, 0, sizeof info);
		info.lo_flags = (rw ? 0 : LO_FLAGS_READ_ONLY) | LO_FLAGS_AUTOCLEAR;
		strncpy((char *)info.lo_file_name, file, sizeof info.lo_file_name - 1);
		if (ioctl(lfd, LOOP_SET_STATUS64, &info) == 0) {
			close(ffd);
			return lfd;
		}
		snprintf(err, errsize, "set status of %s: %s", loop, strerror(errno));
	}
	if (lfd >= 0) close(lfd);
	close(ffd);
	return -1;
}
