#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util.h"
#include "http.h"
#include "serve.h"

struct conn {
	int fd;                 /* -1: a free slot */
	char peer[INET6_ADDRSTRLEN];
	char in[HTTP_MAXHEAD];
	size_t inlen;
	struct buf out;         /* the response, once there is one */
	size_t sent;
	int draining;           /* answered: reading what else comes, to EOF */
	long long deadline;     /* ms, monotonic */
};

static struct conn conns[SERVE_MAXCONN];

static long long nowms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int servelisten(const char *addr, const char *defport)
{
	struct addrinfo hints, *ai;
	char host[256], *port;
	int fd, one = 1, e;

	snprintf(host, sizeof host, "%s", addr);
	if (host[0] == '[') {
		port = strchr(host, ']');
		if (!port || (port[1] && port[1] != ':'))
			fatal("--listen %s: not [ADDRESS]:PORT", addr);
		*port++ = 0;
		port = *port ? port + 1 : (char *)defport;
		memmove(host, host + 1, strlen(host));
	} else if ((port = strchr(host, ':')) && !strchr(port + 1, ':')) {
		*port++ = 0;
	} else {
		/* no port, or an IPv6 address without brackets */
		port = (char *)defport;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((e = getaddrinfo(host, port, &hints, &ai)))
		fatal("--listen %s: not a numeric address and port: %s", addr, gai_strerror(e));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("unable to create a socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		fatal("unable to listen on %s port %s: %s", host, port, strerror(errno));
	if (listen(fd, SERVE_MAXCONN) < 0)
		fatal("unable to listen on %s port %s: %s", host, port, strerror(errno));
	freeaddrinfo(ai);
	return fd;
}

static void drop(struct conn *c)
{
	close(c->fd);
	c->fd = -1;
	bufreset(&c->out);
}

static void take(int lfd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	struct conn *c = 0;
	int fd, i;

	for (i = 0; i < SERVE_MAXCONN && !c; i++)
		if (conns[i].fd < 0) c = &conns[i];
	if (!c)
		return;
	fd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED && errno != EINTR)
			logline("warning: unable to accept a connection: %s", strerror(errno));
		return;
	}
	c->fd = fd;
	c->inlen = c->sent = 0;
	c->draining = 0;
	bufreset(&c->out);
	c->deadline = nowms() + SERVE_TIMEOUT_MS;
	if (sa.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, c->peer, sizeof c->peer);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, c->peer, sizeof c->peer);
	}
}

static void readreq(struct conn *c, handler *h)
{
	struct req r;
	ssize_t n;
	int st;

	n = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->inlen += n;
	st = httpparse(c->in, c->inlen, &r);
	if (st == 0)
		return;
	if (st < 0) {
		logline("%s from %s: malformed request", c->inlen >= sizeof c->in ? "431" : "400", c->peer);
		if (c->inlen >= sizeof c->in)
			httptext(&c->out, 431, 0, "request head too large");
		else
			httptext(&c->out, 400, 0, "bad request");
	} else {
		h(&r, c->peer, &c->out);
	}
}

/* A socket closed with unread data in it sends a reset, which may reach
 * the client before it has read the answer (a request head too large, a
 * body): after the answer, what else comes is read and dropped until the
 * client closes, for a second at most. */
static void drain(struct conn *c)
{
	char scratch[4096];
	ssize_t n = recv(c->fd, scratch, sizeof scratch, 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0)
		drop(c);
}

static void writeresp(struct conn *c)
{
	ssize_t n = send(c->fd, c->out.s + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0) {
		drop(c);
		return;
	}
	c->sent += n;
	if (c->sent < c->out.len)
		return;
	shutdown(c->fd, SHUT_WR);
	c->draining = 1;
	if (c->deadline > nowms() + 1000)
		c->deadline = nowms() + 1000;
}

void serve(int lfd, handler *h)
{
	struct pollfd pfd[SERVE_MAXCONN + 1];
	int idx[SERVE_MAXCONN + 1];
	long long now, next;
	int i, n, free, timeout;

	for (i = 0; i < SERVE_MAXCONN; i++)
		conns[i].fd = -1;
	for (;;) {
		now = nowms();
		next = now + 60000;
		n = free = 0;
		for (i = 0; i < SERVE_MAXCONN; i++) {
			struct conn *c = &conns[i];

			if (c->fd < 0) {
				free++;
				continue;
			}
			if (now >= c->deadline) {
				/* a slow client or a full socket: no answer */
				drop(c);
				free++;
				continue;
			}
			if (c->deadline < next) next = c->deadline;
			pfd[n].fd = c->fd;
			pfd[n].events = c->out.len && !c->draining ? POLLOUT : POLLIN;
			idx[n++] = i;
		}
		if (free) {
			pfd[n].fd = lfd;
			pfd[n].events = POLLIN;
			idx[n++] = -1;
		}
		timeout = next - now;
		if (poll(pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll failed: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (idx[i] < 0) {
				take(lfd);
				continue;
			}
			if (conns[idx[i]].draining)
				drain(&conns[idx[i]]);
			else if (conns[idx[i]].out.len)
				writeresp(&conns[idx[i]]);
			else
				readreq(&conns[idx[i]], h);
		}
	}
}
