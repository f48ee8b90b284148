/* xenlive-init: the /init of the XenLive dom0 initramfs.
 *
 * Loads the drivers listed in /etc/xenlive/modules (initmod.c; for a network
 * boot also /etc/xenlive/modules.net), finds the boot medium
 * by its /live/xenlive.id, mounts /live/dom0.sfs under a tmpfs overlay and
 * switches to it.  It runs as PID 1, so it never returns: when something
 * fails it says what it tried and why, then runs a rescue shell (again
 * whenever it exits).
 *
 * Initramfs layout it expects:
 *   /init                             this program (static)
 *   /bin/busybox, /bin/sh -> busybox  the rescue shell
 *   /etc/xenlive/modules              .ko basenames, one a line, # comments
 *   /etc/xenlive/modules.net          the same, for a network boot only
 *   /lib/modules/$(uname -r)/modules.dep, modules.builtin, the .ko files
 * It creates /dev /proc /sys /run /newroot itself.
 *
 * What the dom0 root finds: / = overlay (lower: the squashfs, upper: a
 * tmpfs), /dev = devtmpfs, /run = tmpfs holding xenlive/medium (the boot
 * medium, read-only), xenlive/lower and xenlive/rw; /proc and /sys are
 * left for its own init to mount.
 *
 * Kernel command line: xenlive.id=ID xenlive.wait=SECONDS (30)
 * xenlive.rescue xenlive.debug; toram, xenlive.check and the network boot
 * (fetch=, nfsroot=, ip=, BOOTIF=) are done by initnet.c.
 *
 * Persistence (persist.c): when an ext4 labelled "persistence" is found,
 * it is mounted on /run/xenlive/persist and its rw/ is the upper layer
 * instead of the tmpfs.  xenlive.persistence=off or nopersistence: never.
 *
 * xenlive.root=DEVICE (XenLive guests): skip the medium search, wait for
 * DEVICE (e.g. /dev/xvda, a read-only squashfs image shared by several
 * guests) and mount it directly as the lower layer; /run/xenlive/medium
 * then stays empty.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "initlib.h"
#include "initmod.h"
#include "initnet.h"
#include "persist.h"

#define RUN     "/run/xenlive"
#define MEDIUM  RUN "/medium"
#define LOWER   RUN "/lower"
#define RW      RUN "/rw"
#define PERSIST RUN "/persist"
#define NEWROOT "/newroot"
#define SFS     MEDIUM "/live/dom0.sfs"
#define IDFILE  MEDIUM "/live/xenlive.id"

#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994

static struct {
	char id[64];
	char root[64];
	char persistence[8];
	unsigned wait;
	int rescue, debug, toram, check, nopersistence, persisted;
	struct netopts net;
} cfg = { .wait = 30 };

/* Boot options.  A new one is a field in cfg and a row here. */
enum optkind { OPT_FLAG, OPT_STR, OPT_UINT };
static const struct option {
	const char *name;
	enum optkind kind;
	void *dst;
	size_t size;
} options[] = {
	{ "xenlive.id",     OPT_STR,  cfg.id,      sizeof cfg.id },
	{ "xenlive.root",   OPT_STR,  cfg.root,    sizeof cfg.root },
	{ "xenlive.wait",   OPT_UINT, &cfg.wait,   0 },
	{ "xenlive.rescue", OPT_FLAG, &cfg.rescue, 0 },
	{ "xenlive.debug",  OPT_FLAG, &cfg.debug,  0 },
	{ "fetch",          OPT_STR,  cfg.net.fetch,   sizeof cfg.net.fetch },
	{ "nfsroot",        OPT_STR,  cfg.net.nfsroot, sizeof cfg.net.nfsroot },
	{ "ip",             OPT_STR,  cfg.net.ip,      sizeof cfg.net.ip },
	{ "BOOTIF",         OPT_STR,  cfg.net.bootif,  sizeof cfg.net.bootif },
	{ "toram",          OPT_FLAG, &cfg.toram,  0 },
	{ "xenlive.check",  OPT_FLAG, &cfg.check,  0 },
	{ "xenlive.persistence", OPT_STR, cfg.persistence, sizeof cfg.persistence },
	{ "nopersistence",  OPT_FLAG, &cfg.nopersistence, 0 },
};

static void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt); vsay("warning: ", fmt, ap); va_end(ap);
}

static void debug(const char *fmt, ...)
{
	va_list ap;
	if (!cfg.debug) return;
	va_start(ap, fmt); vsay("", fmt, ap); va_end(ap);
}

