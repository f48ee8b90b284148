/* migr: the lab's migrations, as xenlive-lab migrate counts them in a
 * file of KEY=VALUE lines: migrations, failures, last_seconds,
 * last_pause_seconds (the last two of the last successful migration;
 * absent while not known). */

/* m from the text of such a file */
void migrparse(const char *text, struct migr *m);
/* s->migr from the file path; all 0 (and nothing known) when it is missing */
void migrread(struct snap *s, const char *path);
