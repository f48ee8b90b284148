/* initlib: what the initramfs /init's files (init.c, initnet.c,
 * persist.c) share: console messages, small file reads and the loop
 * device interface. */
#ifndef XENLIVE_INITLIB_H
#define XENLIVE_INITLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

/* One line on stderr: "xenlive-init: " pre, then the formatted text. */
void vsay(const char *pre, const char *fmt, va_list ap);

/* vsay without a prefix. */
void say(const char *fmt, ...);

/* Reads a small file into buf; returns its length without a trailing
 * newline, or -1. */
int readsmall(const char *path, char *buf, size_t size);

#endif
