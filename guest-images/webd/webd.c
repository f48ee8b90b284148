/* webd: the web server of a XenLive demo guest, one process that answers
 * every request itself, one after another.
 *
 *   webd [-p PORT] DIR
 *
 * GET / is the guest's page: its name, role, address, uptime and kernel,
 * and for the `files` role the files of DIR/files and DIR/files/shared
 * (the writable disk). GET /files/NAME and /files/shared/NAME send that
 * file. Anything else is 404; a method other than GET or HEAD is 405.
 *
 * BusyBox httpd forks for every request and runs a shell for the page:
 * under emulation that cost the guest 135 ms of CPU per request, so a
 * client asking every 200 ms (the lab's migration test) took 70% of a
 * machine's only CPU from dom0. The page is read from files the kernel,
 * rcS (/etc/hostname, /etc/xenlive-role) and the DHCP script
 * (/var/run/eth0.addr) keep. A client gets 5 s to send its request and to
 * take the answer. Messages go to stderr as `webd: ...`; exit 100 on
 * misuse, 111 when the port cannot be had. */
#define _GNU_SOURCE /* accept4 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define PAGE_MAX (64 * 1024)
#define REQ_MAX 4096

static const char *dir;

/* page: the answer's body, built in place; once full, appends are dropped
 * and `cut` says so at the end of the page */
static char page[PAGE_MAX];
static size_t pagelen;
static int cut;

static void say(const char *what)
{
	fprintf(stderr, "webd: %s%s%s\n", what, errno ? ": " : "",
		errno ? strerror(errno) : "");
}

static void add(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(page + pagelen, sizeof(page) - pagelen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(page) - pagelen)
		cut = 1;
	else
		pagelen += (size_t)n;
}

/* addtext: s with the characters HTML gives a meaning escaped */
static void addtext(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': add("&lt;"); break;
		case '>': add("&gt;"); break;
		case '&': add("&amp;"); break;
		case '"': add("&quot;"); break;
		default: add("%c", *s);
		}
	}
}

/* addurl: s percent-encoded but for letters, digits and -._~ */
static void addurl(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			add("%c", c);
		else
			add("%%%02X", c);
	}
}

/* firstline: the first line of file path in buf, "" when unreadable */
static const char *firstline(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, (int)n, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	return buf;
}

