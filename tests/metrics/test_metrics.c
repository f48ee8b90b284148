/* Unit tests of the exporter's host-side modules (iso/dom0/metrics/):
 * expo (the text format), http (request heads, the token), drbd and migr
 * (their files), netdev (/proc/net/dev). With an argument, also writes the formatted sample snap
 * there, for promtool. */
#include "check.h"

#include "util.h"
#include "snap.h"
#include "expo.h"
#include "http.h"
#include "drbd.h"
#include "migr.h"
#include "view.h"
#include "netdev.h"

static int has(const struct buf *b, const char *line)
{
	char want[512];

	snprintf(want, sizeof want, "\n%s\n", line);
	return strstr(b->s, want) != 0;
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++) n++;
	return n;
}

static const char proc[] =
	"version: 8.4.11 (api:1/proto:86-101)\n"
	"srcversion: 211FB288A383ED945B83420 \n"
	" 1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
	"    ns:1024 nr:0 dw:1024 dr:2048 al:1 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
	" 2: cs:Unconfigured\n"
	" 3: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----\n"
	"    ns:0 nr:0 dw:4 dr:0 al:1 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:4096\n"
	"12: cs:SyncSource ro:Secondary/Secondary ds:UpToDate/Inconsistent C r-----\n"
	"    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:8\n";

static void testexpo(const char *out)
{
	struct dom doms[3] = {
		{"Domain-0", 123456789012ULL, 1073741824ULL, 1073741824ULL, 2,
		 0, 0, 0, 0, 0, 0, 0, 0, DS_RUNNING, 0},
		{"tiny", 5000000001ULL, 33554432ULL, 34603008ULL, 1,
		 1500, 10, 3000, 20, 7, 8, 56, 64, DS_BLOCKED, 1},
		{"a\"b\\c", 0, 4096, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, DS_SHUTDOWN | DS_CRASHED, 2},
	};
	struct snap s;
	struct buf b = {0};
	FILE *f;

	memset(&s, 0, sizeof s);
	s.memtotal = 2147483648ULL;
	s.memfree = 536870912ULL;
	s.cpus = 2;
	snprintf(s.version, sizeof s.version, "4.17.5");
	s.doms = doms;
	s.ndoms = 3;
	s.ndrbd = drbdparse(proc, s.drbd, MAXDRBD);
	drbdname(s.drbd, s.ndrbd, "resource web {\n\tdevice /dev/drbd3;\n}\n");
	migrparse("migrations=4\nfailures=1\nlast_seconds=10.25\nlast_pause_seconds=0.9\n", &s.migr);
	s.seconds = 0.0125;
	bufput(&b, "\n", 1);
	expofmt(&b, &s);

	CHECK(has(&b, "xen_info{version=\"4.17.5\"} 1"));
	CHECK(has(&b, "xen_host_cpus 2"));
	CHECK(has(&b, "xen_host_memory_total_bytes 2147483648"));
	CHECK(has(&b, "xen_host_memory_free_bytes 536870912"));
	CHECK(has(&b, "xen_domain_cpu_seconds_total{domain=\"Domain-0\"} 123.456789012"));
	CHECK(has(&b, "xen_domain_cpu_seconds_total{domain=\"tiny\"} 5.000000001"));
	CHECK(has(&b, "xen_domain_memory_bytes{domain=\"tiny\"} 33554432"));
	CHECK(has(&b, "xen_domain_memory_max_bytes{domain=\"tiny\"} 34603008"));
	/* no limit: no series */
	CHECK(!strstr(b.s, "xen_domain_memory_max_bytes{domain=\"a"));
	CHECK(has(&b, "xen_domain_vcpus{domain=\"Domain-0\"} 2"));
	CHECK(has(&b, "xen_domain_network_receive_bytes_total{domain=\"tiny\"} 1500"));
	CHECK(has(&b, "xen_domain_network_transmit_packets_total{domain=\"tiny\"} 20"));
	CHECK(has(&b, "xen_domain_block_write_requests_total{domain=\"tiny\"} 8"));
	CHECK(has(&b, "xen_domain_block_read_bytes_total{domain=\"tiny\"} 28672"));
	CHECK(has(&b, "xen_domain_block_write_bytes_total{domain=\"tiny\"} 32768"));
	CHECK(has(&b, "xen_domain_state{domain=\"tiny\",state=\"blocked\"} 1"));
	CHECK(has(&b, "xen_domain_state{domain=\"tiny\",state=\"running\"} 0"));
	CHECK(has(&b, "xen_domain_state{domain=\"a\\\"b\\\\c\",state=\"crashed\"} 1"));
	CHECK(has(&b, "xen_domain_state{domain=\"a\\\"b\\\\c\",state=\"shutdown\"} 1"));
	CHECK(count(b.s, "xen_domain_state{") == 3 * 6);
	CHECK(has(&b, "xenlive_drbd_connection_state{resource=\"drbd1\",state=\"Connected\"} 1"));
	CHECK(has(&b, "xenlive_drbd_connection_state{resource=\"web\",state=\"WFConnection\"} 1"));
	CHECK(has(&b, "xenlive_drbd_peer_disk_state{resource=\"web\",state=\"DUnknown\"} 1"));
	CHECK(has(&b, "xenlive_drbd_role{resource=\"drbd12\",role=\"Secondary\"} 1"));
	CHECK(has(&b, "xenlive_drbd_in_sync{resource=\"drbd1\"} 1"));
	CHECK(has(&b, "xenlive_drbd_in_sync{resource=\"web\"} 0"));
	CHECK(has(&b, "xenlive_drbd_in_sync{resource=\"drbd12\"} 0"));
	CHECK(has(&b, "xenlive_drbd_out_of_sync_bytes{resource=\"web\"} 4194304"));
	CHECK(has(&b, "xenlive_lab_migrations_total 4"));
	CHECK(has(&b, "xenlive_lab_migration_failures_total 1"));
	CHECK(has(&b, "xenlive_lab_migration_last_seconds 10.250"));
	CHECK(has(&b, "xenlive_lab_migration_last_pause_seconds 0.900"));
	CHECK(has(&b, "# TYPE xen_domain_cpu_seconds_total counter"));
	CHECK(has(&b, "# TYPE xen_domain_memory_bytes gauge"));
	/* one HELP and one TYPE per family */
	CHECK(count(b.s, "# HELP ") == count(b.s, "# TYPE "));
	CHECK(count(b.s, "# TYPE ") == 4 + 13 + 7 + 4 + 1);
	if (out) {
		f = fopen(out, "w");
		CHECK(f && fwrite(b.s + 1, 1, b.len - 1, f) == b.len - 1 && !fclose(f));
	}

	/* nothing known yet: counters 0, no last_* */
	bufreset(&b);
	migrparse("", &s.migr);
	s.ndrbd = 0;
	bufput(&b, "\n", 1);
	expofmt(&b, &s);
	CHECK(has(&b, "xenlive_lab_migrations_total 0"));
	CHECK(!strstr(b.s, "last_seconds"));
	CHECK(!strstr(b.s, "xenlive_drbd"));
	free(b.s);
}

