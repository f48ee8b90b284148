/* run: commands the dashboard runs for the user, from argv (no shell). */

struct job {
	pid_t pid;                 /* 0: slot free */
	int fd;                    /* its stdout and stderr */
	char what[96];             /* "start files" */
	char out[2048];            /* the tail of its output */
	size_t len;
	char rm[256];              /* file to remove when it succeeds, or "" */
};

#define NJOBS 8
extern struct job jobs[NJOBS];

/* runfg: argv on the terminal (the screen given back first); when pause,
 * waits for Enter after it ends; its exit status, -1 if it did not run */
int runfg(char *const argv[], const char *intro, int pause);
/* runout: argv's output (stdout and stderr) into buf, waiting for it;
 * its exit status, -1 if it did not run */
int runout(char *const argv[], char *buf, size_t size);
/* jobstart: argv in the background, stdin /dev/null, output kept; the job
 * or 0 (with a message in err) */
struct job *jobstart(const char *what, char *const argv[], char *err, size_t size);
/* jobstartin: the same with in (a line or two, such as a passphrase) on
 * its stdin, through a pipe: never in a file, never an argument */
struct job *jobstartin(const char *what, char *const argv[], const char *in, char *err, size_t size);
/* jobread: reads what job j wrote; 1 when it ended, with its one-line
 * result (success or its error) in msg */
int jobread(struct job *j, char *msg, size_t size);
/* lastline: the last line of out that is not empty, into buf */
void lastline(const char *out, char *buf, size_t size);
/* errline: the line of out that says what went wrong, into buf */
void errline(const char *out, char *buf, size_t size);
