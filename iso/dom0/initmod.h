/* initmod: the initramfs /init's module loader. */
#ifndef XENLIVE_INITMOD_H
#define XENLIVE_INITMOD_H

/* Loads each module /etc/xenlive/modules names (one a line, # comments),
 * after its dependencies from modules.dep, each at most once; a module
 * that is built in is skipped, one that is missing or fails is a warning.
 * verbose: say what was loaded (xenlive.debug). */
void loadmodules(int verbose);

#endif
