#!/bin/sh
# /sbin/init of the test dom0 root: reports what xenlive-init left in
# place as TEST RESULT lines (compared with ./expected), then powers off.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys

r() { echo "TEST RESULT: $*"; }
# "fstype firstoption" of the mount on $1 (the last one wins)
m() { awk -v d="$1" '$2 == d { split($4, o, ","); t = $3 " " o[1] } END { print t }' /proc/mounts; }

r "pid $$"
r "root $(m / | cut -d' ' -f1)"
r "run $(m /run | cut -d' ' -f1)"
r "dev $(m /dev | cut -d' ' -f1)"
r "medium $(m /run/xenlive/medium) id $(cat /run/xenlive/medium/live/xenlive.id)"
r "lower $(m /run/xenlive/lower)"
r "upper $(m /run/xenlive/rw)"
loop=$(awk '$2 == "/run/xenlive/lower" { print $1 }' /proc/mounts)
loop=${loop##*/}
r "loop ro $(cat "/sys/block/$loop/ro") autoclear $(cat "/sys/block/$loop/loop/autoclear")"
# the drivers /init loaded (coldplug: those of the machine's devices only);
# not a TEST RESULT line, as each case has its own
echo "TEST MODULES: $(awk '{ print $1 }' /proc/modules | sort | tr '\n' ' ')(end)"
echo ok >/etc/xenlive-test && [ "$(cat /etc/xenlive-test)" = ok ] && r "root writable"
poweroff -f
