#!/bin/sh
# tests/metrics/run.sh: the exporter xenlive-metrics (iso/dom0/metrics/)
# on the build host, without Xen: its modules' unit tests
# (test_metrics.c), its text checked by promtool, and the real server
# built for the host with a stand-in for libxenstat (fakexen.c, 44 guests
# and dom0) on a loopback port: 401 without the token or with a wrong one
# (and a log line naming the client), 200 with it, 404, 405, 431, a client
# that sends nothing does not hold up the others, the token file must be
# 0600, --once; the status page / with the token as a Basic password. Prints PASS/FAIL per check and `N passed, N failed`.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/iso/dom0/metrics
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
ko() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
t=$(mktemp -d)
srv=''
cleanup() {
	[ -z "$srv" ] || kill "$srv" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT

cflags="-std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_GNU_SOURCE -O2
	-Wall -Wextra -Wshadow -Wmissing-prototypes -Wvla -Werror"
mods="$src/util.c $src/expo.c $src/http.c $src/drbd.c $src/migr.c $src/view.c $src/netdev.c"
# shellcheck disable=SC2086
if ! cc $cflags -I"$src" -I"$top/tests/unit" -o "$t/test_metrics" \
	"$top/tests/metrics/test_metrics.c" $mods >"$t/cc.log" 2>&1 ||
	! cc $cflags -I"$src" -o "$t/xenlive-metrics" "$src/metrics.c" "$src/serve.c" \
	"$top/tests/metrics/fakexen.c" $mods >>"$t/cc.log" 2>&1; then
	echo "FAIL build: $(tail -n 5 "$t/cc.log")"
	echo "0 passed, 1 failed"
	exit 1
fi
ok "build (host, -Werror)"

out=$("$t/test_metrics" "$t/unit.prom" 2>&1)
last=$(echo "$out" | tail -n 1)
case $last in
*" passed, 0 failed") ok "unit ($last)" ;;
*) ko unit "$(echo "$out" | tr '\n' ';')" ;;
esac

# promtool FILE NAME: `promtool check metrics` accepts FILE
promtool=$(command -v promtool)
promcheck() {
	if [ -z "$promtool" ]; then
		ko "$2" "no promtool on this host (Debian package prometheus: scripts/host-deps test)"
	elif "$promtool" check metrics <"$1" >"$t/prom.log" 2>&1; then
		ok "$2 (promtool check metrics)"
	else ko "$2" "promtool: $(tr '\n' ';' <"$t/prom.log")"; fi
}
promcheck "$t/unit.prom" promtool-unit

# dom0 and 44 guests, one of them crashed, DRBD and migration files
{
	echo "host 25769803776 3221225472 2 4.17.5"
	echo "dom Domain-0 98765432101 1073741824 1073741824 2 0 0 0 0 0 0 0 0 1"
	i=1
	while [ $i -le 44 ]; do
		echo "dom g$i $((i * 1000000007)) 33554432 34603008 1 $((i * 100)) $i $((i * 200)) $((i * 2)) 5 6 40 48 2"
		i=$((i + 1))
	done
} >"$t/xen"
sed -i 's/^dom g44 \(.*\) 2$/dom g44 \1 24/' "$t/xen"
printf '%s\n' "version: 8.4.11 (api:1/proto:86-101)" \
	" 1: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----" \
	"    ns:0 nr:0 dw:4 dr:0 al:1 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:64" >"$t/drbd"
mkdir "$t/drbd.d"
printf 'resource files {\n\tdevice /dev/drbd1;\n}\n' >"$t/drbd.d/files.res"
printf 'migrations=3\nfailures=1\nlast_seconds=10.4\nlast_pause_seconds=0.95\n' >"$t/migr"
paths="--proc-drbd $t/drbd --drbd-dir $t/drbd.d --migrations $t/migr"
printf '%s\n' "time 2026-12-07 11:00:00" "node xenlive-aaaaaa" "address 192.0.2.1" \
	"free_mib 812" "guest tiny 32 -b---- 12.5 192.0.2.50" "node xenlive-bbbbbb" >"$t/view"
export XENLIVE_FAKE_XEN="$t/xen"

# shellcheck disable=SC2086
"$t/xenlive-metrics" --once $paths >"$t/once.prom" 2>"$t/once.err"
rc=$?
if [ "$rc" -ne 0 ]; then ko once "exit $rc: $(cat "$t/once.err")"
elif ! grep -q '^xen_domain_cpu_seconds_total{domain="g7"} 7.000000049$' "$t/once.prom" ||
	! grep -q '^xen_domain_state{domain="g44",state="crashed"} 1$' "$t/once.prom" ||
	! grep -q '^xenlive_drbd_connection_state{resource="files",state="WFConnection"} 1$' "$t/once.prom" ||
	! grep -q '^xenlive_lab_migration_last_pause_seconds 0.950$' "$t/once.prom" ||
	[ "$(grep -c '^xen_domain_memory_bytes{' "$t/once.prom")" -ne 45 ]; then
	ko once "unexpected values: $(grep -e g7 -e g44 -e files -e pause "$t/once.prom" | head -n 8 | tr '\n' ';')"
else ok "once (45 domains, DRBD and migrations)"; fi
promcheck "$t/once.prom" promtool-once

