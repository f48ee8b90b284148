# xl.sh: what dom0's guest commands ask the toolstack, shared by
# /etc/init.d/guests and xenlive-guest. Sourced (BusyBox ash).

# xl_info: reads `xl info` once, for xl_field and xl_hvm; fails when the
# toolstack does not answer
xl_info() { xl_info=$(xl info 2>/dev/null) && [ -n "$xl_info" ]; }

# xl_field KEY: the value of KEY in what xl_info read
xl_field() {
	printf '%s\n' "$xl_info" |
		awk -v k="$1" '$1 == k {sub(/^[^:]*: */, ""); print; exit}'
}

# xl_hvm: whether Xen lists hvm in virt_caps, that is the CPU has hardware
# virtualisation and it is on: HVM guests and PVH need it. Whether it
# really works (emulated CPUs) a guest's start tells.
xl_hvm() {
	case " $(xl_field virt_caps) " in
	*" hvm "*) return 0 ;;
	esac
	return 1
}

# xl_why LOG: the first error in the output of an xl create (libxl's later
# ones are about cleaning up), without libxl's source position; else the
# last line
xl_why() {
	w=$(sed -n -e 's/^libxl: error: [^ ]* //p' -e 's/^xc: error: //p' "$1" | head -n 1)
	echo "${w:-$(tail -n 1 "$1")}"
}

# xl_state NAME: the state letters `xl list` shows for the domain NAME
# (r b p s c d, or -); fails when no domain has that name
xl_state() {
	xl list "$1" 2>/dev/null | awk 'NR == 2 {print $(NF - 1); f = 1} END {exit !f}'
}

# xl_gone NAME: whether the domain NAME is gone, waiting up to 10 s (and
# saying so) while it is stopping: shut down, crashed or dying. `xl
# shutdown -w` returns when the guest has shut down, about a second before
# xl's watcher has destroyed the domain. Fails for a domain that runs (or
# is paused), or one still there after the wait (preserved on shutdown).
xl_gone() {
	g_st=$(xl_state "$1") || return 0
	case $g_st in
	*[scd]*) ;;
	*) return 1 ;;
	esac
	echo "${prog:-xl}: $1 is stopping: waiting for its domain to be gone" >&2
	g_i=0
	while [ $g_i -lt 50 ]; do
		sleep 0.2
		xl_state "$1" >/dev/null || return 0
		g_i=$((g_i + 1))
	done
	return 1
}

# xl_runs_why NAME [WHY]: after xl_gone failed, why: the guest runs (and
# WHY it must not), or its domain stays though the guest has stopped
xl_runs_why() {
	w_st=$(xl_state "$1")
	case $w_st in
	*[scd]*) echo "$1 has stopped but its domain stays (state $w_st; on_poweroff or on_crash preserve?): xl destroy $1" ;;
	*) echo "$1 runs: stop it first (xl shutdown -w $1)${2:+, $2}" ;;
	esac
}
