/* xenlive-console: the XenLive dashboard. The host, the network, the boot
 * medium, persistence, the lab and a table of the guests, refreshed every
 * second; keys act on the selected guest or the machine through the same
 * commands a user would type (xl, xenlive-guest, xenlive-lab, ...).
 *
 * usage: xenlive-console [--ascii]
 *   --ascii  draw lines with - (else the terminal's line characters)
 *
 * Exit: 0 quit, 100 misuse, 111 no terminal or no toolstack. The terminal
 * is given back on quit, SIGTERM, SIGHUP and SIGINT. */
#include <curses.h>
#include <term.h>
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "sysinfo.h"
#include "xeninfo.h"

#define PROG     "xenlive-console"
#define CFGDIR   "/etc/xen"
#define SAVEDIR  "/var/lib/xen/save"
#define DEMODIR  "/run/xenlive/medium/guests"
#define MAXG     512
#define MINW     80
#define MINH     24
/* rows above the table and below it */
#define TOP      7
#define BOTTOM   4

struct row {
	struct guest g;
	char cfg[300];            /* its config file, "" none */
	char save[300];           /* its save file, "" none */
};

static volatile sig_atomic_t stop, resized;
static struct row rows[MAXG];
static int nrows, sel, top;
static char selname[64];
static char status[256];
static int ascii;
static struct host host;
static struct sysinfo sys;

static void onsig(int s)
{
	if (s == SIGWINCH) resized = 1;
	else stop = 1;
}

static void fatal(const char *fmt, ...)
{
	va_list ap;

	if (!isendwin()) endwin();
	fprintf(stderr, PROG ": fatal: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(111);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(status, sizeof status, fmt, ap);
	va_end(ap);
}

static void rule(int y)
{
	move(y, 0);
	if (ascii) {
		int x;
		for (x = 0; x < COLS; x++) addch('-');
	} else {
		whline(stdscr, ACS_HLINE, COLS);
	}
}

/* duration: s seconds to the minute: every changed cell costs a redraw,
 * which on the screen under emulation is dear */
static void duration(long s, char *buf, size_t size)
{
	if (s < 0) snprintf(buf, size, "-");
	else if (s >= 86400) snprintf(buf, size, "%ldd%02ldh", s / 86400, s / 3600 % 24);
	else if (s >= 3600) snprintf(buf, size, "%ldh%02ldm", s / 3600, s / 60 % 60);
	else snprintf(buf, size, "%ldm", s / 60);
}

static const char *statename(const struct row *r)
{
	static const char *n[] = { "off", "running", "paused", "shutdown", "crashed", "dying" };
	if (r->g.state == G_OFF && r->save[0]) return "saved";
	return n[r->g.state];
}

static struct row *find(const char *name)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (!strcmp(rows[i].g.name, name)) return &rows[i];
	return 0;
}

static int endswith(const char *s, const char *t)
{
	size_t a = strlen(s), b = strlen(t);
	return a >= b && !strcmp(s + a - b, t);
}

/* the guests of /etc/xen/NAME.cfg and /var/lib/xen/save/NAME.save, read
 * by offscan; offguests adds those that do not run to the table */
static struct row offs[MAXG];
static int noff;

static struct row *offrow(const char *name)
{
	int i;

	for (i = 0; i < noff; i++)
		if (!strcmp(offs[i].g.name, name)) return &offs[i];
	if (noff == MAXG) return 0;
	memset(&offs[noff], 0, sizeof offs[noff]);
	snprintf(offs[noff].g.name, sizeof offs[noff].g.name, "%s", name);
	offs[noff].g.vcpus = 1;
	return &offs[noff++];
}

/* dirtime: the modification time of dir, which changes when a file in it
 * comes or goes (or is renamed, as xenlive-guest writes configs) */
static struct timespec dirtime(const char *dir)
{
	struct stat st;
	struct timespec none = { 0, 0 };

	return stat(dir, &st) == 0 ? st.st_mtim : none;
}

static int tseq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* offscan: anew when all, else only when a folder changed */
static void offscan(int all)
{
	static struct timespec cfgt, savet;
	struct timespec ct = dirtime(CFGDIR), st = dirtime(SAVEDIR);
	DIR *d;
	struct dirent *e;
	struct row *r;
	char path[300], name[64], v[64];

	if (!all && tseq(ct, cfgt) && tseq(st, savet)) return;
	cfgt = ct;
	savet = st;
	noff = 0;
	if ((d = opendir(CFGDIR))) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' || !endswith(e->d_name, ".cfg")) continue;
			snprintf(path, sizeof path, CFGDIR "/%s", e->d_name);
			if (cfgval(path, "name", name, sizeof name) || !name[0] || !(r = offrow(name)))
				continue;
			snprintf(r->cfg, sizeof r->cfg, "%s", path);
			cfgval(path, "type", v, sizeof v);
			if (!v[0]) cfgval(path, "builder", v, sizeof v);
			snprintf(r->g.type, sizeof r->g.type, "%s",
			         !strcmp(v, "hvm") ? "HVM" : !strcmp(v, "pvh") ? "PVH" : "PV");
			cfgval(path, "memory", v, sizeof v);
			r->g.mib = strtoul(v, 0, 10);
			cfgval(path, "vcpus", v, sizeof v);
			if (v[0]) r->g.vcpus = strtoul(v, 0, 10);
		}
		closedir(d);
	}
	if ((d = opendir(SAVEDIR))) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' || !endswith(e->d_name, ".save")) continue;
			snprintf(name, sizeof name, "%.*s", (int)(strlen(e->d_name) - 5), e->d_name);
			if ((r = offrow(name))) snprintf(r->save, sizeof r->save, SAVEDIR "/%s", e->d_name);
		}
		closedir(d);
	}
}