/* Runs /bin/sh on the console and waits for it.  Returns -1 when it could
 * not be started.  The shell gets its own session with the console as
 * controlling terminal, so Ctrl-C and job control work. */
static int shell(void)
{
	char *argv[] = { "sh", 0 };
	int pfd[2], err = 0, st;
	pid_t pid, w;
	ssize_t r;

	if (pipe2(pfd, O_CLOEXEC) < 0) pfd[0] = pfd[1] = -1;
	pid = fork();
	if (pid < 0) {
		/* Last resort: a shell that panics the kernel when it exits
		 * beats no shell at all. */
		execv("/bin/sh", argv);
		return -1;
	}
	if (!pid) {
		setsid();
		ioctl(0, TIOCSCTTY, 1);
		execv("/bin/sh", argv);
		err = errno;
		write(pfd[1], &err, sizeof err);
		_exit(127);
	}
	close(pfd[1]);
	/* The pipe closes on a successful exec, else it carries its errno. */
	r = read(pfd[0], &err, sizeof err);
	close(pfd[0]);
	/* As PID 1 we also reap whatever the shell left behind. */
	do w = waitpid(-1, &st, 0);
	while (w != pid && !(w < 0 && errno == ECHILD));
	if (r == sizeof err) {
		warn("unable to execute /bin/sh: %s", strerror(err));
		return -1;
	}
	return 0;
}

static _Noreturn void rescue(void)
{
	coldplug();   /* a USB keyboard's driver */
	say("dropping to rescue shell");
	while (shell() == 0) {
		say("rescue shell exited, starting another");
		sleep(1);
	}
	say("fatal: no rescue shell, halting");
	for (;;) pause();
}

static _Noreturn void dieu(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt); vsay("fatal: unable to ", fmt, ap); va_end(ap);
	rescue();
}

static void mkdirp(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		dieu("create %s: %s", dir, strerror(errno));
}

static void mountat(const char *src, const char *dir, const char *type,
                    unsigned long flags, const char *data)
{
	mkdirp(dir);
	if (mount(src, dir, type, flags, data) < 0)
		dieu("mount %s on %s: %s", type, dir, strerror(errno));
}

