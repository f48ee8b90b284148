/* drbd: DRBD 8.4 resources from /proc/drbd, named from /etc/drbd.d. */

/* the configured minors in the text of /proc/drbd into d (max of them),
 * named drbdMINOR; returns how many */
int drbdparse(const char *proc, struct drbd *d, int max);
/* names each of d's minors after the resource whose `device /dev/drbdN`
 * the text of a .res file declares */
void drbdname(struct drbd *d, int n, const char *res);
/* s->drbd from the file proc and the *.res files of the folder dir; none
 * when proc is missing (the module is loaded on first use) */
void drbdread(struct snap *s, const char *proc, const char *dir);