static void offguests(void)
{
	int i;
	struct row *r;

	for (i = 0; i < noff; i++) {
		if ((r = find(offs[i].g.name))) {
			/* a running guest's config, for its VNC address */
			snprintf(r->cfg, sizeof r->cfg, "%s", offs[i].cfg);
			continue;
		}
		if (nrows == MAXG) return;
		r = &rows[nrows++];
		*r = offs[i];
		r->g.domid = -1;
		r->g.state = G_OFF;
		r->g.cpu = -1;
		r->g.uptime = -1;
	}
}

/* how much gather looks at: under emulation each look costs */
enum { GUESTS,            /* every second: the guests, the host's memory */
       SOME,              /* every few seconds: network, lab, ARP, names */
       ALL };             /* at start and after an action: all of it */

/* gather: what level says anew. The selection follows its guest by name. */
static void gather(int level)
{
	static struct guest g[MAXG];
	static time_t poked;
	int n, i, noaddr = 0, full = level >= SOME;
	time_t now = time(0);

	xenhost(&host);
	if (full) {
		sysread(&sys, level == ALL);
		offscan(level == ALL);
	} else {
		sys.uptime = sysuptime();
	}
	leasescan(full);
	n = xenguests(g, MAXG, full);
	nrows = 0;
	for (i = 0; i < n; i++) {
		memset(&rows[nrows], 0, sizeof rows[nrows]);
		rows[nrows].g = g[i];
		leaseaddr(g[i].mac, g[i].name, rows[nrows].g.addr, sizeof rows[nrows].g.addr);
		if (!rows[nrows].g.addr[0] && g[i].mac[0]) noaddr = 1;
		nrows++;
	}
	offguests();
	/* udhcpd writes its leases only when asked: often while a guest
	 * waits for its address, seldom otherwise */
	if (now - poked >= (noaddr ? 3 : 60)) {
		leasepoke();
		poked = now;
	}
	if (selname[0]) {
		for (i = 0; i < nrows && strcmp(rows[i].g.name, selname); i++)
			;
		if (i < nrows) sel = i;
	}
	if (sel >= nrows) sel = nrows - 1;
	if (sel < 0) sel = 0;
	if (nrows) snprintf(selname, sizeof selname, "%s", rows[sel].g.name);
}

static int tablerows(void) { return LINES - TOP - BOTTOM; }

static void drawsmall(void)
{
	erase();
	mvprintw(0, 0, "XenLive dashboard");
	mvprintw(2, 0, "This terminal has %d columns and %d lines;", COLS, LINES);
	mvprintw(3, 0, "the dashboard needs %d x %d.", MINW, MINH);
	mvprintw(5, 0, "Enlarge it, or: q quit, ! shell");
	refresh();
}

/* header: the top lines, the host, network, medium and lab */
static void header(void)
{
	char t[32], up[32];
	int i;
	time_t now = time(0);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(t, sizeof t, "%H:%M", &tm);
	attron(A_REVERSE);
	move(0, 0);
	for (i = 0; i < COLS; i++) addch(' ');
	mvprintw(0, 1, "XenLive  %s  build %.16s", sys.host, sys.build[0] ? sys.build : "?");
	duration(sys.uptime, up, sizeof up);
	mvprintw(0, COLS - 1 - (int)strlen(t) - 4 - (int)strlen(up) - 3, "up %s   %s", up, t);
	attroff(A_REVERSE);
	if (host.ok)
		mvprintw(1, 0, "Host     Xen %s, %u CPUs, %lu MiB memory: %lu free for guests, dom0 %lu",
		         host.xen, host.cpus, host.total_mib, host.free_mib, host.dom0_mib);
	else
		mvprintw(1, 0, "Host     the toolstack does not answer (xl info)");
	mvprintw(2, 0, "Network  %.*s", COLS - 10, sys.net);
	mvprintw(3, 0, "Medium   %-22s Persistence %s", sys.medium, sys.persist);
	mvprintw(4, 0, "Lab      %s", sys.lab);
}

/* footer: the bottom lines, a rule, the status line and two lines of
 * keys; then the screen is brought up to date */
static void footer(const char *keys1, const char *keys2)
{
	rule(LINES - 4);
	mvprintw(LINES - 3, 0, "%.*s", COLS, status);
	mvprintw(LINES - 2, 0, "%s", keys1);
	mvprintw(LINES - 1, 0, "%s", keys2);
	move(LINES - 3, 0);
	refresh();
}

