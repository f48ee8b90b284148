# lab-nodes.sh: being a lab node (start, stop, status), finding the other
# nodes (list) and moving guests to them (migrate, evacuate). Sourced by
# xenlive-lab (BusyBox ash), whose settings and helpers it uses.

# lanaddr: xenbr0's LAN address as A.B.C.D/N; fails on a host-only bridge
lanaddr() {
	a=$(ip -4 -o addr show dev "$br" 2>/dev/null | awk '{print $4; exit}')
	[ -n "$a" ] && [ "${a%/*}" != "$hostonly" ] && echo "$a"
}

# uptime_s: seconds since boot, to the hundredth
uptime_s() { cut -d ' ' -f 1 /proc/uptime; }

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

# labtoken: the bearer token of the lab's exporters, SHA-256 of a fixed
# label and the lab key in hex: every node of a lab derives the same, a
# new key gives another, and it tells nothing of the key
labtoken() { { echo "xenlive-metrics token 1"; cat "$key"; } | sha256sum | cut -d ' ' -f 1; }

cmd_token() {
	havekey
	t=$(labtoken) && [ ${#t} -eq 64 ] || die "unable to derive the token from $key"
	echo "$t"
}

# metrics_pid: the exporter's pid, when it runs
metrics_pid() {
	m_pid=$(cat "$mpidfile" 2>/dev/null) && [ -n "$m_pid" ] &&
		[ "$(readlink "/proc/$m_pid/exe" 2>/dev/null)" = /usr/sbin/xenlive-metrics ] &&
		echo "$m_pid"
}

# metrics_start ADDRESS: xenlive-metrics on ADDRESS, port $metricsport,
# with the lab's token in a file only root reads, and the view loop of its
# status page, each unless it runs already; their log lines (a 401 names
# the client) go to $log
metrics_start() {
	# the status page's view, kept while someone looks
	if ! view_pid >/dev/null; then
		setsid xenlive-lab view-loop </dev/null >>"$log" 2>&1 &
		echo $! >"$vpidfile"
	fi
	metrics_pid >/dev/null && return 0
	mkdir -p "${tokenfile%/*}" || die "unable to create ${tokenfile%/*}"
	rm -f "$tokenfile.tmp"
	(umask 077 && labtoken >"$tokenfile.tmp") && mv "$tokenfile.tmp" "$tokenfile" ||
		die "unable to write $tokenfile"
	# in a session of its own, as dropbear; setsid execs it (the shell's
	# background child leads no group), so $! is its pid
	setsid xenlive-metrics --listen "$1:$metricsport" --token-file "$tokenfile" \
		--view "$viewfile" </dev/null >>"$log" 2>&1 &
	m=$!
	echo "$m" >"$mpidfile"
	i=0
	until netstat -ltn 2>/dev/null | grep -q " $1:$metricsport "; do
		i=$((i + 1))
		[ $i -le 25 ] && kill -0 "$m" 2>/dev/null || break
		sleep 0.2
	done
	metrics_pid >/dev/null || die "xenlive-metrics did not start (SSH runs; \`$prog" \
		"start\` again tries again): $(tail -n 1 "$log")"
}

# view_pid: the view loop's pid, when it runs
view_pid() {
	v_pid=$(cat "$vpidfile" 2>/dev/null) && [ -n "$v_pid" ] &&
		grep -q view-loop "/proc/$v_pid/cmdline" 2>/dev/null && echo "$v_pid"
}

metrics_stop() {
	m=$(metrics_pid) && kill "$m"
	v=$(view_pid) && kill "$v"
	rm -f "$mpidfile" "$vpidfile" "$tokenfile" "$viewfile" "$viewfile.want" "$nodescache"
}

cmd_start() {
	havekey
	addr=$(lanaddr) || die "$br has no LAN address (host-only or down):" \
		"a lab node needs its wired NIC on the lab's LAN, with DHCP"
	if running; then
		metrics_start "${addr%/*}"
		say "already a lab node on ${addr%/*}:22 (metrics on port $metricsport)"
		return 0
	fi
	# nodes are told apart by name: xenlive-XXXXXX from xenbr0's MAC
	if [ "$(hostname)" = xenlive ]; then
		mac=$(tr -d ':' <"/sys/class/net/$br/address")
		hostname "xenlive-${mac#??????}"
	fi
	mkdir -p "$home/.ssh" && chmod 700 "$home" "$home/.ssh" ||
		die "unable to create $home/.ssh"
	# the lab key may run lab-shell's commands, nothing else
	echo "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty,command=\"/usr/lib/xenlive/lab-shell\" $(pubkey) lab" \
		>"$home/.ssh/authorized_keys"
	chmod 600 "$home/.ssh/authorized_keys"
	# -F -E: in the foreground, logging to $log; -W: a 1 MiB receive
	# window, the migration stream is bulk data; -T 3: auth tries. In a
	# session of its own: started by rcS, it would share the console's
	# and get its hangup when rcS ends.
	setsid dropbear -F -E -r "$key" -p "${addr%/*}:22" -P "$pidfile" \
		-W 1048576 -T 3 -K 15 </dev/null >>"$log" 2>&1 &
	i=0
	while ! running && [ $i -lt 20 ]; do sleep 0.2; i=$((i + 1)); done
	running || die "dropbear did not start: $(tail -n 3 "$log")"
	metrics_start "${addr%/*}"
	say "lab node $(hostname) on ${addr%/*}:22, lab key $(fingerprint "$key")," \
		"metrics on port $metricsport (token: \`$prog token\`)"
}

cmd_stop() {
	if running; then
		kill "$(cat "$pidfile")"
		say "no longer a lab node (guests keep running)"
	else
		say "not a lab node"
	fi
	metrics_stop
	rm -f "$pidfile" "$home/.ssh/authorized_keys"
}

# check NODE [OPTION...]: xenlive-check on NODE, its line and exit status
cmd_check() {
	[ $# -ge 1 ] || usage
	c_node=$1
	shift
	havekey
	remote "$c_node" xenlive-check "$@"
}

# status [-l]: this node's name, address, free memory and guests (name and
# MiB); -l adds each guest's state (xl list), CPU seconds and address (as
# dom0's ARP table has its first NIC's MAC, else -) and the DRBD
# resources (connection, disk states, roles), for the lab's view
cmd_status() {
	addr=$(lanaddr)
	echo "node $(hostname)"
	echo "address ${addr%/*}"
	xl_info && echo "free_mib $(xl_field free_memory)"
	if [ "${1:-}" != -l ]; then
		xl list 2>/dev/null | awk 'NR > 2 {print "guest " $1 " " $3}'
		return 0
	fi
	# "DOMID MAC" of each domain's vif 0, from the backends' xenstore tree
	# (one level deeper per leading blank)
	macs=$(xenstore-ls /local/domain/0/backend/vif 2>/dev/null | awk '
		/^[0-9]/ {d = $1} /^ [0-9]/ {v = $1}
		/^  mac = / && v == 0 {gsub(/"/, "", $3); print d, tolower($3)}')
	{
		echo "$macs" | sed 's/^/mac /'
		awk 'NR > 1 {print "arp " tolower($4) " " $1}' /proc/net/arp 2>/dev/null
		xl list 2>/dev/null | sed 1,2d | sed 's/^/dom /'
	} | awk '
		$1 == "mac" {mac[$2] = $3}
		$1 == "arp" && $2 != "00:00:00:00:00:00" {ip[$2] = $3}
		$1 == "dom" {
			a = ($3 in mac) && (mac[$3] in ip) ? ip[mac[$3]] : "-"
			print "guest " $2 " " $4 " " $(NF - 1) " " $NF " " a
		}'
	[ -e /proc/drbd ] || return 0
	for f in /etc/drbd.d/*.res; do
		[ -f "$f" ] || continue
		r=${f##*/}
		r=${r%.res}
		echo "drbd $r $(drbdadm cstate "$r" 2>/dev/null || echo -)" \
			"$(drbdadm dstate "$r" 2>/dev/null || echo -)" \
			"$(drbdadm role "$r" 2>/dev/null || echo -)"
	done
}

# remote NODE COMMAND...: COMMAND on lab node NODE as the lab account. The
# node must show the lab key as its host key: a machine without the key
# cannot pass for a node.
remote() {
	r_node=$1
	shift
	mkdir -p "$home/.ssh" && chmod 700 "$home" "$home/.ssh"
	grep -q "^$r_node " "$home/.ssh/known_hosts" 2>/dev/null ||
		echo "$r_node $(pubkey)" >>"$home/.ssh/known_hosts"
	HOME=$home timeout 30 dbclient -i "$key" -l "$user" "$r_node" "$@" </dev/null
}

# ssh command for xl migrate -s (xl adds the node and its receive command):
# the stream LZ4-packed (lab-shell unpacks it), as the encrypted channel is
# the slowest part; keepalives every 5 s, so a dead node is noticed
sshcmd="/usr/lib/xenlive/lab-stream pack env HOME=$home dbclient -i $key -l $user -W 1048576 -K 5"

# scan: the other addresses on the /24 of ours with port 22 open, one a
# line (at most 253 hosts, asked in parallel)
scan() {
	addr=$(lanaddr) || die "$br has no LAN address: no lab to look for"
	me=${addr%/*}
	net=${me%.*}
	s_dir=$(mktemp -d) || die "mktemp failed"
	i=1
	while [ $i -le 254 ]; do
		a=$net.$i
		i=$((i + 1))
		[ "$a" = "$me" ] && continue
		{ nc -z -w 2 "$a" 22 2>/dev/null && : >"$s_dir/$a"; } &
	done
	wait
	ls "$s_dir"
	rm -rf "$s_dir"
}

# discover DIR: DIR/ADDRESS holds the status of each other node of this
# lab on the /24 of our address (only those that prove the lab key answer)
discover() {
	lanaddr >/dev/null || die "$br has no LAN address: no lab to look for"
	mkdir -p "$1"
	for a in $(scan); do
		remote "$a" xenlive-lab status >"$1/$a" 2>/dev/null || rm -f "$1/$a"
	done
}

# gather DIR: DIR/ADDRESS holds `status -l` of each node of the lab, this
# one's included, asked side by side; the other nodes are those a scan
# found at most 300 s ago ($nodescache), so that the view and `top` do
# not sweep the LAN at each refresh
nodescache=/run/xenlive/lab-nodes
gather() {
	addr=$(lanaddr) || die "$br has no LAN address: no lab to look for"
	g_me=${addr%/*}
	mkdir -p "$1"
	if [ ! -f "$nodescache" ] ||
		[ $(($(date +%s) - $(stat -c %Y "$nodescache"))) -ge 300 ]; then
		scan >"$nodescache.tmp" && mv "$nodescache.tmp" "$nodescache"
	fi
	(cmd_status -l) >"$1/$g_me"
	for a in $(cat "$nodescache" 2>/dev/null); do
		{ remote "$a" xenlive-lab status -l >"$1/$a" 2>/dev/null || rm -f "$1/$a"; } &
	done
	wait
}

# the status page's view (xenlive-metrics --view): a time line, then
# every node's `status -l`, by address. The exporter touches
# $viewfile.want at each request of the page; a request since the last
# view (the page reloads every 10 s) has a new one made. Idle, the loop
# only tests two dates, with no program run, every 3 s.
viewfile=/run/xenlive/view
vpidfile=/var/run/xenlive-view.pid
cmd_view_loop() {
	havekey
	while :; do
		if [ -e "$viewfile.want" ] &&
			{ [ ! -e "$viewfile" ] || [ "$viewfile.want" -nt "$viewfile" ]; }; then
			v_dir=$(mktemp -d) || die "mktemp failed"
			gather "$v_dir"
			{
				echo "time $(date '+%F %T')"
				for a in $(ls "$v_dir" | sort -t . -k 4 -n); do cat "$v_dir/$a"; done
			} >"$viewfile.tmp" && mv "$viewfile.tmp" "$viewfile"
			rm -rf "$v_dir"
		fi
		sleep 3
	done
}

# top [-d SECONDS] [-n COUNT]: every node's guests in one table, redrawn
# every SECONDS (5), COUNT times (0: until interrupted); CPU % is of one
# CPU, between two refreshes (xentop's figure)
cmd_top() {
	delay=5 count=0
	while [ $# -gt 0 ]; do
		case $1 in
		-d) case ${2:-} in ''|*[!0-9]*|0) usage ;; esac; delay=$2; shift 2 ;;
		-n) case ${2:-} in ''|*[!0-9]*) usage ;; esac; count=$2; shift 2 ;;
		*) usage ;;
		esac
	done
	havekey
	t_dir=$(mktemp -d) || die "mktemp failed"
	trap 'rm -rf "$t_dir"' EXIT
	trap 'exit 130' INT TERM
	: >"$t_dir/prev"
	n=0
	while :; do
		rm -rf "$t_dir/now"
		gather "$t_dir/now"
		now=$(uptime_s)
		for a in $(ls "$t_dir/now" | sort -t . -k 4 -n); do
			sed "s|^|$a |" "$t_dir/now/$a"
		done | awk -v now="$now" -v prevf="$t_dir/prev" -v nextf="$t_dir/next" '
			BEGIN {
				while ((getline l <prevf) > 0) {
					split(l, f, " ")
					if (f[1] == "t") t0 = f[2]; else cpu0[f[1]] = f[2]
				}
				print "t " now >nextf
				printf "%-16s %-16s %-8s %8s %6s  %s\n", "NODE", "GUEST", "STATE", "MEM-MiB", "CPU%", "ADDRESS"
			}
			$2 == "node" {node[$1] = $3}
			$2 == "guest" && NF >= 7 {
				k = $1 "/" $3
				print k " " $6 >nextf
				cpu = (k in cpu0) && now > t0 && $6 >= cpu0[k] ? sprintf("%.1f", ($6 - cpu0[k]) * 100 / (now - t0)) : "-"
				printf "%-16s %-16s %-8s %8s %6s  %s\n", node[$1], $3, $5, $4, cpu, $7
			}' >"$t_dir/table"
		mv "$t_dir/next" "$t_dir/prev"
		[ -t 1 ] && printf '\033[H\033[2J'
		echo "$prog top: $(date '+%F %T'), $(ls "$t_dir/now" | wc -l) node(s), every $delay s"
		cat "$t_dir/table"
		n=$((n + 1))
		[ "$count" -gt 0 ] && [ "$n" -ge "$count" ] && break
		sleep "$delay"
	done
}

# row ADDRESS: a line of `list` from the status on stdin
row() {
	awk -v a="$1" '
		$1 == "node" {n = $2} $1 == "free_mib" {f = $2}
		$1 == "guest" {g = g (g ? " " : "") $2}
		END {printf "%-16s %-16s %9s  %s\n", n, a, f, g}'
}

cmd_list() {
	havekey
	tmp=$(mktemp -d) || die "mktemp failed"
	discover "$tmp"
	addr=$(lanaddr)
	printf '%-16s %-16s %9s  %s\n' NODE ADDRESS FREE-MiB GUESTS
	cmd_status | row "${addr%/*}"
	for a in $(ls "$tmp" | sort -t . -k 4 -n); do
		row "$a" <"$tmp/$a"
	done
	rm -rf "$tmp"
}

# evacuate: every guest to the node with the most free memory that has
# room for it and runs no guest of its name (a guest on a DRBD disk only to
# its resource's peer); what cannot go anywhere keeps running here
cmd_evacuate() {
	havekey
	guests=$(xl list | awk 'NR > 2 {print $1}')
	[ -n "$guests" ] || { say "no guests to move"; return 0; }
	tmp=$(mktemp -d) || die "mktemp failed"
	discover "$tmp"
	left=
	for g in $guests; do
		mem=$(xl list "$g" | awk 'NR == 2 {print $3}')
		drbd=$(xl list -l "$g" | grep -c '"script": "block-drbd"')
		best= bestfree=0
		for a in $(ls "$tmp"); do
			grep -q "^guest $g " "$tmp/$a" && continue
			[ "$drbd" -eq 0 ] || grep -q "address $a:" "/etc/drbd.d/$g.res" 2>/dev/null ||
				continue
			f=$(awk '$1 == "free_mib" {print $2}' "$tmp/$a")
			[ "${f:-0}" -ge $((mem + 8)) ] && [ "$f" -gt "$bestfree" ] &&
				best=$a bestfree=$f
		done
		if [ -z "$best" ]; then
			say "$g ($mem MiB): no node with room for it; it stays here"
			left="$left $g"
			continue
		fi
		if (cmd_migrate "$g" "$best"); then
			# what it took there is no longer free
			sed -i "s/^free_mib .*/free_mib $((bestfree - mem))/" "$tmp/$best"
			echo "guest $g $mem" >>"$tmp/$best"
		else
			left="$left $g"
		fi
	done
	rm -rf "$tmp"
	[ -z "$left" ] || die "not moved:$left"
	say "every guest moved"
}

# countmigr OK [SECONDS [PAUSE]]: one more migration in $migrfile (for
# xenlive-metrics), a failed one unless OK is 1; a successful one also
# sets how long it took and the guest's pause, or drops a pause not known
countmigr() {
	mkdir -p "${migrfile%/*}" || return 0
	(
		flock 9
		n=$(sed -n 's/^migrations=\([0-9]*\)$/\1/p' "$migrfile" 2>/dev/null)
		f=$(sed -n 's/^failures=\([0-9]*\)$/\1/p' "$migrfile" 2>/dev/null)
		last=$(sed -n 's/^last_seconds=//p' "$migrfile" 2>/dev/null)
		pause=$(sed -n 's/^last_pause_seconds=//p' "$migrfile" 2>/dev/null)
		n=$((${n:-0} + 1)) f=${f:-0}
		if [ "$1" = 1 ]; then
			last=${2:-} pause=${3:-}
		else
			f=$((f + 1))
		fi
		{
			echo "migrations=$n"
			echo "failures=$f"
			[ -z "$last" ] || echo "last_seconds=$last"
			[ -z "$pause" ] || echo "last_pause_seconds=$pause"
		} >"$migrfile.tmp" && mv "$migrfile.tmp" "$migrfile"
	) 9>>"$migrfile.lock"
}

# migrstamp [PAUSEFILE]: xl migrate's lines on stdin, stamped with the
# seconds since $t0, into $log; those of level progress and above also on
# stdout. With PAUSEFILE, the seconds from "guest has suspended" to "Target
# reports successful startup" go there.
migrstamp() {
	awk -v t0="$t0" -v pf="${1:-}" -v lf="$log" '{
		getline u <"/proc/uptime"; close("/proc/uptime")
		split(u, f, " "); line = sprintf("[%5.1fs] %s", f[1] - t0, $0)
		print line >>lf; fflush(lf)
		if ($0 !~ /: (debug|verbose|detail): /) { print line; fflush() }
		if (pf == "") next
		if ($0 ~ /guest has suspended/ && susp == "") susp = f[1]
		if ($0 ~ /Target reports successful startup/ && susp != "")
			printf "%.2f\n", f[1] - susp >pf
	}'
}

cmd_migrate() {
	[ $# -eq 2 ] || usage
	guest=$1 node=$2
	havekey
	st=$(xl_state "$guest") || die "no guest $guest runs here"
	case $st in
	*[scd]*) die "$guest is stopping here (state $st): not migrating" ;;
	esac
	mem=$(xl list "$guest" | awk 'NR == 2 {print $3}')
	# a writable disk must be a DRBD resource in sync with the target; a
	# plain file here cannot follow the guest
	rw=$(xl list -l "$guest" | awk '
		/"pdev_path"/ {p = $2; sc = "-"} /"script"/ {sc = $2}
		/"readwrite"/ && $2 ~ /^1/ {gsub(/[",]/, "", p); gsub(/[",]/, "", sc); print p ":" sc}')
	for d in $rw; do
		case $d in
		*:block-drbd)
			r=${d%:*}
			[ "$(drbdadm cstate "$r" 2>/dev/null)" = Connected ] &&
			[ "$(drbdadm dstate "$r" 2>/dev/null)" = UpToDate/UpToDate ] ||
				die "$guest's disk, DRBD resource $r, is not in sync with" \
					"its peer ($(drbdadm cstate "$r" 2>/dev/null)," \
					"$(drbdadm dstate "$r" 2>/dev/null)): not migrating"
			grep -q "address $node:" "/etc/drbd.d/$r.res" ||
				die "$guest's disk, DRBD resource $r, is not replicated to" \
					"$node: not migrating" ;;
		*)
			die "$guest has a writable disk, ${d%:*}, that exists only on" \
				"this node: not migrating (make it a DRBD resource:" \
				"\`$prog replicate $guest NODE\`, with $guest stopped)" ;;
		esac
	done
	st=$(remote "$node" xenlive-lab status 2>&1) ||
		die "$node does not answer as a node of this lab ($(echo "$st" | tail -n 1)):" \
			"not migrating; $guest keeps running here"
	echo "$st" | grep -q "^guest $guest " &&
		die "$node already runs a guest named $guest: not migrating"
	free=$(echo "$st" | awk '$1 == "free_mib" {print $2}')
	# a few MiB beyond the guest's memory for Xen's own structures
	[ "${free:-0}" -ge $((mem + 8)) ] ||
		die "$node has ${free:-0} MiB free, $guest needs $mem MiB (+8):" \
			"not migrating; $guest keeps running here"
	say "migrating $guest ($mem MiB) to $node"
	t0=$(uptime_s)
	# xl's progress lines, each with the seconds since the start. xl runs
	# with -vvv for libxl's "guest has suspended" (a debug line), the start
	# of the guest's pause; it ends at the target's report that it started
	# the guest: that pause goes into $tmp/pause. Every line goes to the
	# lab's log; the terminal gets those of level progress and above. The
	# target's lines (the SSH command's stderr) come through the FIFO
	# $tmp/target, read by a stamp of their own: xl writes a line in
	# pieces, and one stream of both sides mixed pieces of lines.
	tmp=$(mktemp -d) && mkfifo "$tmp/target" || die "mktemp or mkfifo failed"
	echo "[$(date '+%F %T')] migrate $guest to $node" >>"$log"
	# fd 3 holds the FIFO open, so its reader starts, and ends, whether or
	# not xl got as far as running the SSH command
	exec 3<>"$tmp/target"
	{ migrstamp; } <"$tmp/target" 3>&- &
	stamper=$!
	{ xl -vvv migrate -s "2>$tmp/target $sshcmd" "$guest" "$node" 2>&1 3>&-
		echo $? >"$tmp/rc"; } | migrstamp "$tmp/pause" 3>&-
	exec 3>&-
	wait "$stamper"
	rc=$(cat "$tmp/rc")
	pause=$(cat "$tmp/pause" 2>/dev/null)
	rm -rf "$tmp"
	if [ "$rc" = 0 ]; then
		secs=$(awk -v t0="$t0" '{printf "%.2f", $1 - t0}' /proc/uptime)
		countmigr 1 "$secs" "$pause"
		mkdir -p "${moved%/*}" &&
			{ grep -v "^$guest " "$moved" 2>/dev/null; echo "$guest $node"; } >"$moved.tmp" &&
			mv "$moved.tmp" "$moved"
		say "$guest runs on $node now ($secs s${pause:+, paused $pause s})"
		return 0
	fi
	countmigr 0
	if xl domid "$guest" >/dev/null 2>&1; then
		die "migrating $guest to $node failed; $guest still runs here"
	fi
	die "migrating $guest to $node failed and $guest no longer runs here:" \
		"see \`$prog list\` and /var/log/xen on both nodes"
}
