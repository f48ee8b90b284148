/* Child processes. Each step runs in its own process group, dies with the
 * builder (PR_SET_PDEATHSIG) and has its output in a log file. SIGCHLD,
 * SIGINT and SIGTERM wake runwait() through a self-pipe; SIGINT or SIGTERM
 * with no child running ends the builder at once. */

#include <sys/types.h>

struct buf;

/* installs the signal handlers */
void runinit(void);
/* the SIGINT or SIGTERM received so far, or 0 */
int runsignal(void);
/* starts ARGV (PATH searched) in folder DIR with environment ENV in a new
 * process group, stdin from /dev/null, stdout and stderr to LOGFD */
pid_t runstart(char *const *argv, char *const *env, const char *dir, int logfd);
/* waits up to MS milliseconds for a started child; returns its pid with
 * *STATUS set, 0 on timeout, -1 when a signal asks to stop */
pid_t runwait(int ms, int *status);
/* kills the process group of every started child: SIGTERM, then SIGKILL */
void runstopall(void);
/* runs ARGV in the foreground with stdout into OUT (to stderr when OUT is
 * NULL); returns its exit code, or 128 + signal */
int runcapture(char *const *argv, struct buf *out);