static void draw(void)
{
	char up[32], c[16], line[256];
	int i, y, n = tablerows(), running = 0;

	if (LINES < MINH || COLS < MINW) {
		drawsmall();
		return;
	}
	erase();
	header();
	for (i = 0; i < nrows; i++) running += rows[i].g.domid >= 0;
	rule(5);
	mvprintw(5, 2, " Guests: %d running, %d stopped ", running, nrows - running);
	attron(A_BOLD);
	mvprintw(6, 0, "  %-16s %-8s %-4s %5s %7s %5s  %-15s %8s", "NAME", "STATE", "TYPE",
	         "VCPUS", "MEM MiB", "CPU%", "ADDRESS", "UPTIME");
	attroff(A_BOLD);
	if (sel < top) top = sel;
	if (sel >= top + n) top = sel - n + 1;
	if (top > nrows - n) top = nrows - n;
	if (top < 0) top = 0;
	for (y = 0; y < n && top + y < nrows; y++) {
		const struct row *r = &rows[top + y];
		const struct guest *g = &r->g;

		if (g->cpu >= 0) snprintf(c, sizeof c, "%.1f", g->cpu);
		else snprintf(c, sizeof c, "-");
		duration(g->uptime, up, sizeof up);
		snprintf(line, sizeof line, "%c %-16.16s %-8s %-4s %5u %7lu %5s  %-15s %8s",
		         top + y == sel ? '>' : ' ', g->name, statename(r), g->type[0] ? g->type : "-",
		         g->vcpus, g->mib, g->domid >= 0 ? c : "-", g->addr[0] ? g->addr : "-", up);
		if (top + y == sel) attron(A_REVERSE);
		mvprintw(TOP + y, 0, "%-*.*s", COLS - 1, COLS - 1, line);
		if (top + y == sel) attroff(A_REVERSE);
	}
	if (!nrows) mvprintw(TOP, 2, "no guests: n makes one");
	/* more guests above or below */
	if (top > 0) mvaddch(TOP, COLS - 1, '^');
	if (top + n < nrows) mvaddch(TOP + n - 1, COLS - 1, 'v');
	footer("Enter console  s start  d shut down  r reboot  x destroy  v save/restore",
	       "m migrate  i info  n new  l lab  w Wi-Fi  p persist  I install  ! shell  R/O q");
}

/* resize: the terminal's new size, from the kernel */
static void resize(void)
{
	struct winsize w;

	/* resizeterm queues a KEY_RESIZE itself: only a new size is news */
	resized = 0;
	if (ioctl(0, TIOCGWINSZ, &w) == 0 && w.ws_row && w.ws_col &&
	    (w.ws_row != LINES || w.ws_col != COLS)) {
		resizeterm(w.ws_row, w.ws_col);
		clearok(curscr, TRUE);
	}
}

/* getkey: a key within ms milliseconds, or ERR; finished background
 * commands are collected meanwhile */
static int getkey(int ms)
{
	struct pollfd p[1 + NJOBS];
	struct job *pj[1 + NJOBS];
	int n = 1, i, k;
	char msg[256];

	if (resized) return KEY_RESIZE;
	k = getch();
	if (k != ERR) return k;
	p[0].fd = 0;
	p[0].events = POLLIN;
	for (i = 0; i < NJOBS; i++)
		if (jobs[i].pid) {
			p[n].fd = jobs[i].fd;
			p[n].events = POLLIN;
			pj[n++] = &jobs[i];
		}
	if (poll(p, n, ms) <= 0) return resized ? KEY_RESIZE : ERR;
	for (i = 1; i < n; i++)
		if (p[i].revents && jobread(pj[i], msg, sizeof msg)) say("%s", msg);
	if (resized) return KEY_RESIZE;
	return getch();
}

/* ask: q on the status line, then one key (0 on Esc or a signal) */
static int ask(const char *q)
{
	int k;

	move(LINES - 3, 0);
	clrtoeol();
	attron(A_BOLD);
	mvprintw(LINES - 3, 0, "%.*s", COLS - 1, q);
	attroff(A_BOLD);
	refresh();
	while (!stop) {
		k = getkey(1000);
		if (k == KEY_RESIZE) resize();
		if (k == ERR || k == KEY_RESIZE) continue;
		return k == 27 ? 0 : k;
	}
	return 0;
}

static int confirm(const char *fmt, ...)
{
	char q[256];
	va_list ap;
	int k;

	va_start(ap, fmt);
	vsnprintf(q, sizeof q - 8, fmt, ap);
	va_end(ap);
	strcat(q, " y/n ");
	k = ask(q);
	if (k != 'y' && k != 'Y') {
		say("cancelled");
		return 0;
	}
	return 1;
}

/* prompt: a line of text on the status line into buf (which may hold a
 * default), shown as typed or, when secret, as one * per character; 1 on
 * Enter, 0 on Esc (a secret buf is then wiped) */
static int askline(const char *q, char *buf, size_t size, int secret)
{
	size_t n = strlen(buf);
	int k;

	curs_set(1);
	while (!stop) {
		move(LINES - 3, 0);
		clrtoeol();
		attron(A_BOLD);
		mvprintw(LINES - 3, 0, "%s", q);
		attroff(A_BOLD);
		addch(' ');
		/* the end of a long answer stays in sight */
		if (secret) {
			size_t i;
			for (i = 0; i < n && i < (size_t)COLS / 2; i++) addch('*');
		} else {
			printw("%s", n > (size_t)COLS / 2 ? buf + n - COLS / 2 : buf);
		}
		refresh();
		k = getkey(1000);
		if (k == KEY_RESIZE) resize();
		if (k == ERR || k == KEY_RESIZE) continue;
		if (k == 27) break;
		if (k == '\n' || k == '\r' || k == KEY_ENTER) {
			curs_set(0);
			return 1;
		}
		if ((k == KEY_BACKSPACE || k == 127 || k == 8) && n) buf[--n] = 0;
		else if (k == 21) buf[n = 0] = 0;
		else if (k >= 32 && k < 127 && n + 1 < size) {
			buf[n++] = k;
			buf[n] = 0;
		}
	}
	curs_set(0);
	if (secret) memset(buf, 0, size);
	say("cancelled");
	return 0;
}