static void setup(void)
{
	int fd;
	mountat("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, 0);
	/* The kernel gave us /dev/console from the cpio if it had one;
	 * the devtmpfs one always exists. */
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 0); dup2(fd, 1); dup2(fd, 2);
		if (fd > 2) close(fd);
	}
	say("starting");
	mountat("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
	mountat("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
	/* One tmpfs for all of RUN, so a single MS_MOVE carries the medium,
	 * the squashfs and the overlay's upper layer into the new root. */
	mountat("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	mkdirp(RUN);
	setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin", 0);
}

static void setopt(const struct option *o, const char *val)
{
	char *end;
	unsigned long u;

	switch (o->kind) {
	case OPT_FLAG:
		*(int *)o->dst = !val || strcmp(val, "0");
		break;
	case OPT_STR:
		if (!val || strlen(val) >= o->size)
			warn("ignoring %s: missing or longer than %zu bytes",
			     o->name, o->size - 1);
		else
			strcpy(o->dst, val);
		break;
	case OPT_UINT:
		errno = 0;
		u = val ? strtoul(val, &end, 10) : 0;
		if (!val || !*val || *end || errno || u > 86400)
			warn("ignoring %s: not a number of seconds", o->name);
		else
			*(unsigned *)o->dst = u;
		break;
	}
}

/* Splits the command line the way the kernel does: spaces separate
 * words, double quotes group and are dropped, name=value. */
static void readcmdline(void)
{
	static char line[4096], word[4096];
	const char *p = line;
	size_t i;

	if (readsmall("/proc/cmdline", line, sizeof line) < 0) {
		warn("unable to read /proc/cmdline: %s", strerror(errno));
		return;
	}
	for (;;) {
		size_t n = 0;
		int quoted = 0;
		char *val;

		while (*p == ' ' || *p == '\t' || *p == '\n') p++;
		if (!*p) break;
		for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			if (*p == '"') quoted = !quoted;
			else word[n++] = *p;
		}
		word[n] = 0;
		val = strchr(word, '=');
		if (val) *val++ = 0;
		for (i = 0; i < sizeof options / sizeof *options; i++)
			if (!strcmp(word, options[i].name)) setopt(&options[i], val);
	}
	debug("options: xenlive.id=%s xenlive.root=%s xenlive.wait=%u xenlive.rescue=%d",
	      cfg.id, cfg.root, cfg.wait, cfg.rescue);
}

/* Why a block device is not the medium. */
enum why { WHY_NONE, WHY_EMPTY, WHY_NOFS, WHY_NOID, WHY_MISMATCH };

static struct tried {
	char name[32];
	char sig[64];     /* "major:minor size": a change means try again */
	enum why why;
	int err;          /* last mount errno, for WHY_NOFS */
	char fstype[16];
	/* What the medium said; longer than cfg.id so that a truncated
	 * first line can never equal it. */
	char id[80];
} tried[128];
static size_t ntried;

static const char *const fstypes[] = { "iso9660", "vfat", "ext4" };

static void whytext(const struct tried *t, char *buf, size_t size)
{
	switch (t->why) {
	case WHY_EMPTY: snprintf(buf, size, "no medium"); break;
	case WHY_NOFS: snprintf(buf, size, "no usable filesystem (last error: %s)", strerror(t->err)); break;
	case WHY_NOID: snprintf(buf, size, "%s, no /live/xenlive.id", t->fstype); break;
	case WHY_MISMATCH: snprintf(buf, size, "%s, id '%s' is not '%s'", t->fstype, t->id, cfg.id); break;
	case WHY_NONE: snprintf(buf, size, "%s, id '%s' matches", t->fstype, t->id); break;
	}
}

/* Mounts /dev/NAME on MEDIUM and checks its id.  Returns 1 and leaves it
 * mounted when it is the medium; sets t->why otherwise. */
static int probe(struct tried *t, const char *size, const char *avail)
{
	char dev[64], pat[32], *c;
	size_t i;
	int n;

	if (!strcmp(size, "0")) {
		t->why = WHY_EMPTY;
		return 0;
	}
	snprintf(dev, sizeof dev, "/dev/%s", t->name);
	for (c = dev; *c; c++) if (*c == '!') *c = '/';   /* cciss!c0d0 */
	t->err = ENODEV;   /* when none of the types is in the kernel */
	for (i = 0; i < sizeof fstypes / sizeof *fstypes; i++) {
		snprintf(pat, sizeof pat, "\t%s\n", fstypes[i]);
		if (!strstr(avail, pat)) continue;
		/* noload: a read-only ext4 mount would still replay the journal
		 * of someone's disk; we only want to read one file. */
		if (mount(dev, MEDIUM, fstypes[i], MS_RDONLY | MS_NOSUID | MS_NODEV,
		          strcmp(fstypes[i], "ext4") ? 0 : "noload") == 0) break;
		t->err = errno;
		if (errno == ENOMEDIUM) break;
	}
	if (i == sizeof fstypes / sizeof *fstypes || t->err == ENOMEDIUM) {
		t->why = t->err == ENOMEDIUM ? WHY_EMPTY : WHY_NOFS;
		/* EINVAL means "not this filesystem".  Anything else may pass:
		 * a disc put in the drive, the node not yet in /dev, EIO while
		 * a stick settles; so forget the signature, try next round. */
		if (t->err != EINVAL) t->sig[0] = 0;
		return 0;
	}
	strcpy(t->fstype, fstypes[i]);
	n = readsmall(IDFILE, t->id, sizeof t->id);
	if (n < 0) t->why = WHY_NOID;
	else {
		if ((c = strchr(t->id, '\n'))) *c = 0;
		if ((c = strchr(t->id, '\r'))) *c = 0;
		t->why = (!cfg.id[0] || !strcmp(t->id, cfg.id)) ? WHY_NONE : WHY_MISMATCH;
	}
	if (t->why == WHY_NONE) return 1;
	umount(MEDIUM);
	return 0;
}

/* One pass over /sys/class/block; returns the matching entry or 0. */
static struct tried *scan(const char *avail)
{
	static struct tried spare;   /* used once the table is full */
	char path[300], dev[24], size[24], why[256];
	struct dirent *e;
	struct tried *t, *found = 0, old;
	size_t i;
	DIR *d = opendir("/sys/class/block");

	if (!d) dieu("open /sys/class/block: %s", strerror(errno));
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "ram", 3) ||
		    !strncmp(e->d_name, "loop", 4) || strlen(e->d_name) >= sizeof t->name)
			continue;
		snprintf(path, sizeof path, "/sys/class/block/%s/dev", e->d_name);
		if (readsmall(path, dev, sizeof dev) < 0) continue;
		snprintf(path, sizeof path, "/sys/class/block/%s/size", e->d_name);
		if (readsmall(path, size, sizeof size) < 0) continue;

		for (i = 0; i < ntried && strcmp(tried[i].name, e->d_name); i++) ;
		t = i < ntried ? &tried[i] : ntried < sizeof tried / sizeof *tried ? &tried[ntried++] : &spare;
		snprintf(path, sizeof path, "%s %s", dev, size);
		if (!strcmp(t->sig, path) && !strcmp(t->name, e->d_name)) continue;
		old = *t;
		strcpy(t->name, e->d_name);
		strcpy(t->sig, path);
		if (probe(t, size, avail)) found = t;
		/* Under xenlive.debug, say it once per device and outcome. */
		if (found || strcmp(old.name, t->name) || old.why != t->why || old.err != t->err) {
			whytext(t, why, sizeof why);
			debug("probe /dev/%s: %s", t->name, why);
		}
	}
	closedir(d);
	return found;
}

