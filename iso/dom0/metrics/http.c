#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "http.h"

/* the header line at p, up to eol, that is name: its value (blanks cut) in
 * v; 0 when it is another header */
static int header(const char *p, const char *eol, const char *name, char *v, size_t size)
{
	size_t n = strlen(name), len;

	if ((size_t)(eol - p) <= n || strncasecmp(p, name, n) || p[n] != ':')
		return 0;
	p += n + 1;
	while (p < eol && (*p == ' ' || *p == '\t')) p++;
	while (eol > p && (eol[-1] == ' ' || eol[-1] == '\t' || eol[-1] == '\r')) eol--;
	len = eol - p;
	if (len >= size) len = size - 1;
	memcpy(v, p, len);
	v[len] = 0;
	return 1;
}

int httpparse(const char *buf, size_t len, struct req *r)
{
	const char *end = 0, *p, *eol;
	char proto[16], auth[300];
	size_t i;
	int n;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n') { end = buf + i + 1; break; }
		if (buf[i] == '\n' && buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n') {
			end = buf + i + 1;
			break;
		}
	}
	if (!end)
		return len >= HTTP_MAXHEAD ? -1 : 0;
	for (p = buf; p < end; p++)
		if (!*p) return -1;
	memset(r, 0, sizeof *r);
	if (sscanf(buf, "%7[A-Z] %255[^ \r\n] %15[^ \r\n]%n", r->method, r->path, proto, &n) != 3 ||
		(buf[n] != '\r' && buf[n] != '\n') ||
		(strcmp(proto, "HTTP/1.0") && strcmp(proto, "HTTP/1.1")) || r->path[0] != '/')
		return -1;
	r->path[strcspn(r->path, "?#")] = 0;
	for (p = strchr(buf, '\n') + 1; p < end; p = eol + 1) {
		eol = memchr(p, '\n', end - p);
		if (!eol) break;
		if (!header(p, eol, "Authorization", auth, sizeof auth))
			continue;
		/* scheme names are of any case (RFC 7235) */
		if (!strncasecmp(auth, "Bearer ", 7)) {
			p = auth + 7;
			while (*p == ' ') p++;
			if (strlen(p) < sizeof r->token) {
				strcpy(r->token, p);
				r->hastoken = 1;
			}
		} else if (!strncasecmp(auth, "Basic ", 6)) {
			/* a browser's USER:PASSWORD; the token is the password */
			char cred[300];
			const char *colon;

			p = auth + 6;
			while (*p == ' ') p++;
			if (base64dec(p, strlen(p), cred, sizeof cred) < 0 || !(colon = strchr(cred, ':')) ||
				strlen(colon + 1) >= sizeof r->token)
				continue;
			strcpy(r->token, colon + 1);
			r->hastoken = 1;
		}
	}
	return 1;
}

int base64dec(const char *s, size_t n, char *out, size_t size)
{
	unsigned acc = 0, bits = 0;
	size_t i, len = 0;

	while (n && s[n - 1] == '=') n--;
	for (i = 0; i < n; i++) {
		char c = s[i];
		unsigned v;

		if (c >= 'A' && c <= 'Z') v = c - 'A';
		else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
		else if (c >= '0' && c <= '9') v = c - '0' + 52;
		else if (c == '+') v = 62;
		else if (c == '/') v = 63;
		else return -1;
		acc = acc << 6 | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (len + 1 >= size) return -1;
			out[len++] = acc >> bits & 0xff;
		}
	}
	if (memchr(out, 0, len)) return -1;
	out[len] = 0;
	return 0;
}

int tokeneq(const char *given, const char *want)
{
	size_t glen = strlen(given), wlen = strlen(want), i;
	unsigned char diff = glen != wlen;

	for (i = 0; i < wlen; i++)
		diff |= (unsigned char)want[i] ^ (unsigned char)(i < glen ? given[i] : 0);
	return !diff;
}

static const char *reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Error";
}

void httphead(struct buf *b, int code, const char *ctype, size_t len, const char *extra)
{
	bufprintf(b, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
		code, reason(code), ctype, len, extra ? extra : "");
}

void httptext(struct buf *b, int code, const char *extra, const char *text)
{
	httphead(b, code, "text/plain; charset=utf-8", strlen(text) + 1, extra);
	bufprintf(b, "%s\n", text);
}
