/* serve: one thread, one poll loop, a few connections at a time, one
 * request each: read its head (HTTP_MAXHEAD bytes at most), answer, close.
 * A connection that takes longer than SERVE_TIMEOUT_MS in all is dropped. */

#define SERVE_MAXCONN 16
#define SERVE_TIMEOUT_MS 5000

/* answers the request r from the client peer (its address): appends the
 * whole response, head and body, to out */
typedef void handler(const struct req *r, const char *peer, struct buf *out);

/* a listening TCP socket on "ADDR:PORT", "[ADDR6]:PORT" or ADDR with port
 * defport; fatal when it cannot be had */
int servelisten(const char *addr, const char *defport);
/* serves the listening socket fd with h, until a signal ends the process */
void serve(int fd, handler *h);
