/* persist: the persistence store of the XenLive initramfs /init (see
 * persist.h).  Static musl, fixed buffers, never fatal: without a usable
 * store the system boots with its changes in RAM, as always. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "initlib.h"
#include "persist.h"

#define LABEL "persistence"
#define IMAGE "xenlive-persistence.img"

#define MSDOS_SUPER_MAGIC 0x4d44

static int dbg;

/* Whether the file or device at path holds an ext2/3/4 filesystem
 * labelled LABEL: the superblock is at byte 1024, its magic 0xEF53 at
 * offset 0x38, its 16-byte volume name at 0x78. */
static int haslabel(const char *path)
{
	unsigned char sb[1024];
	char name[17];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0) return 0;
	n = pread(fd, sb, sizeof sb, 1024);
	close(fd);
	if (n != sizeof sb || sb[0x38] != 0x53 || sb[0x39] != 0xef) return 0;
	memcpy(name, sb + 0x78, 16);
	name[16] = 0;
	return !strcmp(name, LABEL);
}

/* The first block device labelled LABEL, as /dev/NAME in dev. */
static int findlabel(char *dev, size_t size)
{
	DIR *d = opendir("/sys/class/block");
	struct dirent *e;
	int found = 0;

	if (!d) {
		say("warning: persistence: unable to open /sys/class/block: %s", strerror(errno));
		return 0;
	}
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "ram", 3) ||
		    !strncmp(e->d_name, "loop", 4) || !strncmp(e->d_name, "sr", 2) ||
		    strlen(e->d_name) + 6 > size)
			continue;
		strcpy(dev, "/dev/");
		strcat(dev, e->d_name);
		found = haslabel(dev);
		if (dbg && found) say("persistence: %s is labelled " LABEL, dev);
	}
	closedir(d);
	return found;
}

static int mkdirs(const char *dir)
{
	char path[256];
	const char *sub[] = { "rw", "work" };
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			say("warning: persistence: unable to create %s: %s", path, strerror(errno));
			return 0;
		}
	}
	return 1;
}

/* The store is the medium's own filesystem (an installed disk): the
 * medium is mounted read-only without its journal, so it is unmounted,
 * mounted read-write on dir, and dir bound read-only on the medium. */
static int mountmedium(const char *dev, const char *dir, const char *medium)
{
	if (umount(medium) < 0) {
		say("warning: persistence: unable to unmount the medium to mount it read-write: %s",
		    strerror(errno));
		return 0;
	}
	if (mount(dev, dir, "ext4", MS_NOSUID | MS_NODEV, 0) < 0) {
		say("warning: persistence: unable to mount %s read-write: %s", dev, strerror(errno));
		if (mount(dev, medium, "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV, "noload") < 0)
			say("warning: persistence: unable to mount the medium again: %s", strerror(errno));
		return 0;
	}
	if (mount(dir, medium, 0, MS_BIND, 0) < 0 ||
	    mount(0, medium, 0, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, 0) < 0)
		say("warning: persistence: unable to bind the medium read-only: %s", strerror(errno));
	return 1;
}

int persist_mount(const char *dir, const char *medium, int debug)
{
	char dev[64], img[256], loop[32], err[256];
	int lfd;
	struct stat ds, ms;
	struct statfs fs;

	dbg = debug;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		say("warning: persistence: unable to create %s: %s", dir, strerror(errno));
		return 0;
	}
	snprintf(img, sizeof img, "%s/" IMAGE, medium);
	if (findlabel(dev, sizeof dev)) {
		if (stat(dev, &ds) == 0 && stat(medium, &ms) == 0 && ds.st_rdev == ms.st_dev) {
			if (!mountmedium(dev, dir, medium)) return 0;
		} else if (mount(dev, dir, "ext4", MS_NOSUID | MS_NODEV, 0) < 0) {
			say("warning: persistence: unable to mount %s: %s; changes are kept in RAM",
			    dev, strerror(errno));
			return 0;
		}
	} else if (access(img, F_OK) == 0) {
		/* Only a FAT medium is remounted read-write: an ext4 one was
		 * mounted without its journal, an ISO 9660 one never is. */
		if (statfs(medium, &fs) < 0 || fs.f_type != MSDOS_SUPER_MAGIC ||
		    mount(0, medium, 0, MS_REMOUNT | MS_NOSUID | MS_NODEV, 0) < 0) {
			say("warning: persistence: %s is not on a writable FAT medium; changes are kept in RAM", img);
			return 0;
		}
		if (!haslabel(img)) {
			say("warning: persistence: %s is not an ext4 labelled " LABEL, img);
			return 0;
		}
		if ((lfd = loopattach(img, 1, loop, sizeof loop, err, sizeof err)) < 0) {
			say("warning: persistence: %s; changes are kept in RAM", err);
			return 0;
		}
		if (mount(loop, dir, "ext4", MS_NOSUID | MS_NODEV, 0) < 0) {
			say("warning: persistence: unable to mount %s: %s; changes are kept in RAM",
			    img, strerror(errno));
			close(lfd);
			return 0;
		}
		close(lfd);
		snprintf(dev, sizeof dev, "%s", IMAGE);
	} else {
		if (dbg) say("persistence: no ext4 labelled " LABEL " and no " IMAGE);
		return 0;
	}
	if (!mkdirs(dir)) {
		umount(dir);
		return 0;
	}
	say("persistence: %s, changes are kept in its rw/", dev);
	return 1;
}
