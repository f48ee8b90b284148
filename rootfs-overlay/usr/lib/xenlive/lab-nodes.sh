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
# with the lab's token in a file only root reads; its log lines (a 401
# names the client) go to $log
metrics_start() {
	metrics_pid >/dev/null && return 0
	mkdir -p "${tokenfile%/*}" || die "unable to create ${tokenfile%/*}"
	rm -f "$tokenfile.tmp"
	(umask 077 && labtoken >"$tokenfile.tmp") && mv "$tokenfile.tmp" "$tokenfile" ||
		die "unable to write $tokenfile"
	# in a session of its own, as dropbear; setsid execs it (the shell's
	# background child leads no group), so $! is its pid
	setsid xenlive-metrics --listen "$1:$metricsport" --token-file "$tokenfile" \
		</dev/null >>"$log" 2>&1 &
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

metrics_stop() {
	m=$(metrics_pid) && kill "$m"
	rm -f "$mpidfile" "$tokenfile"
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

cmd_status() {
	addr=$(lanaddr)
	echo "node $(hostname)"
	echo "address ${addr%/*}"
	xl_info && echo "free_mib $(xl_field free_memory)"
	xl list 2>/dev/null | awk 'NR > 2 {print "guest " $1 " " $3}'
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

# discover DIR: DIR/ADDRESS holds the status of each other node of this
# lab on the /24 of our address (at most 253 hosts, asked in parallel;
# only those that prove the lab key answer)
discover() {
	addr=$(lanaddr) || die "$br has no LAN address: no lab to look for"
	me=${addr%/*}
	net=${me%.*}
	mkdir -p "$1/open"
	i=1
	while [ $i -le 254 ]; do
		a=$net.$i
		i=$((i + 1))
		[ "$a" = "$me" ] && continue
		{ nc -z -w 2 "$a" 22 2>/dev/null && : >"$1/open/$a"; } &
	done
	wait
	for a in $(ls "$1/open"); do
		remote "$a" xenlive-lab status >"$1/$a" 2>/dev/null || rm -f "$1/$a"
	done
	rm -rf "$1/open"
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
	printf '%-16s %-16s %9s  %s\n' NODE ADDRESS FREE-MiB GUESTS
	cmd_status | row "$me"
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
	# xl's progress lines, each with the seconds since the start; the
	# guest's pause, from libxenguest's "Domain now suspended" here to the
	# target's report that it started it, into $rcf.pause (when xl
	# printed both)
	rcf=$(mktemp) || die "mktemp failed"
	{ xl migrate -s "$sshcmd" "$guest" "$node" 2>&1; echo $? >"$rcf"; } |
		awk -v t0="$t0" -v pf="$rcf.pause" '{
			getline u <"/proc/uptime"; close("/proc/uptime")
			split(u, f, " "); printf "[%5.1fs] %s\n", f[1] - t0, $0; fflush()
			if ($0 ~ /Domain now suspended/) susp = f[1]
			if ($0 ~ /Target reports successful startup/ && susp != "")
				printf "%.2f\n", f[1] - susp >pf
		}'
	rc=$(cat "$rcf")
	pause=$(cat "$rcf.pause" 2>/dev/null)
	rm -f "$rcf" "$rcf.pause"
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
