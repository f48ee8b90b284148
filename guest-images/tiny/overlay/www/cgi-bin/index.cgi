#!/bin/sh
# The page of a XenLive guest: its name, address, uptime; the `files`
# role adds the list of /srv/files.
name=$(hostname)
role=$(cat /etc/xenlive-role 2>/dev/null)
addr=$(ip -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}')
up=$(awk '{s = int($1); printf "%dd %02d:%02d:%02d", s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60}' /proc/uptime)
echo "Content-Type: text/html"
echo
cat <<EOP
<!DOCTYPE html>
<html><head><title>$name</title></head><body>
<h1>XenLive guest $name</h1>
<p>Role: $role<br>Address: ${addr:-none}<br>Uptime: $up<br>
Kernel: $(uname -r), $(cat /sys/hypervisor/guest_type 2>/dev/null || echo Xen) guest</p>
EOP
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