"$t/xenlive-metrics" >/dev/null 2>&1
rc1=$?
"$t/xenlive-metrics" --once --listen 127.0.0.1 >/dev/null 2>&1
rc2=$?
if [ "$rc1" -eq 100 ] && [ "$rc2" -eq 100 ]; then ok "usage (exit 100)"
else ko usage "no arguments: exit $rc1, --once with --listen: exit $rc2"; fi

tok=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
echo "$tok" >"$t/token"
chmod 644 "$t/token"
"$t/xenlive-metrics" --listen 127.0.0.1:1 --token-file "$t/token" >/dev/null 2>"$t/mode.err"
rc=$?
if [ "$rc" -eq 111 ] && grep -q 'may be read by others (mode 0644)' "$t/mode.err"; then
	ok "token-mode (a 0644 token file refused, exit 111)"
else ko token-mode "exit $rc: $(cat "$t/mode.err")"; fi
chmod 600 "$t/token"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
"$t/xenlive-metrics" --listen "127.0.0.1:$port" --token-file "$t/token" $paths --view "$t/view" \
	2>"$t/server.log" &
srv=$!
i=0
while ! grep -q 'serving /metrics' "$t/server.log" && [ $i -lt 50 ]; do
	kill -0 "$srv" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if ! grep -q 'serving /metrics' "$t/server.log"; then
	ko server "did not start: $(cat "$t/server.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi

python3 - "$port" "$tok" "$t" <<'PY' >"$t/client.out" 2>&1
import socket, sys, time
port, tok, t = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def raw(data, wait=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    s.sendall(data)
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    head, _, body = got.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    return int(lines[0].split()[1]), lines[1:], body

def get(path, token=None, method="GET", proto="HTTP/1.1"):
    req = "%s %s %s\r\nHost: x\r\n" % (method, path, proto)
    if token is not None:
        req += "Authorization: Bearer %s\r\n" % token
    return raw((req + "\r\n").encode())

st, h, _ = get("/metrics")
print("none", st, "WWW-Authenticate: Bearer realm=\"xenlive\"" in h)
print("wrong", get("/metrics", tok[:-1] + "0")[0])
print("short", get("/metrics", tok[:10])[0])
t0 = time.monotonic()
st, h, body = get("/metrics", tok)
dt = time.monotonic() - t0
open(t + "/scrape.prom", "wb").write(body)
print("metrics", st, "Content-Type: text/plain; version=0.0.4; charset=utf-8" in h,
      "Connection: close" in h, "Content-Length: %d" % len(body) in h)
print("seconds %.3f" % dt)
print("http10", get("/metrics", tok, proto="HTTP/1.0")[0])
print("other", get("/metricsx", tok)[0], get("/view", tok)[0])
# the status page: the token as a browser sends it, the password of Basic
import base64
def basic(user, pw):
    return raw(("GET / HTTP/1.1\r\nAuthorization: Basic %s\r\n\r\n" %
                base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()).encode())
st, h, body = basic("lab", tok)
print("page", st, "Content-Type: text/html; charset=utf-8" in h,
      b"xenlive-bbbbbb" in body and b"<td>192.0.2.50</tr>" in body)
print("page-wrong", basic("lab", "x" * 64)[0], get("/")[0])
st, h, _ = get("/")
print("challenges", "WWW-Authenticate: Basic realm=\"xenlive\", charset=\"UTF-8\"" in h)
import os
print("want", os.path.exists(t + "/view.want"))
print("post", get("/metrics", tok, method="POST")[0])
print("head", get("/metrics", tok, method="HEAD")[0])
print("huge", raw(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 5000 + b"\r\n\r\n")[0])
print("garbage", raw(b"\x16\x03\x01hello\r\n\r\n")[0])
# a client that sends nothing holds no one up, and is dropped
idle = socket.create_connection(("127.0.0.1", port))
t0 = time.monotonic()
st = get("/metrics", tok)[0]
print("beside-idle", st, time.monotonic() - t0 < 2)
idle.settimeout(10)
t0 = time.monotonic()
print("idle-dropped", idle.recv(10) == b"", round(time.monotonic() - t0))
# the values come anew at each scrape
open(t + "/xen", "a").write("dom late 1 4096 4096 1 0 0 0 0 0 0 0 0 1\n")
print("fresh", b'xen_domain_memory_bytes{domain="late"} 4096' in get("/metrics", tok)[2])
PY
want="none 401 True
wrong 401
short 401
metrics 200 True True True
http10 200
other 404 404
page 200 True True
page-wrong 401 401
challenges True
want True
post 405
head 200
huge 431
garbage 400
beside-idle 200 True
idle-dropped True 5
fresh True"
got=$(grep -v '^seconds ' "$t/client.out")
secs=$(sed -n 's/^seconds //p' "$t/client.out")
if [ "$got" = "$want" ]; then
	ok "server (401 without or with a wrong token, 200 in ${secs}s with 45 domains, status page with Basic, 404, 405, 431, 400, idle client dropped)"
else ko server "got: $(echo "$got" | tr '\n' ';')"; fi
promcheck "$t/scrape.prom" promtool-scrape
if [ "$(grep -c '401 from 127.0.0.1: GET /metrics' "$t/server.log")" -eq 3 ] &&
	[ "$(grep -c '401 from 127.0.0.1: GET / ' "$t/server.log")" -eq 3 ] &&
	grep -q '401 from 127.0.0.1: GET /metrics without a token' "$t/server.log" &&
	! grep -q "$tok" "$t/server.log"; then
	ok "log (one line per 401, naming the client, never the token)"
else ko log "$(tr '\n' ';' <"$t/server.log")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