static int prompt(const char *q, char *buf, size_t size)
{
	return askline(q, buf, size, 0);
}

static void job(const char *what, const char *rm, char *const argv[])
{
	char err[256];
	struct job *j = jobstart(what, argv, err, sizeof err);

	if (!j) {
		say("%s failed: %s", what, err);
		return;
	}
	if (rm) snprintf(j->rm, sizeof j->rm, "%s", rm);
	say("%s ...", what);
}

static struct row *selected(void)
{
	if (!nrows) {
		say("no guest selected: n makes one");
		return 0;
	}
	return &rows[sel];
}

static struct row *running(void)
{
	struct row *r = selected();

	if (r && r->g.domid < 0) {
		say("%s does not run: s starts it", r->g.name);
		return 0;
	}
	return r;
}

static void act_console(void)
{
	struct row *r = running();
	char intro[160], *argv[] = { "xl", "console", 0, 0 };

	if (!r) return;
	argv[2] = r->g.name;
	snprintf(intro, sizeof intro, "Console of %s: Ctrl-] comes back to the dashboard.", r->g.name);
	if (runfg(argv, intro, 0) != 0) say("xl console %s failed", r->g.name);
	else say("back from the console of %s", r->g.name);
}

static void act_start(void)
{
	struct row *r = selected();
	char what[128], *argv[] = { "xl", "create", 0, 0 }, *rargv[] = { "xl", "restore", 0, 0 };

	if (!r) return;
	if (r->g.domid >= 0) {
		say("%s runs already", r->g.name);
	} else if (r->save[0]) {
		rargv[2] = r->save;
		snprintf(what, sizeof what, "restore %s (xl restore %s)", r->g.name, r->save);
		job(what, r->save, rargv);
	} else if (r->cfg[0]) {
		argv[2] = r->cfg;
		snprintf(what, sizeof what, "start %s (xl create %s)", r->g.name, r->cfg);
		job(what, 0, argv);
	} else {
		say("%s: no config in " CFGDIR, r->g.name);
	}
}

/* xlact: `xl VERB GUEST`, asked first */
static void xlact(char *verb, const char *question)
{
	struct row *r = running();
	char what[128], *argv[] = { "xl", verb, 0, 0 };

	if (!r || !confirm("%s %s?", question, r->g.name)) return;
	argv[2] = r->g.name;
	snprintf(what, sizeof what, "%s %s (xl %s %s)", verb, r->g.name, verb, r->g.name);
	job(what, 0, argv);
}

static void act_save(void)
{
	struct row *r = selected();
	char what[128], file[300], *argv[] = { "xl", "save", 0, file, 0 };

	if (!r) return;
	if (r->g.domid < 0) {
		if (r->save[0]) act_start();
		else say("%s does not run and has no save file", r->g.name);
		return;
	}
	snprintf(file, sizeof file, SAVEDIR "/%s.save", r->g.name);
	if (!confirm("Save %s to %s and stop it (v restores it)?", r->g.name, file)) return;
	if (mkdir(SAVEDIR, 0700) < 0 && errno != EEXIST) {
		say("save failed: unable to create " SAVEDIR ": %s", strerror(errno));
		return;
	}
	argv[2] = r->g.name;
	snprintf(what, sizeof what, "save %s (xl save)", r->g.name);
	job(what, 0, argv);
}

static void act_info(void)
{
	struct row *r = selected();
	char path[96], port[16], listen[64] = "";

	if (!r) return;
	if (r->g.domid < 0) {
		say("%s: %s, %s%s", r->g.name, statename(r), r->cfg[0] ? r->cfg : "no config",
		    r->save[0] ? ", saved: s restores it" : "");
		return;
	}
	if (!strcmp(r->g.type, "HVM")) {
		snprintf(path, sizeof path, "/local/domain/%d/console/vnc-port", r->g.domid);
		xenread(path, port, sizeof port);
		if (r->cfg[0]) cfgval(r->cfg, "vnclisten", listen, sizeof listen);
		if (port[0]) {
			say("%s: its screen by VNC on %s:%s (display %d); Enter: its serial console",
			    r->g.name, listen[0] ? listen : "127.0.0.1", port, atoi(port) - 5900);
			return;
		}
	}
	say("%s: domain %d, %s, MAC %s, address %s; Enter: its console", r->g.name, r->g.domid,
	    r->g.type, r->g.mac[0] ? r->g.mac : "-", r->g.addr[0] ? r->g.addr : "-");
}