static void findmedium(void)
{
	static char avail[8192];
	struct timespec now, end, tick = { 0, 100000000 };
	struct tried *t;
	char why[256];
	size_t i;

	mkdirp(MEDIUM);
	/* Read after loading modules: isofs and vfat may be among them. */
	if (readsmall("/proc/filesystems", avail, sizeof avail) < 0)
		dieu("read /proc/filesystems: %s", strerror(errno));
	strcat(avail, "\n");
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += cfg.wait;
	for (;;) {
		/* drivers for the devices found since: the medium's disk
		 * appears only once its bus's driver is in (sr_mod after
		 * ata_piix, usb-storage after xhci_pci, sd_mod after that) */
		coldplug();
		if ((t = scan(avail))) break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
			say("fatal: unable to find the boot medium (a device with /live/xenlive.id%s%s) within %u s",
			    cfg.id[0] ? " = " : "", cfg.id, cfg.wait);
			if (!ntried) say("  no block devices found");
			for (i = 0; i < ntried; i++) {
				whytext(&tried[i], why, sizeof why);
				say("  /dev/%s: %s", tried[i].name, why);
			}
			rescue();
		}
		nanosleep(&tick, 0);
	}
	if (!cfg.id[0])
		warn("no xenlive.id= given, booting the first medium with an id: /dev/%s (id '%s')",
		     t->name, t->id);
	say("boot medium: /dev/%s (%s, id '%s')", t->name, t->fstype, t->id);
}

/* Mounts the squashfs on DEV read-only as the lower layer, a tmpfs as the
 * upper one, and the overlay of both on NEWROOT. */
static void mountoverlay(const char *dev, const char *what)
{
	mkdirp(LOWER);
	if (mount(dev, LOWER, "squashfs", MS_RDONLY, 0) < 0)
		dieu("mount squashfs %s: %s", what, strerror(errno));
	debug("mounted %s (%s) on %s", what, dev, LOWER);

	mountat("tmpfs", RW, "tmpfs", 0, "mode=0755");
	mkdirp(RW "/upper");
	mkdirp(RW "/work");
	if (cfg.persisted) {
		mkdirp(NEWROOT);
		if (mount("overlay", NEWROOT, "overlay", 0,
		          "lowerdir=" LOWER ",upperdir=" PERSIST "/rw,workdir=" PERSIST "/work") == 0)
			return;
		/* A store that does not work must not stop the boot. */
		warn("unable to mount the overlay on the persistence store: %s; changes are kept in RAM",
		     strerror(errno));
	}
	mountat("overlay", NEWROOT, "overlay", 0,
	        "lowerdir=" LOWER ",upperdir=" RW "/upper,workdir=" RW "/work");
}

/* xenlive.root: waits for the device (a Xen disk shows up a moment after
 * xen-blkfront is loaded; a virtio one needs its driver: coldplug) and
 * mounts it. */
static void mountdevroot(void)
{
	struct timespec now, end, tick = { 0, 100000000 };
	struct stat st;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += cfg.wait;
	while (coldplug(), stat(cfg.root, &st) < 0 || !S_ISBLK(st.st_mode)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
			say("fatal: unable to find the root device %s (xenlive.root) within %u s",
			    cfg.root, cfg.wait);
			rescue();
		}
		nanosleep(&tick, 0);
	}
	say("root device: %s", cfg.root);
	mountoverlay(cfg.root, cfg.root);
}

/* The squashfs on a loop device, read-only, under the overlay. */
static void mountroot(void)
{
	char loop[32], err[256];
	int lfd = loopattach(SFS, 0, loop, sizeof loop, err, sizeof err);

	if (lfd < 0) dieu("%s", err);
	mountoverlay(loop, SFS);
	close(lfd);   /* the mount holds the loop device now */
}

/* Deletes a directory's contents without crossing into other
 * filesystems; dfd is consumed.  Returns how many entries went. */
