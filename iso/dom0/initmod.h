/* initmod: the initramfs /init's module loader. */
#ifndef XENLIVE_INITMOD_H
#define XENLIVE_INITMOD_H

/* Loads each module the file list names (one a line, # comments), after
 * its dependencies from modules.dep, each at most once (across calls too);
 * a module that is built in is skipped, one that is missing or fails is a
 * warning; a missing list loads nothing. Groups of lines separated by blank
 * lines are loaded side by side, by up to one process per CPU, each group
 * in its order. verbose: say what was loaded (xenlive.debug). */
void loadmodules(const char *list, int verbose);

#endif
