# Sourced by XenLive's hotplug scripts (BusyBox ash; Xen's stock ones need
# bash). libxl runs a script as `SCRIPT ACTION [type_if=vif]` with
# XENBUS_PATH (relative to /local/domain/0) in the environment; the backend
# driver waits for the script's keys, and a failure is reported to xl through
# hotplug-error and hotplug-status=error.
# A migrated guest waits, paused, for its devices' scripts on the target
# node, and each program a script starts costs tens of milliseconds under
# emulation: what shell builtins can do, they do (times from /proc/uptime,
# files read with `read`, hex numbers by arithmetic, the backend's keys a
# script needs read by one xenstore-read, every vbd's by one xenstore-ls).
# Measured in dom0 under QEMU TCG: a subshell or $(...) costs 12 ms, a
# xenstore-read or xenstore-write 40 ms, xenstore-ls of one vbd 90 ms.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
[ -d /var/log/xen ] || mkdir -p /var/log/xen
exec 2>>/var/log/xen/xen-hotplug.log

command=$1
for arg; do
	case $arg in type_if=*) type_if=${arg#type_if=} ;; esac
done

# log MESSAGE: a line of xen-hotplug.log, stamped with the seconds since
# boot, as the kernel's log is
log() {
	read -r log_t _ </proc/uptime
	echo "[$log_t] ${0##*/} $command $XENBUS_PATH: $*" >&2
}

fatal() {
	xenstore-write "$XENBUS_PATH/hotplug-error" "$*" \
		"$XENBUS_PATH/hotplug-status" error
	log "error: $*"
	exit 1
}

# The listing is searched with parameter expansions and split into lines
# by the shell itself: `read` takes a byte per system call, which made
# each pass over two guests' vbds cost 0.15 s under emulation.
nl='
'

# xs_find VAR PATH [DEFAULT]: VAR set to the value of PATH in $xs_all
# (`xenstore-ls -f` lines: PATH = "VALUE"), DEFAULT if it has none
xs_find() {
	case "$nl$xs_all" in
	*"$nl$2 = \""*)
		xs_v="$nl$xs_all"
		xs_v=${xs_v#*"$nl$2 = \""}
		xs_v=${xs_v%%"$nl"*}
		xs_v=${xs_v%\"} ;;
	*) xs_v=$3 ;;
	esac
	eval "$1=\$xs_v"
}

# xs_load [PATH]: the keys under PATH (by default this backend's) read at
# once, by one xenstore-ls (each key costs it a round trip to xenstored,
# some milliseconds under emulation), for xs_get and the vbd checks below;
# a key another program writes after it is not seen
xs_load() { xs_all=$(xenstore-ls -f "${1:-$XENBUS_PATH}" 2>/dev/null); }

# xs_read VAR:KEY...: each VAR set to KEY of this backend, all read by one
# xenstore-read (a few keys cost it less than the listing of the backend,
# some 40 ms against 90 under emulation); xenstore-read stops at the first
# key it cannot read, so a key that may be missing comes last: it and the
# keys after it are left empty
xs_read() {
	xs_pairs=$*
	for xs_p; do
		set -- "$@" "$XENBUS_PATH/${xs_p#*:}"
		shift
	done
	xs_out=$(xenstore-read "$@" 2>/dev/null)$nl
	for xs_p in $xs_pairs; do
		case $xs_out in
		*"$nl"*) xs_v=${xs_out%%"$nl"*} xs_out=${xs_out#*"$nl"} ;;
		*) xs_v= ;;
		esac
		eval "${xs_p%%:*}=\$xs_v"
	done
}

# xs_get VAR KEY [DEFAULT]: VAR set to KEY of this backend as xs_load
# saw it (called first if it was not), DEFAULT if it is missing
xs_get() {
	[ -n "${xs_all+set}" ] || xs_load
	xs_find "$1" "$XENBUS_PATH/$2" "$3"
}

# xs_write KEY VALUE [KEY VALUE]...: set keys of this backend, in this
# order (one xenstore-write), or fail the hotplug
xs_write() {
	xs_what=" $*" xs_i=0 xs_n=$#
	# each argument goes round to the end, a key with the backend's path
	while [ $xs_i -lt $xs_n ]; do
		if [ $((xs_i % 2)) -eq 0 ]; then
			set -- "$@" "$XENBUS_PATH/$1"
		else
			set -- "$@" "$1"
		fi
		shift
		xs_i=$((xs_i + 1))
	done
	xenstore-write "$@" || fatal "writing$xs_what to xenstore failed"
}

success() { xs_write hotplug-status connected; }

# ident PATH: what makes two disk paths the same disk: the device number of
# a block device, the file system and inode of a file
ident() {
	if [ -b "$1" ]; then
		stat -L -c 'b%t:%T' "$1"
	else
		stat -L -c 'f%d:%i' "$1"
	fi 2>/dev/null
}

# check_sharing: fails the hotplug when another living domain has a vbd
# backend on the same disk ($params: the same path, file or device, or
# the same name, as a DRBD resource's) and either side writes ($mode):
# two guests mounting one file system read-write destroy it, as Xen's own
# scripts know. Read-only sharing (the guest images) is allowed. Callers
# hold their lock, then `xs_load backend/vbd`, from before this until the
# disk is attached.
check_sharing() {
	mydom=${XENBUS_PATH#backend/vbd/}
	mydom=${mydom%%/*}
	# the other domains' vbds where this one or that one writes
	cs_cand=
	cs_ifs=$IFS
	IFS=$nl
	set -f
	for cs_line in $xs_all; do
		case $cs_line in backend/vbd/*/*/mode\ =\ *) ;; *) continue ;; esac
		cs_be=${cs_line%%/mode = *}
		cs_dom=${cs_be#backend/vbd/}
		[ "${cs_dom%%/*}" = "$mydom" ] && continue
		cs_v=${cs_line#*/mode = \"}
		cs_v=${cs_v%\"}
		case $mode$cs_v in *w*) cs_cand="$cs_cand $cs_be:$cs_v" ;; esac
	done
	set +f
	IFS=$cs_ifs
	[ -n "$cs_cand" ] || return 0
	me=$(ident "$params")
	for cs_c in $cs_cand; do
		cs_be=${cs_c%:*} omode=${cs_c##*:}
		xs_find other "$cs_be/params" ""
		[ -n "$other" ] || continue
		[ "$other" = "$params" ] ||
			{ [ -n "$me" ] && [ "$(ident "$other")" = "$me" ]; } || continue
		dom=${cs_be#backend/vbd/}
		dom=${dom%%/*}
		# a backend whose domain is gone is no one's
		name=$(xenstore-read "/local/domain/$dom/name" 2>/dev/null) || continue
		fatal "disk $params is in use by domain $name (id $dom," \
			"mode $omode): not attaching it (mode $mode) to a second" \
			"domain, as two domains writing to one disk destroy it"
	done
}

[ -n "$XENBUS_PATH" ] || { log "error: XENBUS_PATH is not set"; exit 1; }
log "called"
