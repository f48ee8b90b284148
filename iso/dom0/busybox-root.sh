#!/bin/sh
# busybox-root.sh ROOT: the skeleton of a BusyBox root in ROOT: the usual
# folders, $DEP_busybox/busybox as /bin/busybox and a relative link for
# each applet in $DEP_busybox/busybox.links. Shared by the dom0 root
# (mkrootfs.sh) and the guest images (guest-images/mkimage.sh).
set -eu
root=$1
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/run" \
	"$root/tmp" "$root/mnt" "$root/root" "$root/var/log" "$root/lib/modules"
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
cp "$DEP_busybox/busybox" "$root/bin/busybox"
while read -r link; do
	link=/${link#/}
	case $link in /bin/busybox|/) continue ;; esac
	# as many ..s as the link's folder is deep, without a fork per link
	# (400 links: 4 s with echo | sed)
	rel=${link#/}
	rel=${rel%/*}
	up=..
	while [ "${rel#*/}" != "$rel" ]; do
		rel=${rel#*/}
		up=../$up
	done
	ln -sf "$up/bin/busybox" "$root$link"
done <"$DEP_busybox/busybox.links"
