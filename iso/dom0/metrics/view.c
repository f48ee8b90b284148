/* The page has no form, button or script: it shows, it does not act. */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "view.h"

/* the n bytes at s, HTML-escaped */
static void esc(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': bufputs(b, "&lt;"); break;
		case '>': bufputs(b, "&gt;"); break;
		case '&': bufputs(b, "&amp;"); break;
		case '"': bufputs(b, "&quot;"); break;
		case '\'': bufputs(b, "&#39;"); break;
		default: bufput(b, s + i, 1);
		}
	}
}

/* the words of line (up to its end), at most max: starts and lengths */
static int words(const char *line, const char **w, size_t *len, int max)
{
	int n = 0;

	while (*line && *line != '\n' && n < max) {
		line += strspn(line, " \t");
		if (!*line || *line == '\n') break;
		w[n] = line;
		len[n] = strcspn(line, " \t\n");
		line += len[n++];
	}
	return n;
}

/* the cells of a table row: words first to n-1, the last taking the rest
 * of the line */
static void row(struct buf *b, const char *cls, const char **w, size_t *len, int first, int n)
{
	int i;

	bufprintf(b, "<tr class=\"%s\">", cls);
	for (i = first; i < n; i++) {
		bufputs(b, "<td>");
		esc(b, w[i], len[i]);
	}
	bufputs(b, "</tr>\n");
}

void viewhtml(struct buf *b, const char *view, int refresh)
{
	const char *p, *w[8];
	size_t len[8];
	int n, nodes = 0, table = 0;

	bufprintf(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"refresh\" content=\"%d\">\n<title>XenLive lab</title>\n"
		"<style>body{font-family:sans-serif;margin:1em 2em}"
		"table{border-collapse:collapse;margin:.3em 0 1em}"
		"td,th{border:1px solid #bbb;padding:.2em .6em;text-align:left}"
		"th{background:#eee}h2{margin:.8em 0 .2em;font-size:1.1em}</style>\n"
		"</head><body>\n<h1>XenLive lab</h1>\n", refresh);
	if (!view) {
		bufputs(b, "<p>Gathering the lab's view (xenlive-lab list)&hellip;</p>\n");
		bufputs(b, "</body></html>\n");
		return;
	}
	for (p = view; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : 0) {
		n = words(p, w, len, 8);
		if (n < 2)
			continue;
		if (len[0] == 4 && !strncmp(w[0], "time", 4)) {
			bufputs(b, "<p>As of ");
			esc(b, w[1], strcspn(w[1], "\n"));
			bufprintf(b, " (reloaded every %d s).</p>\n", refresh);
		} else if (len[0] == 4 && !strncmp(w[0], "node", 4)) {
			if (table) bufputs(b, "</table>\n");
			table = 0;
			bufputs(b, "<h2 class=\"node\">");
			esc(b, w[1], len[1]);
			bufputs(b, "</h2>\n");
			nodes++;
		} else if (len[0] == 7 && !strncmp(w[0], "address", 7)) {
			bufputs(b, "<p>Address ");
			esc(b, w[1], len[1]);
		} else if (len[0] == 8 && !strncmp(w[0], "free_mib", 8)) {
			bufputs(b, ", ");
			esc(b, w[1], len[1]);
			bufputs(b, " MiB free</p>\n");
		} else if (len[0] == 5 && !strncmp(w[0], "guest", 5) && n >= 3) {
			if (table != 1) {
				if (table) bufputs(b, "</table>\n");
				bufputs(b, "<table><tr><th>Guest<th>Memory (MiB)<th>State<th>CPU (s)<th>Address</tr>\n");
				table = 1;
			}
			row(b, "guest", w, len, 1, n);
		} else if (len[0] == 4 && !strncmp(w[0], "drbd", 4)) {
			if (table != 2) {
				if (table) bufputs(b, "</table>\n");
				bufputs(b, "<table><tr><th>DRBD resource<th>Connection<th>Disks<th>Roles</tr>\n");
				table = 2;
			}
			row(b, "drbd", w, len, 1, n);
		}
	}
	if (table) bufputs(b, "</table>\n");
	if (!nodes)
		bufputs(b, "<p>No node answers.</p>\n");
	bufputs(b, "</body></html>\n");
}
