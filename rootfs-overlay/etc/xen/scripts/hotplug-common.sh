# Sourced by XenLive's hotplug scripts (BusyBox ash; Xen's stock ones need
# bash). libxl runs a script as `SCRIPT ACTION [type_if=vif]` with
# XENBUS_PATH (relative to /local/domain/0) in the environment; the backend
# driver waits for the script's keys, and a failure is reported to xl through
# hotplug-error and hotplug-status=error.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mkdir -p /var/log/xen
exec 2>>/var/log/xen/xen-hotplug.log

command=$1
for arg; do
	case $arg in type_if=*) type_if=${arg#type_if=} ;; esac
done

log() { echo "$(date '+%F %T') ${0##*/} $command $XENBUS_PATH: $*" >&2; }

fatal() {
	xenstore-write "$XENBUS_PATH/hotplug-error" "$*" \
		"$XENBUS_PATH/hotplug-status" error
	log "error: $*"
	exit 1
}

# xs_read KEY [DEFAULT]: a key of this backend, DEFAULT if it is missing
xs_read() { xenstore-read "$XENBUS_PATH/$1" 2>/dev/null || echo "$2"; }

# xs_write KEY VALUE: set a key of this backend, or fail the hotplug
xs_write() {
	xenstore-write "$XENBUS_PATH/$1" "$2" ||
		fatal "writing $1=$2 to xenstore failed"
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
# hold their lock from here until the disk is attached.
check_sharing() {
	me=$(ident "$params")
	mydom=${XENBUS_PATH#backend/vbd/}
	mydom=${mydom%%/*}
	for dom in $(xenstore-list backend/vbd 2>/dev/null); do
		[ "$dom" = "$mydom" ] && continue
		name=$(xenstore-read "/local/domain/$dom/name" 2>/dev/null) || continue
		for dev in $(xenstore-list "backend/vbd/$dom" 2>/dev/null); do
			be=backend/vbd/$dom/$dev
			other=$(xenstore-read "$be/params" 2>/dev/null) || continue
			[ "$other" = "$params" ] ||
				{ [ -n "$me" ] && [ "$(ident "$other")" = "$me" ]; } || continue
			omode=$(xenstore-read "$be/mode" 2>/dev/null)
			case $mode$omode in
			*w*) fatal "disk $params is in use by domain $name (id $dom," \
				"mode $omode): not attaching it (mode $mode) to a second" \
				"domain, as two domains writing to one disk destroy it" ;;
			esac
		done
	done
}

[ -n "$XENBUS_PATH" ] || { log "error: XENBUS_PATH is not set"; exit 1; }
log "called"