static void testdrbd(void)
{
	struct drbd d[MAXDRBD];
	int n = drbdparse(proc, d, MAXDRBD);

	CHECK(n == 3);
	CHECK(d[0].minor == 1 && !strcmp(d[0].cs, "Connected") && !strcmp(d[0].role, "Primary") &&
		!strcmp(d[0].peerrole, "Secondary") && !strcmp(d[0].ds, "UpToDate") &&
		!strcmp(d[0].peerds, "UpToDate") && d[0].oos_kib == 0);
	CHECK(d[1].minor == 3 && !strcmp(d[1].cs, "WFConnection") && !strcmp(d[1].peerrole, "Unknown") &&
		!strcmp(d[1].peerds, "DUnknown") && d[1].oos_kib == 4096);
	CHECK(d[2].minor == 12 && !strcmp(d[2].name, "drbd12") && d[2].oos_kib == 8);
	CHECK(drbdparse("version: 8.4.11 (api:1/proto:86-101)\n", d, MAXDRBD) == 0);
	CHECK(drbdparse(proc, d, 1) == 1);
	/* the lab's .res files (lab-drbd.sh): one resource each */
	n = drbdparse(proc, d, MAXDRBD);
	drbdname(d, n, "# written by xenlive-lab replicate\nresource files {\n\tprotocol C;\n"
		"\tdevice /dev/drbd12;\n\tdisk /run/xenlive/drbd/files.disk;\n}\n");
	CHECK(!strcmp(d[2].name, "files") && !strcmp(d[0].name, "drbd1"));
}

