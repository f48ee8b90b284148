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

[ -n "$XENBUS_PATH" ] || { log "error: XENBUS_PATH is not set"; exit 1; }
log "called"