static void act_migrate(void)
{
	struct row *r = running();
	char out[4096], *p, *e, what[128], q[512], node[10][2][64];
	char *argv[] = { "xenlive-lab", "list", 0 }, *margv[] = { "xenlive-lab", "migrate", 0, 0, 0 };
	int n = 0, first = 1, k, st;
	size_t ql;

	if (!r) return;
	if (!sys.labon) {
		say("migrate: this machine is no lab node: l starts lab mode");
		return;
	}
	say("looking for lab nodes on the LAN (xenlive-lab list) ...");
	draw();
	st = runout(argv, out, sizeof out);
	if (st != 0) {
		errline(out, q, sizeof q);
		say("xenlive-lab list failed: %s", q);
		return;
	}
	/* NODE ADDRESS FREE-MiB GUESTS; this node's line comes first */
	for (p = out; *p && n < 9; p = *e ? e + 1 : e) {
		char a[64], b[64], f[32];

		e = strchr(p, '\n');
		if (!e) e = p + strlen(p);
		if (sscanf(p, "%63s %63s %31s", a, b, f) != 3 || !strcmp(a, "NODE")) continue;
		if (first) {
			first = 0;
			continue;
		}
		snprintf(node[n][0], sizeof node[n][0], "%s", a);
		snprintf(node[n][1], sizeof node[n][1], "%s", b);
		n++;
	}
	if (!n) {
		say("no other lab node answers on the LAN");
		return;
	}
	ql = snprintf(q, sizeof q, "Migrate %s to:", r->g.name);
	for (k = 0; k < n && ql < sizeof q; k++)
		ql += snprintf(q + ql, sizeof q - ql, " %d %s (%s)", k + 1, node[k][0], node[k][1]);
	k = ask(q) - '1';
	if (k < 0 || k >= n) {
		say("cancelled");
		return;
	}
	margv[2] = r->g.name;
	margv[3] = node[k][1];
	snprintf(what, sizeof what, "migrate %s to %s", r->g.name, node[k][0]);
	job(what, 0, margv);
}

/* freename: base followed by the first number no guest has */
static void freename(const char *base, char *buf, size_t size)
{
	int i;

	for (i = 1; i < 1000; i++) {
		snprintf(buf, size, "%s%d", base, i);
		if (!find(buf)) return;
	}
}

/* pickiso: an ISO image on an attached medium (xenlive-guest isos) picked
 * from a list drawn over the table, or one typed (a file or a URL), into
 * iso; 1 when there is one */
static int pickiso(char *iso, size_t size)
{
	static char out[8192];
	char *argv[] = { "xenlive-guest", "isos", 0 }, *p, *e, *f[3], q[128], err[256];
	char *path[9];
	int n = 0, i, k, st;

	say("looking for ISO images on attached media (xenlive-guest isos) ...");
	draw();
	st = runout(argv, out, sizeof out);
	if (st != 0) {
		errline(out, err, sizeof err);
		say("xenlive-guest isos failed: %s", err);
		return 0;
	}
	for (i = TOP - 1; i < LINES - BOTTOM; i++) {
		move(i, 0);
		clrtoeol();
	}
	attron(A_BOLD);
	mvprintw(TOP - 1, 0, "  ISO images on attached media (MiB, where)");
	attroff(A_BOLD);
	/* PATH \t MIB \t WHERE per line */
	for (p = out; p && *p && n < 9 && TOP + n < LINES - BOTTOM - 1; p = e) {
		if ((e = strchr(p, '\n'))) *e++ = 0;
		f[0] = p;
		for (i = 1; i < 3 && (f[i] = strchr(f[i - 1], '\t')); i++)
			*f[i]++ = 0;
		if (i < 3) continue;
		path[n] = f[0];
		mvprintw(TOP + n, 0, "  %d %-30.30s %6s  %.*s", n + 1, f[0], f[1], COLS - 44, f[2]);
		n++;
	}
	mvprintw(TOP + n, 0, "  u a file or an http/https URL, typed");
	snprintf(q, sizeof q, n ? "ISO image: 1-%d or u (Esc: cancel)" : "No ISO image on attached media: u types one (Esc: cancel)", n);
	k = ask(q);
	if (k == 'u') return prompt("ISO image (a file, or an http/https URL):", iso, size) && iso[0];
	if (k < '1' || k >= '1' + n) {
		say("cancelled");
		return 0;
	}
	snprintf(iso, size, "%s", path[k - '1']);
	return 1;
}