static int mounted(const char *where)
{
	char line[512], pat[256];
	FILE *f = fopen("/proc/mounts", "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(pat, sizeof(pat), " %s ", where);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, pat) != NULL;
	fclose(f);
	return found;
}

static int byname(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* addlist: an item per regular file of DIR/sub, linked as /sub/NAME */
static void addlist(const char *sub)
{
	char path[512], file[1024];
	struct dirent **names;
	struct stat st;
	int i, n;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	add("<ul>\n");
	n = scandir(path, &names, NULL, byname);
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(file, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			add("<li><a href=\"/%s/", sub);
			addurl(names[i]->d_name);
			add("\">");
			addtext(names[i]->d_name);
			add("</a> (%lld bytes)</li>\n", (long long)st.st_size);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	add("</ul>\n");
}

static void makepage(void)
{
	char name[128], role[64], addr[64], kernel[128], type[32], up[64];
	long s;

	firstline("/etc/hostname", name, sizeof(name));
	firstline("/etc/xenlive-role", role, sizeof(role));
	firstline("/var/run/eth0.addr", addr, sizeof(addr));
	firstline("/proc/sys/kernel/osrelease", kernel, sizeof(kernel));
	firstline("/sys/hypervisor/guest_type", type, sizeof(type));
	s = atol(firstline("/proc/uptime", up, sizeof(up)));
	pagelen = 0;
	cut = 0;
	add("<!DOCTYPE html>\n<html><head><title>");
	addtext(name);
	add("</title></head><body>\n<h1>XenLive guest ");
	addtext(name);
	add("</h1>\n<p>Role: ");
	addtext(role);
	add("<br>Address: ");
	addtext(addr[0] ? addr : "none");
	add("<br>Uptime: %ldd %02ld:%02ld:%02ld<br>\n", s / 86400,
	    s % 86400 / 3600, s % 3600 / 60, s % 60);
	add("Kernel: ");
	addtext(kernel);
	add(", ");
	addtext(type[0] ? type : "Xen");
	add(" guest</p>\n");
	if (strcmp(role, "files") == 0) {
		add("<h2>Files</h2>\n");
		addlist("files");
		/* the writable disk, which rcS mounts and dom0 keeps */
		if (mounted("/srv/files/shared")) {
			add("<h2>Writable disk (/srv/files/shared)</h2>\n");
			addlist("files/shared");
		} else if (access("/dev/xvdb", F_OK) == 0) {
			add("<h2>Writable disk</h2><p>not mounted: see the "
			    "guest's console</p>\n");
		}
	}
	if (cut) {
		pagelen = sizeof(page) - 64;
		cut = 0;
		add("\n<p>(the page is cut here)</p>\n");
	}
	add("</body></html>\n");
}

static int sendall(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void status(int fd, const char *st, const char *type, long long len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: "
			 "%lld\r\nConnection: close\r\n\r\n", st, type, len);
	sendall(fd, head, (size_t)n);
}

/* fail: status st with a page saying it (no body for HEAD) */
static void fail(int fd, const char *st, int head)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "<html><body><h1>%s</h1></body>"
			 "</html>\n", st);
	status(fd, st, "text/html", n);
	if (!head)
		sendall(fd, body, (size_t)n);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* decode: the path of the request, %XX decoded in place and the query cut;
 * -1 for a NUL, an escape that is not one, or a `..` component */
static int decode(char *p)
{
	char *w = p, *r;

	for (r = p; *r && *r != '?'; r++) {
		if (*r == '%') {
			int h = hexval(r[1]), l = h < 0 ? -1 : hexval(r[2]);
			if (l < 0 || (h == 0 && l == 0))
				return -1;
			*w++ = (char)(h * 16 + l);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return strstr(p, "/../") || (w - p >= 3 && strcmp(w - 3, "/..") == 0)
		? -1 : 0;
}

/* sendpath: the regular file DIR/path (path is decoded and has no `..`),
 * else 404 */
static void sendpath(int fd, const char *path, int head)
{
	char file[1024], buf[16384];
	struct stat st;
	ssize_t n;
	int in;

	snprintf(file, sizeof(file), "%s%s", dir, path);
	in = open(file, O_RDONLY | O_NONBLOCK);
	if (in < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (in >= 0)
			close(in);
		fail(fd, "404 Not Found", head);
		return;
	}
	status(fd, "200 OK", "application/octet-stream",
	       (long long)st.st_size);
	while (!head && (n = read(in, buf, sizeof(buf))) > 0)
		if (sendall(fd, buf, (size_t)n) < 0)
			break;
	close(in);
}

static void serve(int fd)
{
	char req[REQ_MAX + 1], *path, *end;
	size_t len = 0;
	int head;

	/* the request line and headers, up to the blank line */
	for (;;) {
		ssize_t r = recv(fd, req + len, REQ_MAX - len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		len += (size_t)r;
		req[len] = 0;
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
		if (len == REQ_MAX) {
			fail(fd, "431 Request Header Fields Too Large", 0);
			return;
		}
	}
	head = strncmp(req, "HEAD ", 5) == 0;
	if (strncmp(req, "GET ", 4) != 0 && !head) {
		fail(fd, "405 Method Not Allowed", 0);
		return;
	}
	path = req + (head ? 5 : 4);
	end = strpbrk(path, " \r\n");
	if (!end || *path != '/') {
		fail(fd, "400 Bad Request", head);
		return;
	}
	*end = 0;
	if (decode(path) < 0) {
		fail(fd, "400 Bad Request", head);
	} else if (strcmp(path, "/") == 0) {
		makepage();
		status(fd, "200 OK", "text/html", (long long)pagelen);
		if (!head)
			sendall(fd, page, pagelen);
	} else if (strncmp(path, "/files/", 7) == 0) {
		sendpath(fd, path, head);
	} else {
		fail(fd, "404 Not Found", head);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct timeval limit = {.tv_sec = 5};
	int port = 80, one = 1, s;

	if (argc == 4 && strcmp(argv[1], "-p") == 0) {
		port = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || port <= 0 || port > 65535) {
		fprintf(stderr, "usage: webd [-p PORT] DIR\n");
		return 100;
	}
	dir = argv[1];
	signal(SIGPIPE, SIG_IGN);
	sa.sin_port = htons((unsigned short)port);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s, 16) < 0) {
		say("unable to listen on the port");
		return 111;
	}
	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				say("accept failed");
			continue;
		}
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
		serve(c);
		close(c);
	}
}
