/* xenlive-metrics: this node's Xen, DRBD and lab migration figures for
 * Prometheus, at /metrics, for clients with the bearer token only. Off by
 * default: `xenlive-lab start` starts it on the node's LAN address. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util.h"
#include "snap.h"
#include "expo.h"
#include "drbd.h"
#include "migr.h"
#include "http.h"
#include "serve.h"
#include "view.h"

#define DEFPORT "9900"

static const char *procdrbd = "/proc/drbd";
static const char *drbddir = "/etc/drbd.d";
static const char *migrfile = "/var/lib/xenlive/lab/migrations";
static const char *viewfile;
static char token[256];
static struct snap snap;

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s --listen ADDRESS[:PORT] --token-file FILE [OPTION...]\n"
		"       %s --once [OPTION...]\n"
		"Serves this node's metrics in Prometheus' text format at /metrics (HTTP,\n"
		"port %s unless given), to requests with \"Authorization: Bearer TOKEN\"\n"
		"only, TOKEN being the first line of FILE (mode 0600); others get 401 and\n"
		"a line on stderr. --once prints the metrics on stdout and exits.\n"
		"  --view FILE           also serve / : a status page of the lab from FILE,\n"
		"                        which xenlive-lab remakes when FILE.want (touched\n"
		"                        at each request of /) is newer; browsers give the\n"
		"                        token as the password of Basic authentication\n"
		"  --proc-drbd FILE      DRBD's state (%s)\n"
		"  --drbd-dir DIR        DRBD resources, named from DIR/*.res (%s)\n"
		"  --migrations FILE     xenlive-lab migrate's counts (%s)\n",
		argv0, argv0, DEFPORT, procdrbd, drbddir, migrfile);
	exit(status);
}

/* token from the first line of path, which only its owner may read */
static void readtoken(const char *path)
{
	struct buf b = {0};
	struct stat st;
	size_t n;

	if (bufread(&b, path, 4096) < 0)
		fatal("unable to read the token file %s: %s", path, strerror(errno));
	if (stat(path, &st) < 0)
		fatal("unable to stat %s: %s", path, strerror(errno));
	if (st.st_mode & 077)
		fatal("%s may be read by others (mode %04o): chmod 600 it", path,
			(unsigned)st.st_mode & 07777);
	n = strcspn(b.s, "\r\n");
	if (n < 16 || n >= sizeof token)
		fatal("%s: the token must be one line of 16 to %zu characters", path, sizeof token - 1);
	memcpy(token, b.s, n);
	free(b.s);
}

/* the metrics into body; -1 with a message in err when Xen does not answer */
static int gather(struct buf *body, char *err, size_t size)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (snapxen(&snap, err, size) < 0)
		return -1;
	drbdread(&snap, procdrbd, drbddir);
	migrread(&snap, migrfile);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snap.seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	bufreset(body);
	expofmt(body, &snap);
	return 0;
}

/* the status page into body, from the view file; its .want file says
 * someone looks */
static void page(struct buf *body)
{
	static struct buf view, want;
	int fd;

	bufreset(&want);
	bufprintf(&want, "%s.want", viewfile);
	fd = open(want.s, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || futimens(fd, 0) < 0)
		logline("warning: unable to touch %s: %s", want.s, strerror(errno));
	if (fd >= 0)
		close(fd);
	bufreset(body);
	viewhtml(body, bufread(&view, viewfile, 1 << 20) < 0 ? 0 : view.s, 10);
}

static void answer(const struct req *r, const char *peer, struct buf *out)
{
	static struct buf body;
	char err[256];

	if (!r->hastoken || !tokeneq(r->token, token)) {
		logline("401 from %s: %s %s %s", peer, r->method, r->path,
			r->hastoken ? "with a wrong token" : "without a token");
		httptext(out, 401, "WWW-Authenticate: Bearer realm=\"xenlive\"\r\n"
			"WWW-Authenticate: Basic realm=\"xenlive\", charset=\"UTF-8\"\r\n",
			"unauthorized");
		return;
	}
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		httptext(out, 405, "Allow: GET, HEAD\r\n", "only GET");
		return;
	}
	if (viewfile && !strcmp(r->path, "/")) {
		page(&body);
		httphead(out, 200, "text/html; charset=utf-8", body.len,
			"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
			"frame-ancestors 'none'\r\n");
		if (strcmp(r->method, "HEAD"))
			bufput(out, body.s, body.len);
		return;
	}
	if (strcmp(r->path, "/metrics")) {
		httptext(out, 404, 0, "not found");
		return;
	}
	if (gather(&body, err, sizeof err) < 0) {
		logline("500 for %s: %s", peer, err);
		httptext(out, 500, 0, err);
		return;
	}
	httphead(out, 200, EXPO_CTYPE, body.len, 0);
	if (strcmp(r->method, "HEAD"))
		bufput(out, body.s, body.len);
}

int main(int argc, char **argv)
{
	const char *listen = 0, *tokenfile = 0;
	char err[256];
	int once = 0, i, fd;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--once")) once = 1;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) usage(0);
		else if (i + 1 >= argc) usage(100);
		else if (!strcmp(a, "--listen")) listen = argv[++i];
		else if (!strcmp(a, "--token-file")) tokenfile = argv[++i];
		else if (!strcmp(a, "--proc-drbd")) procdrbd = argv[++i];
		else if (!strcmp(a, "--drbd-dir")) drbddir = argv[++i];
		else if (!strcmp(a, "--migrations")) migrfile = argv[++i];
		else if (!strcmp(a, "--view")) viewfile = argv[++i];
		else usage(100);
	}
	if (once ? listen || tokenfile : !listen || !tokenfile)
		usage(100);
	if (snapopen(err, sizeof err) < 0)
		fatal("%s", err);
	if (once) {
		struct buf body = {0};

		if (gather(&body, err, sizeof err) < 0)
			fatal("%s", err);
		if (fwrite(body.s, 1, body.len, stdout) != body.len || fflush(stdout))
			fatal("unable to write the metrics: %s", strerror(errno));
		return 0;
	}
	readtoken(tokenfile);
	signal(SIGPIPE, SIG_IGN);
	fd = servelisten(listen, DEFPORT);
	logline("serving /metrics%s on %s", viewfile ? " and /" : "", listen);
	serve(fd, answer);
	return 111;
}