static void act_new(void)
{
	char q[512], demo[9][64], name[64], iso[256] = "", sum[80] = "", mem[16] = "512";
	char cfg[300], nameopt[96], what[128];
	char *cargv[] = { "xl", "create", cfg, nameopt, 0 };
	char *hargv[12];
	DIR *d;
	struct dirent *e;
	int n = 0, k, a = 0;
	size_t ql;

	k = ask("New guest: c a copy of a demo guest, h an HVM guest from an ISO image (Esc: cancel)");
	if (k == 'c') {
		if ((d = opendir(DEMODIR))) {
			while ((e = readdir(d)) && n < 9)
				if (endswith(e->d_name, ".cfg"))
					snprintf(demo[n++], sizeof demo[0], "%.*s", (int)strlen(e->d_name) - 4, e->d_name);
			closedir(d);
		}
		if (!n) {
			say("no demo guests on this medium (" DEMODIR ")");
			return;
		}
		ql = snprintf(q, sizeof q, "Copy of:");
		for (k = 0; k < n && ql < sizeof q; k++)
			ql += snprintf(q + ql, sizeof q - ql, " %d %s", k + 1, demo[k]);
		k = ask(q) - '1';
		if (k < 0 || k >= n) {
			say("cancelled");
			return;
		}
		freename(demo[k], name, sizeof name);
		if (!prompt("Name of the new guest:", name, sizeof name)) return;
		snprintf(cfg, sizeof cfg, DEMODIR "/%s.cfg", demo[k]);
		snprintf(nameopt, sizeof nameopt, "name=\"%s\"", name);
		snprintf(what, sizeof what, "new guest %s (copy of %s)", name, demo[k]);
		job(what, 0, cargv);
		return;
	}
	if (k != 'h') {
		say("cancelled");
		return;
	}
	freename("hvm", name, sizeof name);
	if (!prompt("Name of the new HVM guest:", name, sizeof name) ||
	    !pickiso(iso, sizeof iso) ||
	    !prompt("Its SHA-256 (64 hex digits; empty: not checked):", sum, sizeof sum) ||
	    !prompt("Memory in MiB:", mem, sizeof mem))
		return;
	hargv[a++] = "xenlive-guest";
	hargv[a++] = "new";
	hargv[a++] = name;
	hargv[a++] = "--iso";
	hargv[a++] = iso;
	if (sum[0]) {
		hargv[a++] = "--sha256";
		hargv[a++] = sum;
	}
	hargv[a++] = "--memory";
	hargv[a++] = mem;
	hargv[a] = 0;
	snprintf(what, sizeof what, "new HVM guest %s", name);
	job(what, 0, hargv);
}

/* disks: the machine's disks with their sizes, for a prompt */
static void disks(char *buf, size_t size)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	char p[300], v[32];
	size_t n = 0;
	FILE *f;

	buf[0] = 0;
	if (!d) return;
	while ((e = readdir(d)) && n < size) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "loop", 4) || !strncmp(e->d_name, "ram", 3) ||
		    !strncmp(e->d_name, "sr", 2) || !strncmp(e->d_name, "zram", 4) || !strncmp(e->d_name, "dm-", 3) ||
		    !strncmp(e->d_name, "drbd", 4))
			continue;
		snprintf(p, sizeof p, "/sys/block/%s/size", e->d_name);
		v[0] = 0;
		if ((f = fopen(p, "r"))) {
			if (!fgets(v, sizeof v, f)) v[0] = 0;
			fclose(f);
		}
		n += snprintf(buf + n, size - n, "%s%s %lluG", n ? ", " : "", e->d_name,
		              strtoull(v, 0, 10) / 2097152);
	}
	closedir(d);
}

static void act_persist(void)
{
	char q[300], ds[160], dev[128] = "";
	char *argv[] = { "xenlive-persistence", "create", "--device", dev, 0 };
	char *fargv[] = { "xenlive-persistence", "create", "--file", 0 };

	disks(ds, sizeof ds);
	snprintf(q, sizeof q, "Persistence store on (a disk or partition, or file; disks: %s):", ds[0] ? ds : "none");
	if (!prompt(q, dev, sizeof dev) || !dev[0]) return;
	runfg(strcmp(dev, "file") ? argv : fargv, "xenlive-persistence create: it asks before it writes.", 1);
	say("persistence: the store is used from the next boot on");
}

static void act_install(void)
{
	char q[300], ds[160], dev[128] = "";
	char *argv[] = { "xenlive-install", dev, 0 };

	disks(ds, sizeof ds);
	snprintf(q, sizeof q, "Install XenLive to disk (all of it is used; disks: %s):", ds[0] ? ds : "none");
	if (!prompt(q, dev, sizeof dev) || !dev[0]) return;
	runfg(argv, "xenlive-install: it asks before it writes.", 1);
}

static void act_lab(void)
{
	char *on[] = { "xenlive-lab", "start", 0 }, *off[] = { "xenlive-lab", "stop", 0 };

	if (sys.labon) {
		if (confirm("Stop lab mode (the guests keep running)?")) job("lab stop", 0, off);
	} else {
		job("lab start (xenlive-lab start)", 0, on);
	}
}

/* The Wi-Fi page: xenlive-wifi's status and scan drawn over the table; a
 * network picked, its passphrase typed (never shown, handed to
 * xenlive-wifi on a pipe), joined in the background. */
#define MAXNET 32

struct net {
	int dbm;
	char sec[16];
	char ssid[33 * 4];         /* as wpa_cli prints it */
};

/* wifiscan: `xenlive-wifi scan` into nets (SIGNAL SECURITY SSID, in
 * columns of 8 and 11); their number, or -1 with why in err */
static int wifiscan(struct net *nets, char *err, size_t size)
{
	static char out[8192];
	char *argv[] = { "xenlive-wifi", "scan", 0 }, *p, *e;
	int n = 0;

	if (runout(argv, out, sizeof out) != 0) {
		errline(out, err, size);
		return -1;
	}
	for (p = out; *p && n < MAXNET; p = e) {
		if ((e = strchr(p, '\n'))) *e++ = 0;
		else e = p + strlen(p);
		if (strlen(p) < 22 || sscanf(p, "%d %15s", &nets[n].dbm, nets[n].sec) != 2) continue;
		snprintf(nets[n].ssid, sizeof nets[n].ssid, "%s", p + 21);
		n++;
	}
	return n;
}

