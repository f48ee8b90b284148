/* initmod: the initramfs /init's module loader. */
#ifndef XENLIVE_INITMOD_H
#define XENLIVE_INITMOD_H

/* Loads each module the file list names (one a line, # comments), after
 * its soft and hard dependencies (modules.softdep "pre:", modules.dep),
 * each at most once (across calls too);
 * a module that is built in is skipped, one that is missing or fails is a
 * warning; a missing list loads nothing. Groups of lines separated by blank
 * lines are loaded side by side, by up to one process per CPU, each group
 * in its order, while this process runs coldplug. verbose: say what was loaded
 * (xenlive.debug). */
void loadmodules(const char *list, int verbose);

/* Coldplug, as udev does it: a driver of the lists loaded so far, or one
 * they need (a module with a device alias in modules.alias: pci:, usb:,
 * acpi:, scsi:...), is not loaded by loadmodules but when a device in
 * /sys/bus/x/devices shows a modalias it matches. Matches the devices not
 * seen before (all of them after a loadmodules), loads what they want in
 * the order of the lists, each after its soft and hard dependencies, and
 * returns how many it loaded. Devices appear as their bus drivers find
 * them (a USB stick after its host controller's driver, its disk after
 * usb-storage): call it again while waiting for one. */
int coldplug(void);

#endif
