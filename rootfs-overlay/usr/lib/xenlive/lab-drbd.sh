# lab-drbd.sh: a guest's writable disk as a DRBD resource between two lab
# nodes (replicate; drbd-peer, the peer's half). Sourced by xenlive-lab
# (BusyBox ash), whose settings and helpers it uses.

# drbd_setup RES MINOR MIB NAME ADDR PEERNAME PEERADDR: resource RES on
# this node (NAME at ADDR) and its peer: /dev/drbdMINOR over
# /var/lib/xen/disks/RES.img (MIB MiB, made when missing) with its
# metadata in RES.drbd-meta beside it (external: the image keeps every
# byte of its file system), both through loop devices; created and
# brought up (Secondary, connecting to the peer). Two primaries are
# allowed: a migration has the disk open on both nodes for a moment.
drbd_setup() {
	d_res=$1 d_minor=$2 d_mib=$3 d_name=$4 d_addr=$5 d_pname=$6 d_paddr=$7
	img=/var/lib/xen/disks/$d_res.img meta=/var/lib/xen/disks/$d_res.drbd-meta
	links=/run/xenlive/drbd
	[ ! -f "/etc/drbd.d/$d_res.res" ] || die "$(hostname) has a DRBD resource $d_res already"
	grep -qs "device */dev/drbd$d_minor;" /etc/drbd.d/*.res &&
		die "$(hostname) uses /dev/drbd$d_minor already"
	if [ -f "$img" ]; then
		[ "$(stat -c %s "$img")" -eq $((d_mib * 1048576)) ] ||
			die "$img on $(hostname) is not $d_mib MiB"
		losetup -a | grep -q "$img" &&
			die "$img is in use on $(hostname) (a guest runs on it?)"
	else
		mkdir -p "${img%/*}" && truncate -s "${d_mib}M" "$img" ||
			die "unable to create $img"
	fi
	rm -f "$meta"
	truncate -s 1M "$meta" || die "unable to create $meta"
	mkdir -p "$links" /var/run/drbd /var/lock
	[ -e /dev/loop-control ] || modprobe loop
	for f in "$img:disk" "$meta:meta"; do
		dev=$(losetup -f) && losetup "$dev" "${f%:*}" ||
			die "no loop device for ${f%:*}"
		ln -sf "$dev" "$links/$d_res.${f##*:}"
	done
	port=$((7788 + d_minor))
	cat >"/etc/drbd.d/$d_res.res.tmp" <<RES
# written by xenlive-lab replicate: $d_res's writable disk, replicated
# between $d_name and $d_pname
resource $d_res {
	protocol C;
	net {
		allow-two-primaries yes;
		after-sb-0pri discard-zero-changes;
		after-sb-1pri discard-secondary;
	}
	device /dev/drbd$d_minor;
	disk $links/$d_res.disk;
	meta-disk $links/$d_res.meta;
	on $d_name { address $d_addr:$port; }
	on $d_pname { address $d_paddr:$port; }
}
RES
	mv "/etc/drbd.d/$d_res.res.tmp" "/etc/drbd.d/$d_res.res"
	modprobe drbd || die "unable to load drbd.ko"
	drbdadm -- --force create-md "$d_res" >/dev/null 2>&1 ||
		die "drbdadm create-md $d_res failed"
	drbdadm up "$d_res" || die "drbdadm up $d_res failed"
}

# drbd-peer: the peer's half of `replicate`, run through lab-shell
cmd_drbd_peer() {
	[ $# -eq 7 ] || usage
	drbd_setup "$@"
	say "DRBD resource $1 (/dev/drbd$2) on $(hostname), waiting for $6"
}

# insync RES: wait (600 s at most) until both sides of RES are UpToDate,
# saying how far the sync is every 10 s
insync() {
	i=0
	while [ "$(drbdadm dstate "$1")" != UpToDate/UpToDate ]; do
		i=$((i + 1))
		[ $i -le 600 ] || die "the sync of $1 did not end in 600 s" \
			"($(drbdadm cstate "$1"), $(drbdadm dstate "$1"))"
		[ $((i % 10)) -ne 0 ] || say "syncing: $(sed -n 's/.*\(sync.ed: *[0-9.]*%\).*/\1/p' /proc/drbd | head -n 1)"
		sleep 1
	done
}

# peerstatus NODE: the status of lab node NODE, in $st, its name in $peer;
# NODE must not run a guest named $guest
peerstatus() {
	st=$(remote "$1" xenlive-lab status 2>&1) ||
		die "$1 does not answer as a node of this lab ($(echo "$st" | tail -n 1))"
	echo "$st" | grep -q "^guest $guest " &&
		die "$1 runs a guest named $guest: stop it there first (xl destroy $guest)"
	peer=$(echo "$st" | awk '$1 == "node" {print $2}')
}