/* wifistatus: the last line of `xenlive-wifi status`, without its name */
static void wifistatus(char *buf, size_t size)
{
	char out[1024], line[256], *argv[] = { "xenlive-wifi", "status", 0 };

	runout(argv, out, sizeof out);
	lastline(out, line, sizeof line);
	snprintf(buf, size, "%s", strncmp(line, "xenlive-wifi: ", 14) ? line : line + 14);
}

/* bars: a network's signal as 0 to 4 bars */
static const char *bars(int dbm)
{
	static const char *b[] = { "    ", "#   ", "##  ", "### ", "####" };
	return b[dbm >= -55 ? 4 : dbm >= -65 ? 3 : dbm >= -75 ? 2 : dbm >= -85 ? 1 : 0];
}

static void drawwifi(const struct net *nets, int n, int wsel, const char *wstat)
{
	int i;

	if (LINES < MINH || COLS < MINW) {
		drawsmall();
		return;
	}
	erase();
	header();
	rule(TOP - 2);
	mvprintw(TOP - 2, 2, " Wi-Fi ");
	mvprintw(TOP - 1, 0, "  %.*s", COLS - 3, wstat);
	attron(A_BOLD);
	mvprintw(TOP, 0, "  %-12s %-11s %s", "SIGNAL dBm", "SECURITY", "NETWORK");
	attroff(A_BOLD);
	for (i = 0; i < n && TOP + 1 + i < LINES - BOTTOM; i++) {
		if (i == wsel) attron(A_REVERSE);
		mvprintw(TOP + 1 + i, 0, "%c %4d %s   %-11s %-*.*s", i == wsel ? '>' : ' ', nets[i].dbm,
		         bars(nets[i].dbm), nets[i].sec, COLS - 28, COLS - 28, nets[i].ssid);
		if (i == wsel) attroff(A_REVERSE);
	}
	if (!n) mvprintw(TOP + 1, 2, "no networks in range: r scans again");
	footer("arrows choose a network  Enter join  r scan again  f forget  o Wi-Fi off",
	       "Esc or q back to the guests");
}

static void wifijoin(const struct net *nt)
{
	char pass[72] = "", q[128], in[80], what[96], err[256];
	char *argv[] = { "xenlive-wifi", "connect", 0, "--passphrase-file", "-", 0, 0 };
	struct job *j;
	int k;

	if (!strcmp(nt->sec, "enterprise") || !strcmp(nt->sec, "WEP")) {
		say("'%s' is %s: not supported", nt->ssid, !strcmp(nt->sec, "WEP") ? "WEP" : "enterprise (802.1X)");
		return;
	}
	argv[2] = (char *)nt->ssid;
	if (strcmp(nt->sec, "open")) {
		snprintf(q, sizeof q, "Passphrase for '%.24s' (not shown; Esc cancels):", nt->ssid);
		if (!askline(q, pass, sizeof pass, 1)) return;
		if (strlen(pass) < 8 || strlen(pass) > 63) {
			say("a WPA passphrase has 8 to 63 characters, this one %zu", strlen(pass));
			memset(pass, 0, sizeof pass);
			return;
		}
	} else {
		argv[3] = 0;
	}
	k = ask("Keep this network for the next boots (needs persistence)? y/n");
	if (k == 'y' || k == 'Y') argv[argv[3] ? 5 : 3] = "--save";
	snprintf(in, sizeof in, "%s\n", pass);
	memset(pass, 0, sizeof pass);
	snprintf(what, sizeof what, "join Wi-Fi '%.32s'", nt->ssid);
	j = jobstartin(what, argv, argv[3] ? in : 0, err, sizeof err);
	memset(in, 0, sizeof in);
	if (!j) say("%s failed: %s", what, err);
	else say("%s ...", what);
}

static void act_wifi(void)
{
	static struct net nets[MAXNET];
	char err[256], wstat[256];
	char *fargv[] = { "xenlive-wifi", "forget", 0 }, *oargv[] = { "xenlive-wifi", "off", 0 };
	int n, wsel = 0, k, i, busy;

	say("Wi-Fi: looking for networks (xenlive-wifi scan) ...");
	draw();
	if ((n = wifiscan(nets, err, sizeof err)) < 0) {
		say("Wi-Fi: %s", err);
		return;
	}
	wifistatus(wstat, sizeof wstat);
	say("Wi-Fi: %d network%s in range", n, n == 1 ? "" : "s");
	drawwifi(nets, n, wsel, wstat);
	while (!stop) {
		for (busy = i = 0; i < NJOBS; i++) busy |= jobs[i].pid != 0;
		k = getkey(1000);
		if (k == KEY_RESIZE) resize();
		if (k == ERR || k == KEY_RESIZE) {
			/* a job just ended: what it changed */
			for (i = 0; i < NJOBS && !jobs[i].pid; i++)
				;
			if (busy && i == NJOBS) {
				gather(SOME);
				wifistatus(wstat, sizeof wstat);
			}
			drawwifi(nets, n, wsel, wstat);
			continue;
		}
		switch (k) {
		case KEY_UP: case 'k': if (wsel > 0) wsel--; break;
		case KEY_DOWN: case 'j': if (wsel < n - 1) wsel++; break;
		case '\r': case '\n': case KEY_ENTER:
			if (n) wifijoin(&nets[wsel]);
			break;
		case 'r':
			say("Wi-Fi: looking for networks (xenlive-wifi scan) ...");
			drawwifi(nets, n, wsel, wstat);
			if ((i = wifiscan(nets, err, sizeof err)) < 0) {
				say("Wi-Fi: %s", err);
				n = 0;
			} else {
				n = i;
				say("Wi-Fi: %d network%s in range", n, n == 1 ? "" : "s");
			}
			if (wsel >= n) wsel = n ? n - 1 : 0;
			wifistatus(wstat, sizeof wstat);
			break;
		case 'f':
			if (confirm("Forget the network joined now (its saved copy too) and leave it?"))
				job("forget the Wi-Fi network (xenlive-wifi forget)", 0, fargv);
			break;
		case 'o':
			job("Wi-Fi off (xenlive-wifi off)", 0, oargv);
			break;
		case 12: clearok(curscr, TRUE); break;
		case 27: case 'q': return;
		default: break;
		}
		drawwifi(nets, n, wsel, wstat);
	}
}

