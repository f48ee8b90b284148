#!/bin/sh
# The page of a XenLive guest: its name, address, uptime; the `files`
# role adds the list of /srv/files. The web role's page is made by shell
# builtins alone, no command substitution and no other program: a client
# asking every 200 ms (the lab's migration test) then costs the guest one
# process per request instead of nine, which under emulation is most of
# its CPU. rcS writes /etc/hostname and /etc/xenlive-role, the DHCP
# script /var/run/eth0.addr.
name= role= addr= kernel= type=Xen up=0
read -r name </etc/hostname
read -r role 2>/dev/null </etc/xenlive-role
read -r addr 2>/dev/null </var/run/eth0.addr
read -r kernel </proc/sys/kernel/osrelease
read -r type 2>/dev/null </sys/hypervisor/guest_type
read -r up _ </proc/uptime
s=${up%.*}
echo "Content-Type: text/html"
echo
echo "<!DOCTYPE html>"
echo "<html><head><title>$name</title></head><body>"
echo "<h1>XenLive guest $name</h1>"
printf '<p>Role: %s<br>Address: %s<br>Uptime: %dd %02d:%02d:%02d<br>\n' \
	"$role" "${addr:-none}" $((s / 86400)) $((s % 86400 / 3600)) \
	$((s % 3600 / 60)) $((s % 60))
echo "Kernel: $kernel, ${type:-Xen} guest</p>"
# list DIR URL: a list item per regular file of DIR
list() {
	echo "<ul>"
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		b=${f##*/}
		echo "<li><a href=\"$2/$b\">$b</a> ($(wc -c <"$f") bytes)</li>"
	done
	echo "</ul>"
}
if [ "$role" = files ]; then
	echo "<h2>Files</h2>"
	list /srv/files /files
	# the writable disk (rcS mounts it), kept across restarts by dom0
	if grep -q ' /srv/files/shared ' /proc/mounts; then
		echo "<h2>Writable disk (/srv/files/shared)</h2>"
		list /srv/files/shared /files/shared
	elif [ -b /dev/xvdb ]; then
		echo "<h2>Writable disk</h2><p>not mounted: see the guest's console</p>"
	fi
fi
echo "</body></html>"
