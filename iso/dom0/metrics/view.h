/* view: the read-only status page of a lab, from the lab's own view: the
 * text xenlive-lab gathers from every node (`status -l` of each, after a
 * "time" line), kept in a file the exporter reads at each request:
 *   time YYYY-MM-DD HH:MM:SS
 *   node NAME / address A / free_mib F
 *   guest NAME MIB STATE CPU-SECONDS ADDRESS
 *   drbd RESOURCE CSTATE DSTATE ROLES */

/* appends to b the HTML page of view (0: none yet), which the browser
 * reloads every refresh seconds */
void viewhtml(struct buf *b, const char *view, int refresh);
