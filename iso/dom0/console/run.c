/* run: the commands behind the dashboard's actions, run from argv arrays:
 * in the foreground on the terminal (consoles, shells, commands that ask
 * questions), or in the background with their output kept, whose one-line
 * result the status line shows. */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

struct job jobs[NJOBS];

/* child: the process argv becomes, with the signals a command expects */
static void child(char *const argv[])
{
	int s;

	for (s = 1; s < NSIG; s++) signal(s, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "xenlive-console: fatal: unable to run %s: %s\n", argv[0], strerror(errno));
	_exit(111);
}

static int waitfor(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int runfg(char *const argv[], const char *intro, int pause)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit, ottou;
	pid_t pid;
	int st;
	char c;

	def_prog_mode();
	endwin();
	if (intro) printf("%s\n", intro);
	fflush(stdout);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	sigaction(SIGTTOU, &ign, &ottou);
	pid = fork();
	if (pid == 0) child(argv);
	st = pid < 0 ? -1 : waitfor(pid);
	if (pid < 0) printf("xenlive-console: unable to fork: %s\n", strerror(errno));
	/* a shell with job control leaves the terminal to its own group */
	tcsetpgrp(0, getpgrp());
	if (pause) {
		printf("\n[Enter: back to the dashboard]");
		fflush(stdout);
		while (read(0, &c, 1) == 1 && c != '\n' && c != '\r')
			;
	}
	sigaction(SIGINT, &oint, 0);
	sigaction(SIGQUIT, &oquit, 0);
	sigaction(SIGTTOU, &ottou, 0);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return st;
}

/* spawn: argv with stdin /dev/null, or a pipe holding in (when not 0),
 * and stdout+stderr into a pipe, in a session of its own (no signal from
 * the terminal); the pipe's read end */
static pid_t spawn(char *const argv[], const char *in, int *fd)
{
	int p[2], q[2] = { -1, -1 };
	pid_t pid;

	if (pipe(p) < 0) return -1;
	/* in is short (a passphrase): the pipe holds it before the child reads */
	if (in && (strlen(in) > 4096 || pipe(q) < 0)) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		if (in) {
			close(q[0]);
			close(q[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int null = in ? q[0] : open("/dev/null", O_RDONLY);

		setsid();
		if (null >= 0) dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (in) {
			close(q[0]);
			close(q[1]);
		}
		child(argv);
	}
	close(p[1]);
	if (in) {
		size_t n = strlen(in);
		ssize_t w;

		close(q[0]);
		while ((w = write(q[1], in, n)) < 0 && errno == EINTR)
			;
		close(q[1]);
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	*fd = p[0];
	return pid;
}

/* keep: appends n bytes to a tail buffer of size bytes, dropping the oldest */
static void keep(char *buf, size_t size, size_t *len, const char *b, size_t n)
{
	if (n >= size - 1) {
		b += n - (size - 1);
		n = size - 1;
	}
	if (*len + n > size - 1) {
		size_t drop = *len + n - (size - 1);
		memmove(buf, buf + drop, *len - drop);
		*len -= drop;
	}
	memcpy(buf + *len, b, n);
	*len += n;
	buf[*len] = 0;
}

int runout(char *const argv[], char *buf, size_t size)
{
	char b[512];
	size_t len = 0;
	ssize_t n;
	int fd;
	pid_t pid = spawn(argv, 0, &fd);

	buf[0] = 0;
	if (pid < 0) return -1;
	for (;;) {
		n = read(fd, b, sizeof b);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) break;
		keep(buf, size, &len, b, n);
	}
	close(fd);
	return waitfor(pid);
}

struct job *jobstartin(const char *what, char *const argv[], const char *in, char *err, size_t size)
{
	struct job *j;
	int i;

	for (i = 0; i < NJOBS && jobs[i].pid; i++)
		;
	if (i == NJOBS) {
		snprintf(err, size, "%d commands run already: wait for one to end", NJOBS);
		return 0;
	}
	j = &jobs[i];
	memset(j, 0, sizeof *j);
	j->pid = spawn(argv, in, &j->fd);
	if (j->pid < 0) {
		snprintf(err, size, "unable to run %s: %s", argv[0], strerror(errno));
		j->pid = 0;
		return 0;
	}
	fcntl(j->fd, F_SETFL, O_NONBLOCK);
	snprintf(j->what, sizeof j->what, "%s", what);
	return j;
}

struct job *jobstart(const char *what, char *const argv[], char *err, size_t size)
{
	return jobstartin(what, argv, 0, err, size);
}

void lastline(const char *out, char *buf, size_t size)
{
	const char *p = out, *e, *l = 0;
	size_t n = 0;

	while (*p) {
		e = strchr(p, '\n');
		if (!e) e = p + strlen(p);
		if (e > p) {
			l = p;
			n = e - p;
		}
		p = *e ? e + 1 : e;
	}
	snprintf(buf, size, "%.*s", l ? (int)n : 0, l ? l : "");
}

void errline(const char *out, char *buf, size_t size)
{
	const char *p = out, *e, *f, *best = 0;
	size_t bn = 0;

	/* the first line that says fatal or error (libxl's later ones are
	 * about cleaning up), else the last line */
	for (; *p && !best; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e) e = p + strlen(p);
		if (e > p && (memmem(p, e - p, "fatal", 5) || memmem(p, e - p, "error", 5) ||
		              memmem(p, e - p, "rror:", 5))) {
			best = p;
			bn = e - p;
		}
	}
	if (!best) {
		lastline(out, buf, size);
		return;
	}
	/* libxl's source position is no help: "libxl: error: libxl_x.c:12:fn: " */
	if (!strncmp(best, "libxl: error: ", 14)) {
		const char *s = memchr(best + 14, ' ', bn - 14);
		if (s) {
			bn -= s + 1 - best;
			best = s + 1;
		}
	}
	/* nor our commands' own names: "xenlive-guest: fatal: " */
	if ((f = memmem(best, bn < 40 ? bn : 40, ": fatal: ", 9))) {
		bn -= f + 9 - best;
		best = f + 9;
	}
	snprintf(buf, size, "%.*s", (int)bn, best);
}

int jobread(struct job *j, char *msg, size_t size)
{
	char b[512], line[256];
	ssize_t n;
	int st;

	for (;;) {
		n = read(j->fd, b, sizeof b);
		if (n > 0) {
			keep(j->out, sizeof j->out, &j->len, b, n);
			continue;
		}
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) return 0;
		break;
	}
	close(j->fd);
	st = waitfor(j->pid);
	j->pid = 0;
	if (st == 0) lastline(j->out, line, sizeof line);
	else errline(j->out, line, sizeof line);
	if (st == 0) {
		if (j->rm[0]) unlink(j->rm);
		snprintf(msg, size, "%s: done%s%s", j->what, line[0] ? ": " : "", line);
	} else {
		snprintf(msg, size, "%s failed: %s", j->what, line[0] ? line : "(no message)");
	}
	return 1;
}