static unsigned rmtree(int dfd, dev_t rootdev)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	struct stat st;
	unsigned n = 0;
	int fd;

	if (!d) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != rootdev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0) n += rmtree(fd, rootdev);
		}
		if (unlinkat(dirfd(d), e->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) == 0) n++;
	}
	closedir(d);
	return n;
}

static void movemount(const char *from, const char *to)
{
	mkdirp(to);
	if (mount(from, to, 0, MS_MOVE, 0) < 0)
		dieu("move %s to %s: %s", from, to, strerror(errno));
}

static _Noreturn void switchroot(char **argv)
{
	struct stat st;
	struct statfs sfs;
	int old;

	/* Check before the point of no return: a root without an init is
	 * better diagnosed from the initramfs, which still has a shell. */
	if (lstat(NEWROOT "/sbin/init", &st) < 0 && lstat(NEWROOT "/bin/sh", &st) < 0)
		dieu("find /sbin/init or /bin/sh in the new root: %s", strerror(errno));
	movemount("/run", NEWROOT "/run");
	movemount("/dev", NEWROOT "/dev");
	/* The dom0's own init scripts mount proc and sysfs. */
	if (umount2("/proc", MNT_DETACH) < 0) warn("unable to unmount /proc: %s", strerror(errno));
	if (umount2("/sys", MNT_DETACH) < 0) warn("unable to unmount /sys: %s", strerror(errno));

	say("switching to %s root", cfg.root[0] ? "guest" : "dom0");
	/* Keep a handle on the initramfs to empty it once the new root is in
	 * place: until then a failure still finds the rescue shell. */
	old = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (chdir(NEWROOT) < 0) dieu("change to %s: %s", NEWROOT, strerror(errno));
	if (mount(".", "/", 0, MS_MOVE, 0) < 0) dieu("move %s to /: %s", NEWROOT, strerror(errno));
	if (chroot(".") < 0 || chdir("/") < 0) dieu("change root to %s: %s", NEWROOT, strerror(errno));

	/* Its memory is only freed by deleting its files (like busybox
	 * switch_root); never do that to anything but a ramfs or tmpfs. */
	if (old < 0 || fstat(old, &st) < 0 || fstatfs(old, &sfs) < 0)
		warn("unable to open the initramfs to free it: %s", strerror(errno));
	else if (sfs.f_type != RAMFS_MAGIC && sfs.f_type != TMPFS_MAGIC)
		warn("the old root is not a ramfs or tmpfs, not freeing it");
	else
		debug("freed the initramfs: %u entries removed", rmtree(old, st.st_dev));

	argv[0] = "/sbin/init";
	execv(argv[0], argv);
	warn("unable to execute /sbin/init: %s, trying /bin/sh", strerror(errno));
	argv[0] = "/bin/sh";
	argv[1] = 0;
	execv(argv[0], argv);
	dieu("execute /bin/sh: %s", strerror(errno));
}

/* fetch= or nfsroot=: the medium comes over the network (initnet.c). */
static void netmedium_or_die(void)
{
	char err[512];
	if (netmedium(&cfg.net, cfg.wait, MEDIUM, err, sizeof err) < 0) {
		say("fatal: network boot: %s", err);
		rescue();
	}
}

/* xenlive.check verifies the medium; toram copies it into RAM (fetch=
 * already did). */
static void mediumextras(void)
{
	char err[512];
	if ((cfg.check && mediacheck(MEDIUM, err, sizeof err) < 0) ||
	    (cfg.toram && !cfg.net.fetch[0] && toram(MEDIUM, err, sizeof err) < 0)) {
		say("fatal: %s", err);
		rescue();
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	/* It unmounts and deletes things: refuse to run anywhere but as PID 1. */
	if (getpid() != 1) {
		say("fatal: must run as PID 1 in the initramfs");
		return 100;
	}
	setup();
	readcmdline();
	if (cfg.rescue) {
		say("xenlive.rescue given: starting a rescue shell, exit it to continue booting");
		shell();
	}
	loadmodules("/etc/xenlive/modules", cfg.debug);
	if (cfg.root[0])
		mountdevroot();
	else {
		if (netwanted(&cfg.net)) {
			/* NICs and NFS: only a network boot waits for them */
			loadmodules("/etc/xenlive/modules.net", cfg.debug);
			netmedium_or_die();
		} else
			findmedium();
		mediumextras();
		if (cfg.nopersistence || !strcmp(cfg.persistence, "off"))
			say("persistence off: changes are kept in RAM");
		else
			cfg.persisted = persist_mount(PERSIST, MEDIUM, cfg.debug);
		mountroot();
	}
	switchroot(argv);
}