# repeer: `replicate GUEST NODE` when GUEST's disk is a DRBD resource here
# already and its peer lost its side (a node of a live system forgets it
# when it reboots) or another node takes the peer's place. NODE gets a new
# side, made from nothing, and a full sync copies this node's data to it;
# GUEST may go on running here meanwhile.
repeer() {
	res=/etc/drbd.d/$guest.res
	[ -f "$res" ] || die "$cfg names the DRBD resource $guest, which $(hostname) does not have"
	cs=$(drbdadm cstate "$guest" 2>/dev/null) ds=$(drbdadm dstate "$guest" 2>/dev/null)
	case $cs in
	WFConnection|StandAlone|Unconnected) ;;
	*) die "$guest's disk is connected to its peer already ($cs, $ds)" ;;
	esac
	case $ds in
	UpToDate/*) ;;
	*) die "$guest's disk here is $ds: not a side to copy from" ;;
	esac
	minor=$(sed -n 's|^[[:space:]]*device */dev/drbd\([0-9]*\);.*|\1|p' "$res")
	img=/var/lib/xen/disks/$guest.img
	mib=$(($(stat -c %s "$img") / 1048576))
	addr=$(lanaddr) || die "$br has no LAN address"
	peerstatus "$node"
	say "DRBD resource $guest (/dev/drbd$minor) here: a new side on $peer ($node)"
	remote "$node" xenlive-lab drbd-peer "$guest" "$minor" "$mib" "$peer" \
		"$node" "$(hostname)" "${addr%/*}" || die "setting up the peer failed"
	# this node's side names the new peer (the same lines after a reboot)
	myname=$(hostname) tab=$(printf '\t')
	sed -e "/^[[:space:]]*on $myname /b" \
		-e "s|^[[:space:]]*on .*|${tab}on $peer { address $node:$((7788 + minor)); }|" \
		-e "s|^# between .*|# between $myname and $peer|" "$res" >"$res.tmp" &&
		mv "$res.tmp" "$res" || die "could not rewrite $res"
	[ "$cs" = StandAlone ] || drbdadm disconnect "$guest" 2>/dev/null
	drbdadm adjust "$guest" || die "drbdadm adjust $guest failed"
	insync "$guest"
	say "$guest's disk is replicated with $peer ($node) again and in sync"
}

# drbddisk GUEST: what the disk line of a guest whose writable disk is
# the DRBD resource GUEST holds (written by replicate, looked for by it)
drbddisk() { echo "script=block-drbd, target=$1'"; }

cmd_replicate() {
	[ $# -eq 2 ] || usage
	guest=$1 node=$2
	havekey
	cfg=/etc/xen/$guest.cfg
	[ -f "$cfg" ] || die "no $cfg"
	if grep -q "$(drbddisk "$guest")" "$cfg"; then
		repeer
		return
	fi
	xl_gone "$guest" || die "$(xl_runs_why "$guest" "its disk changes")"
	img=$(grep '^[[:space:]]*disk[[:space:]]*=' "$cfg" | tr "'\"" '\n\n' |
		grep 'access=rw' | grep -v 'script=' | sed -n 's/.*target=\(.*\)/\1/p' | head -n 1)
	[ -n "$img" ] || die "$cfg names no writable disk file (access=rw, target=FILE)"
	[ "$img" = "/var/lib/xen/disks/$guest.img" ] ||
		die "$guest's writable disk is $img, not /var/lib/xen/disks/$guest.img"
	[ -f "$img" ] || die "no $img (start $guest once: /etc/init.d/guests makes it)"
	mib=$(($(stat -c %s "$img") / 1048576))
	addr=$(lanaddr) || die "$br has no LAN address"
	peerstatus "$node"
	minor=1
	while grep -qs "device */dev/drbd$minor;" /etc/drbd.d/*.res; do
		minor=$((minor + 1))
	done
	say "making $img DRBD resource $guest (/dev/drbd$minor) with $peer ($node)"
	remote "$node" xenlive-lab drbd-peer "$guest" "$minor" "$mib" "$peer" \
		"$node" "$(hostname)" "${addr%/*}" || die "setting up the peer failed"
	drbd_setup "$guest" "$minor" "$mib" "$(hostname)" "${addr%/*}" "$peer" "$node"
	# this node's data wins: the first sync copies it to the peer
	drbdadm primary --force "$guest" || die "drbdadm primary --force $guest failed"
	insync "$guest"
	drbdadm secondary "$guest"
	sed -i "s|'format=raw, vdev=\(xvd[a-z]*\), access=rw, target=$img'|'vdev=\1, access=rw, $(drbddisk "$guest")|" "$cfg"
	grep -q "$(drbddisk "$guest")" "$cfg" ||
		die "could not rewrite the disk line of $cfg"
	say "$guest's disk is replicated with $peer ($node) and in sync;" \
		"start it with: xl create $cfg"
}
