/* expo: a snap in Prometheus' text exposition format (version 0.0.4). */

#define EXPO_CTYPE "text/plain; version=0.0.4; charset=utf-8"

/* appends every metric family of s to b, each with its HELP and TYPE */
void expofmt(struct buf *b, const struct snap *s);
