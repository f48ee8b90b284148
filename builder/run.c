#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"
#include "run.h"

extern char **environ;

static int wake[2] = {-1, -1};
static volatile sig_atomic_t gotsig, busy;  /* busy: children we must clean up after */
static pid_t *live, capturepid;
static size_t nlive;

static void onsignal(int sig)
{
	int err = errno;

	if (sig != SIGCHLD) {
		if (!busy)
			_exit(128 + sig);
		gotsig = sig;
	}
	if (write(wake[1], "", 1) < 0) {
		/* the pipe is full: runwait will wake anyway */
	}
	errno = err;
}

void runinit(void)
{
	struct sigaction sa;
	int i;

	if (pipe(wake) < 0)
		sysfatal("unable to create a pipe");
	for (i = 0; i < 2; i++)
		if (fcntl(wake[i], F_SETFD, FD_CLOEXEC) < 0 || fcntl(wake[i], F_SETFL, O_NONBLOCK) < 0)
			sysfatal("unable to set up a pipe");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_flags = 0;  /* interrupt blocking calls so the builder can stop */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int runsignal(void)
{
	return gotsig;
}

/* the common start of a child: die with the parent, default signals */
static void childsetup(pid_t parent, int deathsig)
{
	int fd;

	signal(SIGCHLD, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, deathsig);
	if (getppid() != parent)
		_exit(111);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		_exit(111);
}

static NORETURN void childexec(char *const *argv)
{
	execvp(argv[0], argv);
	dprintf(2, "xenlive-build: fatal: unable to run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

pid_t runstart(char *const *argv, char *const *env, const char *dir, int logfd)
{
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid < 0)
		sysfatal("unable to fork");
	if (pid == 0) {
		setpgid(0, 0);
		childsetup(parent, SIGKILL);
		if (dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(111);
		if (chdir(dir) < 0) {
			dprintf(2, "xenlive-build: fatal: unable to enter %s: %s\n", dir, strerror(errno));
			_exit(111);
		}
		/* a step's files get the same modes whatever the caller's umask */
		umask(022);
		environ = (char **)env;
		childexec(argv);
	}
	setpgid(pid, pid);  /* also here, so that kill(-pid) works at once */
	live = xreallocarray(live, nlive + 1, sizeof *live);
	live[nlive++] = pid;
	busy++;
	return pid;
}

static int forget(pid_t pid)
{
	size_t i;

	for (i = 0; i < nlive; i++)
		if (live[i] == pid) {
			live[i] = live[--nlive];
			busy--;
			return 1;
		}
	return 0;
}

pid_t runwait(int ms, int *status)
{
	long long deadline = nownsec() + (long long)ms * 1000000;
	struct pollfd pfd = {wake[0], POLLIN, 0};
	char drain[64];
	pid_t pid;

	for (;;) {
		if (gotsig)
			return -1;
		pid = waitpid(-1, status, WNOHANG);
		if (pid > 0 && forget(pid)) {
			kill(-pid, SIGKILL);  /* what the step left behind in its group */
			return pid;
		}
		long long left = deadline - nownsec();
		if (left <= 0 || (pid < 0 && errno == ECHILD))
			return 0;
		poll(&pfd, 1, (int)(left / 1000000) + 1);
		while (read(wake[0], drain, sizeof drain) > 0)
			;
	}
}

void runstopall(void)
{
	pid_t *groups = xreallocarray(NULL, nlive, sizeof *groups);
	size_t n = nlive, i, tries;
	int status;

	memcpy(groups, live, n * sizeof *groups);
	for (i = 0; i < n; i++)
		kill(-groups[i], SIGTERM);
	for (tries = 0; nlive && tries < 60; tries++) {
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0)
			forget(pid);
		else
			poll(NULL, 0, 50);
	}
	for (i = 0; i < n; i++)
		kill(-groups[i], SIGKILL);
	while (nlive) {
		if (waitpid(live[0], &status, 0) < 0 && errno == EINTR)
			continue;
		forget(live[0]);
	}
	if (capturepid)
		kill(capturepid, SIGTERM);
	free(groups);
}

static int exitcode(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int runcapture(char *const *argv, struct buf *out)
{
	pid_t parent = getpid(), pid;
	int p[2] = {-1, -1}, status, sent = 0;
	char chunk[4096];
	ssize_t n;

	if (out && (pipe(p) < 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(p[1], F_SETFD, FD_CLOEXEC) < 0))
		sysfatal("unable to create a pipe");
	pid = fork();
	if (pid < 0)
		sysfatal("unable to fork");
	if (pid == 0) {
		childsetup(parent, SIGTERM);
		if (dup2(out ? p[1] : 2, 1) < 0)
			_exit(111);
		childexec(argv);
	}
	capturepid = pid;
	busy++;
	if (out) {
		close(p[1]);
		bufadd(out, "", 0);
		while ((n = read(p[0], chunk, sizeof chunk)) != 0) {
			if (n > 0)
				bufadd(out, chunk, (size_t)n);
			else if (errno != EINTR)
				sysfatal("unable to read the output of %s", argv[0]);
			if (gotsig && !sent)
				sent = 1, kill(pid, gotsig);
		}
		close(p[0]);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			sysfatal("unable to wait for %s", argv[0]);
		if (gotsig && !sent)
			sent = 1, kill(pid, gotsig);
	}
	capturepid = 0;
	busy--;
	return exitcode(status);
}
