/* lab-stream: LZ4 compression around a command, for the live-migration
 * stream of xenlive-lab.
 *
 *   lab-stream pack COMMAND [ARG...]    our stdin, compressed, to COMMAND
 *   lab-stream unpack COMMAND [ARG...]  our stdin, decompressed, to COMMAND
 *
 * COMMAND's stdout and stderr are ours and its exit status is ours. The
 * sender's `xl migrate -s` command is `lab-stream pack dbclient ...`, the
 * receiver's lab-shell runs `lab-stream unpack xl migrate-receive`: a
 * guest's memory is largely zeros and kernel text, and it crosses an
 * encrypted channel that is the slowest part of a migration under
 * emulation.
 *
 * xl's migration protocol is a conversation (the sender waits for the
 * receiver's answers between its messages), so nothing may wait in a
 * buffer: every read() is sent at once as one frame, however small.
 * A frame is a 4-byte little-endian header, the payload's length with
 * bit 31 set when the payload is stored as is, then the payload. pack
 * opens the stream with MAGIC; unpack passes a stream without it through
 * unchanged, so a plain `xl migrate -s dbclient` still reaches xl. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lz4.h"

#define BLOCK (128 * 1024)
#define STORED 0x80000000u
static const char MAGIC[4] = {'X', 'L', 'Z', '1'};

static const char *prog = "lab-stream";
static pid_t child = -1;

static void fatal(const char *what)
{
	fprintf(stderr, "%s: fatal: %s%s%s\n", prog, what, errno ? ": " : "",
		errno ? strerror(errno) : "");
	if (child > 0)
		kill(child, SIGTERM);
	exit(111);
}

/* readchunk: what one read() gives, at most n bytes; 0 at end of input */
static size_t readchunk(int fd, char *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0)
			return (size_t)r;
		if (errno != EINTR)
			fatal("unable to read standard input");
	}
}

/* readsome: up to n bytes into buf, fewer only at the end of input; how
 * many */
static size_t readsome(int fd, char *buf, size_t n)
{
	size_t got = 0, r;

	while (got < n && (r = readchunk(fd, buf + got, n - got)) != 0)
		got += r;
	return got;
}

/* readfull: fills buf with n bytes; 0 at end of input before any, n on
 * success; a stream cut inside a frame is fatal */
static size_t readfull(int fd, char *buf, size_t n)
{
	size_t got = readsome(fd, buf, n);

	if (got != 0 && got != n) {
		errno = 0;
		fatal("the stream ends inside a frame");
	}
	return got;
}

static void writefull(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			fatal("unable to write to the command");
		buf += w;
		n -= (size_t)w;
	}
}

/* spawn: COMMAND with its stdin the read end of a new pipe; the write end */
static int spawn(char **argv)
{
	int p[2];

	if (pipe(p) < 0)
		fatal("unable to make a pipe");
	/* fewer, larger writes: a system call is dear in an emulated dom0 */
	fcntl(p[1], F_SETPIPE_SZ, 1024 * 1024);
	child = fork();
	if (child < 0)
		fatal("unable to fork");
	if (child == 0) {
		if (dup2(p[0], 0) < 0)
			_exit(111);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: fatal: unable to run %s: %s\n", prog,
			argv[0], strerror(errno));
		_exit(111);
	}
	close(p[0]);
	return p[1];
}

static void header(char *h, uint32_t v)
{
	h[0] = (char)(v & 0xff);
	h[1] = (char)(v >> 8 & 0xff);
	h[2] = (char)(v >> 16 & 0xff);
	h[3] = (char)(v >> 24 & 0xff);
}

static uint32_t unheader(const char *h)
{
	const unsigned char *u = (const unsigned char *)h;

	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
	       (uint32_t)u[3] << 24;
}

static void pack(int out)
{
	static char in[BLOCK], frame[4 + LZ4_COMPRESSBOUND(BLOCK)];

	writefull(out, MAGIC, sizeof(MAGIC));
	for (;;) {
		size_t n = readchunk(0, in, sizeof(in));
		if (n == 0)
			return;
		int c = LZ4_compress_default(in, frame + 4, (int)n,
					     LZ4_COMPRESSBOUND(BLOCK));
		if (c > 0 && (size_t)c < n) {
			header(frame, (uint32_t)c);
			writefull(out, frame, 4 + (size_t)c);
		} else {
			header(frame, (uint32_t)n | STORED);
			writefull(out, frame, 4);
			writefull(out, in, n);
		}
	}
}

static void unpack(int out)
{
	static char in[LZ4_COMPRESSBOUND(BLOCK)], data[BLOCK];
	char h[4];
	size_t got = readsome(0, h, sizeof(h));

	if (got < sizeof(h) || memcmp(h, MAGIC, sizeof(h)) != 0) {
		/* not packed: pass it through */
		writefull(out, h, got);
		while ((got = readchunk(0, data, sizeof(data))) != 0)
			writefull(out, data, got);
		return;
	}
	while (readfull(0, h, sizeof(h)) != 0) {
		uint32_t v = unheader(h), len = v & ~STORED;
		errno = 0;
		if (len > sizeof(in) || ((v & STORED) && len > sizeof(data)))
			fatal("a frame larger than any pack makes");
		if ((v & STORED) != 0) {
			readfull(0, data, len);
			writefull(out, data, len);
			continue;
		}
		readfull(0, in, len);
		int d = LZ4_decompress_safe(in, data, (int)len, sizeof(data));
		if (d < 0)
			fatal("a frame does not decompress");
		writefull(out, data, (size_t)d);
	}
}

int main(int argc, char **argv)
{
	int out, status;

	if (argc < 3 || (strcmp(argv[1], "pack") != 0 &&
			 strcmp(argv[1], "unpack") != 0)) {
		fprintf(stderr, "usage: %s pack|unpack COMMAND [ARG...]\n", prog);
		return 100;
	}
	signal(SIGPIPE, SIG_IGN);
	out = spawn(argv + 2);
	if (argv[1][0] == 'p')
		pack(out);
	else
		unpack(out);
	close(out);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			fatal("unable to wait for the command");
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
