/* http: the little of HTTP/1.0 and 1.1 the exporter speaks: a request
 * head (no body), a bearer token, a response head that closes. */

#define HTTP_MAXHEAD 4096   /* a longer request head is refused (431) */

struct req {
	char method[8];
	char path[256];         /* without its query string */
	char token[256];        /* of "Authorization: Bearer TOKEN", or the
	                           password of "Authorization: Basic" (a browser's) */
	int hastoken;
};

/* the request head at the start of buf (len bytes): 1 when complete and
 * parsed into r, 0 while it may still come, -1 when malformed */
int httpparse(const char *buf, size_t len, struct req *r);
/* the n base64 characters at s decoded into out (size bytes, 0-terminated);
 * -1 when they are not base64 or do not fit */
int base64dec(const char *s, size_t n, char *out, size_t size);
/* whether given equals want, in a time that depends on want's length only */
int tokeneq(const char *given, const char *want);
/* appends a response head: status code, Content-Type ctype, Content-Length
 * len, Connection: close, then extra (whole header lines, or 0) */
void httphead(struct buf *b, int code, const char *ctype, size_t len, const char *extra);
/* appends a whole short text/plain response: head and the line text */
void httptext(struct buf *b, int code, const char *extra, const char *text);