static void testmigr(void)
{
	struct migr m;

	migrparse("migrations=12\nfailures=3\nlast_seconds=9.5\n", &m);
	CHECK(m.have && m.total == 12 && m.failures == 3 && m.last == 9.5 && m.pause < 0);
	migrparse("junk\nmigrations=\nfailures=x\n", &m);
	CHECK(m.total == 0 && m.failures == 0 && m.last < 0);
}

static int parse(const char *s, struct req *r)
{
	return httpparse(s, strlen(s), r);
}

static void testhttp(void)
{
	struct req r;
	char big[HTTP_MAXHEAD + 10];
	struct buf b = {0};

	CHECK(parse("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc123\r\n\r\n", &r) == 1);
	CHECK(!strcmp(r.method, "GET") && !strcmp(r.path, "/metrics") && r.hastoken &&
		!strcmp(r.token, "abc123"));
	CHECK(parse("GET /metrics?x=1 HTTP/1.0\nauthorization:   bearer  tok  \n\n", &r) == 1);
	CHECK(!strcmp(r.path, "/metrics") && r.hastoken && !strcmp(r.token, "tok"));
	CHECK(parse("GET / HTTP/1.1\r\nAuthorization: Digest x=1\r\n\r\n", &r) == 1 && !r.hastoken);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\n", &r) == 0);
	CHECK(parse("GET / HTTP/1.1\r\n\r", &r) == 0);
	CHECK(parse("GET / HTTP/2\r\n\r\n", &r) == -1);
	CHECK(parse("GET metrics HTTP/1.1\r\n\r\n", &r) == -1);
	CHECK(parse("get / HTTP/1.1\r\n\r\n", &r) == -1);
	CHECK(parse("GET / HTTP/1.1 extra\r\n\r\n", &r) == -1);
	CHECK(httpparse("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26, &r) == -1);
	CHECK(parse("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", &r) == 1 &&
		!strcmp(r.method, "POST"));
	memset(big, 'a', sizeof big);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	CHECK(httpparse(big, HTTP_MAXHEAD, &r) == -1);
	CHECK(httpparse(big, HTTP_MAXHEAD - 1, &r) == 0);

	CHECK(tokeneq("abcdef", "abcdef"));
	CHECK(!tokeneq("abcde", "abcdef"));
	CHECK(!tokeneq("abcdefg", "abcdef"));
	CHECK(!tokeneq("", "abcdef"));
	CHECK(!tokeneq("abcdeF", "abcdef"));

	/* a browser's Basic: the token is the password; "lab:tok:en" */
	CHECK(parse("GET / HTTP/1.1\r\nAuthorization: Basic bGFiOnRvazplbg==\r\n\r\n", &r) == 1 &&
		r.hastoken && !strcmp(r.token, "tok:en"));
	CHECK(parse("GET / HTTP/1.1\r\nAuthorization: basic bm9jb2xvbg==\r\n\r\n", &r) == 1 &&
		!r.hastoken);
	CHECK(parse("GET / HTTP/1.1\r\nAuthorization: Basic !!!\r\n\r\n", &r) == 1 && !r.hastoken);
	{
		char out[16];
		CHECK(base64dec("YWJj", 4, out, sizeof out) == 0 && !strcmp(out, "abc"));
		CHECK(base64dec("YQ==", 4, out, sizeof out) == 0 && !strcmp(out, "a"));
		CHECK(base64dec("YWJjZGVmZ2hpamtsbW5vcHE=", 24, out, sizeof out) < 0);
		CHECK(base64dec("AA==", 4, out, sizeof out) < 0);
	}

	httptext(&b, 401, "WWW-Authenticate: Bearer\r\n", "unauthorized");
	CHECK(!strncmp(b.s, "HTTP/1.1 401 Unauthorized\r\n", 27));
	CHECK(strstr(b.s, "\r\nContent-Length: 13\r\n") && strstr(b.s, "\r\nConnection: close\r\n") &&
		strstr(b.s, "\r\nWWW-Authenticate: Bearer\r\n\r\nunauthorized\n"));
	free(b.s);
}

static void testview(void)
{
	struct buf b = {0};

	viewhtml(&b, "time 2026-12-07 11:00:00\n"
		"node xenlive-aaaaaa\naddress 192.0.2.1\nfree_mib 812\n"
		"guest tiny 32 -b---- 12.5 192.0.2.50\nguest <b>&x 64 r----- 1.0 -\n"
		"drbd files Connected UpToDate/UpToDate Primary/Secondary\n"
		"node xenlive-bbbbbb\naddress 192.0.2.2\nfree_mib 900\n", 10);
	CHECK(strstr(b.s, "<meta http-equiv=\"refresh\" content=\"10\">") != 0);
	CHECK(strstr(b.s, "<p>As of 2026-12-07 11:00:00 (reloaded every 10 s).</p>") != 0);
	CHECK(strstr(b.s, "<h2 class=\"node\">xenlive-aaaaaa</h2>") != 0);
	CHECK(strstr(b.s, "<h2 class=\"node\">xenlive-bbbbbb</h2>") != 0);
	CHECK(strstr(b.s, "<p>Address 192.0.2.1, 812 MiB free</p>") != 0);
	CHECK(strstr(b.s, "<tr class=\"guest\"><td>tiny<td>32<td>-b----<td>12.5<td>192.0.2.50</tr>") != 0);
	CHECK(strstr(b.s, "<td>&lt;b&gt;&amp;x<td>") != 0 && !strstr(b.s, "<b>"));
	CHECK(strstr(b.s, "<tr class=\"drbd\"><td>files<td>Connected<td>UpToDate/UpToDate<td>Primary/Secondary</tr>") != 0);
	CHECK(count(b.s, "<table>") == 2 && count(b.s, "</table>") == 2);
	CHECK(!strstr(b.s, "<form") && !strstr(b.s, "<button") && !strstr(b.s, "<script") &&
		!strstr(b.s, "<input"));
	bufreset(&b);
	viewhtml(&b, 0, 5);
	CHECK(strstr(b.s, "Gathering the lab") && strstr(b.s, "content=\"5\"") && strstr(b.s, "</html>"));
	free(b.s);
}

/* a renamed vif: eth7 is domain 3's second backend interface */
static int nodestub(const char *iface)
{
	return strcmp(iface, "eth7") ? -1 : 3;
}

static void testnetdev(void)
{
	static const char text[] =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
		"    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n"
		"xenbr0: 5000000 40000 0 0 0 0 0 0 6000000 50000 0 0 0 0 0 0\n"
		"  vif1.0: 1200 12 0 0 0 0 0 0 3400 34 0 0 0 0 0 0\n"
		"vif3.0:12345678901 987654 1 2 0 0 0 0 10987654321 876543 0 0 0 0 0 0\n"
		"vif3.0-emu: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n"
		"  eth7: 5 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n"
		"vif9.0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
		"vif1.1: 8 2 0 0 0 0 0 0 bad\n";
	struct dom doms[3];
	struct snap s;

	memset(&s, 0, sizeof s);
	memset(doms, 0, sizeof doms);
	doms[0].id = 0, doms[1].id = 1, doms[2].id = 3;
	s.doms = doms, s.ndoms = 3;
	CHECK(netdevparse(&s, text, nodestub) == 4);
	CHECK(doms[0].rxbytes == 0 && doms[0].txpkts == 0);
	CHECK(doms[1].rxbytes == 1200 && doms[1].rxpkts == 12 &&
		doms[1].txbytes == 3400 && doms[1].txpkts == 34);
	CHECK(doms[2].rxbytes == 12345678901ULL + 100 + 5 && doms[2].rxpkts == 987654 + 1 + 1 &&
		doms[2].txbytes == 10987654321ULL + 200 + 7 && doms[2].txpkts == 876543 + 2 + 1);
	memset(doms, 0, sizeof doms);
	doms[0].id = 0, doms[1].id = 1, doms[2].id = 3;
	CHECK(netdevparse(&s, text, 0) == 3);
	CHECK(doms[2].rxbytes == 12345678901ULL + 100);
	CHECK(netdevparse(&s, "", 0) == 0);
	CHECK(netdevparse(&s, "vif1.0: 1 2 3", 0) == 0);
}

int main(int argc, char **argv)
{
	testexpo(argc > 1 ? argv[1] : 0);
	testdrbd();
	testmigr();
	testhttp();
	testview();
	testnetdev();
	return checkdone();
}
