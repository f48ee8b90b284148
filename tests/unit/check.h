/* A tiny test runner for tests/unit/test_<module>.c: CHECK(cond) counts and
 * reports a failed condition; checkdone() prints "N passed, N failed" and
 * returns the exit status. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int checkpassed, checkfailed;
static char checkdir[] = "/tmp/xenlive-unit.XXXXXX";

#define CHECK(c) ((c) ? (void)checkpassed++ \
	: (void)(checkfailed++, fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c)))

static inline int checkdone(void)
{
	char cmd[64];

	if (checkdir[sizeof checkdir - 2] != 'X') {
		snprintf(cmd, sizeof cmd, "rm -rf %s", checkdir);
		if (system(cmd) != 0)
			checkfailed++;
	}
	printf("%d passed, %d failed\n", checkpassed, checkfailed);
	return checkfailed != 0;
}

/* makes a fresh temporary folder the current one; checkdone removes it */
static inline void checktmp(void)
{
	if (!mkdtemp(checkdir) || chdir(checkdir) < 0) {
		perror("checktmp");
		exit(2);
	}
}

/* writes TEXT to file PATH */
static inline void checkwrite(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) == EOF) {
		perror(path);
		exit(2);
	}
}

/* runs FN(ARG) in a child, which is expected to exit; returns its exit
 * status and leaves what it wrote to stderr in ERR (SIZE bytes at most) */
static inline int checkchild(void (*fn)(void *), void *arg, char *err, size_t size)
{
	FILE *tmp = tmpfile();
	pid_t pid;
	int status;
	size_t n;

	if (!tmp)
		exit(2);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(tmp), 2);
		fn(arg);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	rewind(tmp);
	n = fread(err, 1, size - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
