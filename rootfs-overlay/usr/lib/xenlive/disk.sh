# disk.sh: what xenlive-persistence and xenlive-install share. Sourced
# (BusyBox ash) after the caller sets prog and yes (1: do not ask).
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
MEDIUM=/run/xenlive/medium
PERSIST=/run/xenlive/persist
GRUB=/usr/lib/xenlive/grub
LABEL=persistence
# e2fsprogs' (iso/disk/); BusyBox's mke2fs makes only ext2. It enables
# metadata_csum_seed, an incompatible feature upstream GRUB 2.06 does not
# know (it refuses such a filesystem), and orphan_file, which older tools
# do not know: both off, so GRUB and other systems read the store.
MKFS="/usr/sbin/mkfs.ext4 -q -F -O ^metadata_csum_seed,^orphan_file -L $LABEL"
GPT_LINUX=0FC63DAF-8483-4772-8E79-3D69D8477DE4

say() { echo "$prog: $*"; }
die() { echo "$prog: fatal: $*" >&2; exit 111; }
misuse() { echo "$prog: $*" >&2; usage >&2; exit 100; }

# blockname DEV: /dev/sda or sda -> sda, if it is a block device
blockname() {
	b=${1#/dev/}
	[ -n "$b" ] && [ -e "/sys/class/block/$b" ] || die "$1: no such block device"
	echo "$b"
}

# isdisk NAME: NAME is a whole disk, not a partition
isdisk() { [ -e "/sys/block/$1" ]; }

# diskof NAME: the whole disk that holds NAME
diskof() {
	if isdisk "$1"; then echo "$1"
	else basename "$(readlink -f "/sys/class/block/$1/..")"; fi
}

# partname DISK N: the name of DISK's partition N (sda3, nvme0n1p3)
partname() {
	case $1 in *[0-9]) echo "${1}p$2" ;; *) echo "$1$2" ;; esac
}

# parts DISK: the names of DISK's partitions the kernel knows
parts() {
	for p in /sys/block/"$1"/"$1"*; do
		[ -e "$p/partition" ] && basename "$p"
	done
}

# mib NAME: the size of a block device in MiB
mib() { echo $(($(cat "/sys/class/block/$1/size") / 2048)); }

# srcof DIR: the device mounted on DIR
srcof() { awk -v m="$1" '$2 == m {print $1; exit}' /proc/mounts; }

# bootdisks: the whole disks the running system came from: the medium's
# and the persistence store's
bootdisks() {
	for m in $MEDIUM $PERSIST; do
		d=$(srcof $m)
		d=${d#/dev/}
		case $d in ''|loop*) continue ;; esac   # an image file is on the medium
		[ -e "/sys/class/block/$d" ] && diskof "$d"
	done | sort -u
}

# inuse NAME...: the first of these devices mounted, swapped on or held
# (RAID, device mapper)
inuse() {
	for n in "$@"; do
		if grep -q "^/dev/$n " /proc/mounts /proc/swaps 2>/dev/null ||
			[ -n "$(ls "/sys/class/block/$n/holders" 2>/dev/null)" ]; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

# nonempty NAME: it has partitions, or data in its first MiB (a partition
# table, a filesystem's superblock)
nonempty() {
	[ -z "$(parts "$1" 2>/dev/null)" ] || return 0
	[ "$(dd if="/dev/$1" bs=1M count=1 2>/dev/null | tr -d '\000' | wc -c)" -ne 0 ]
}

# waitdev NAME: wait up to 10 s for /dev/NAME
waitdev() {
	i=0
	while [ ! -b "/dev/$1" ]; do
		[ $i -lt 100 ] || die "/dev/$1 did not appear"
		usleep 100000
		i=$((i + 1))
	done
}

# confirm QUESTION: go on only when the answer is yes (or with --yes)
confirm() {
	[ "$yes" = 1 ] && return 0
	printf '%s [yes/no] ' "$1"
	read -r answer || answer=
	case $answer in y|yes|Y|YES) ;; *) die "cancelled, nothing changed" ;; esac
}

# mkstore NAME: an ext4 labelled persistence on /dev/NAME, with the rw/
# (overlay upper layer) and work/ folders /init mounts
mkstore() {
	# shellcheck disable=SC2086
	$MKFS "/dev/$1" >/tmp/$prog.mkfs.log 2>&1 ||
		die "mkfs.ext4 /dev/$1 failed: $(cat /tmp/$prog.mkfs.log)"
	m=/tmp/$prog.$$
	mkdir -p $m
	mount -t ext4 "/dev/$1" $m || die "unable to mount the new /dev/$1"
	mkdir -p $m/rw $m/work
}