static void act_shell(void)
{
	char *argv[] = { "/bin/sh", "-l", 0 };

	runfg(argv, "Root shell: exit (or Ctrl-D) comes back to the dashboard.", 0);
	say("back from the shell");
}

static void act_power(int off)
{
	char *r[] = { "reboot", 0 }, *p[] = { "poweroff", 0 };

	if (!confirm(off ? "Power off this machine (a lab node moves its guests away first)?"
	                 : "Reboot this machine (a lab node moves its guests away first)?"))
		return;
	job(off ? "power off" : "reboot", 0, off ? p : r);
}

static void move_sel(int d)
{
	sel += d;
	if (sel >= nrows) sel = nrows - 1;
	if (sel < 0) sel = 0;
	if (nrows) snprintf(selname, sizeof selname, "%s", rows[sel].g.name);
}

static int usage(void)
{
	fprintf(stderr, "usage: " PROG " [--ascii]\n");
	return 100;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = onsig };
	char err[256];
	struct timespec now;
	int i, k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ascii")) ascii = 1;
		else return usage();
	}
	if (!isatty(0) || !isatty(1)) fatal("unable to run: stdin and stdout must be a terminal");
	setlocale(LC_ALL, "");
	sigaction(SIGTERM, &sa, 0);
	sigaction(SIGHUP, &sa, 0);
	sigaction(SIGINT, &sa, 0);
	sigaction(SIGWINCH, &sa, 0);
	signal(SIGPIPE, SIG_IGN);
	if (xenopen(err, sizeof err) < 0) fatal("%s", err);
	if (!initscr()) fatal("unable to set up the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
	/* terminals without line characters get ASCII */
	if (!ascii && (!tigetstr("acsc") || tigetstr("acsc") == (char *)-1)) ascii = 1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(100);
	curs_set(0);
	say("Keys below; arrows choose a guest. Ctrl-L redraws.");
	gather(ALL);
	draw();
	while (!stop) {
		clock_gettime(CLOCK_REALTIME, &now);
		k = getkey(1000 - now.tv_nsec / 1000000);
		if (stop) break;
		if (k == KEY_RESIZE) {
			resize();
			draw();
			continue;
		}
		if (k == ERR) {
			static time_t full;
			time_t t = time(0);

			gather(t - full >= 5 ? SOME : GUESTS);
			if (t - full >= 5) full = t;
			draw();
			continue;
		}
		if (LINES < MINH || COLS < MINW) {
			if (k == 'q') break;
			if (k == '!' || k == KEY_F(2)) act_shell();
			draw();
			continue;
		}
		switch (k) {
		case KEY_UP: case 'k': move_sel(-1); draw(); continue;
		case KEY_DOWN: case 'j': move_sel(1); draw(); continue;
		case KEY_PPAGE: move_sel(-tablerows()); draw(); continue;
		case KEY_NPAGE: move_sel(tablerows()); draw(); continue;
		case KEY_HOME: move_sel(-nrows); draw(); continue;
		case KEY_END: move_sel(nrows); draw(); continue;
		case '\r': case '\n': case KEY_ENTER: case 'c': act_console(); break;
		case 's': act_start(); break;
		case 'd': xlact("shutdown", "Shut down"); break;
		case 'r': xlact("reboot", "Reboot"); break;
		case 'x': xlact("destroy", "Destroy (pull the plug of)"); break;
		case 'v': act_save(); break;
		case 'm': act_migrate(); break;
		case 'i': act_info(); break;
		case 'n': act_new(); break;
		case 'l': act_lab(); break;
		case 'w': act_wifi(); break;
		case 'p': act_persist(); break;
		case 'I': act_install(); break;
		case '!': case KEY_F(2): act_shell(); break;
		case 'R': act_power(0); break;
		case 'O': act_power(1); break;
		case 12: clearok(curscr, TRUE); break;
		case 'q': stop = 1; break;
		default: break;
		}
		if (stop) break;
		gather(ALL);
		draw();
	}
	endwin();
	return 0;
}
