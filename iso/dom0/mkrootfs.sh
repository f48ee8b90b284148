#!/bin/sh
# The dom0 root: BusyBox and its applet links, the kernel modules, the Xen
# toolstack (musl), iptables (NAT for the host-only bridge), then rootfs-overlay on top, packed as an xz squashfs.
set -eu
ver=$(cat "$DEP_kernel/kernel-version")
rm -rf root
mkdir -p root/bin root/sbin root/usr/bin root/usr/sbin root/etc root/proc \
	root/sys root/dev root/run root/tmp root/mnt root/root root/var/log \
	root/lib/modules
chmod 1777 root/tmp
chmod 700 root/root
cp "$DEP_busybox/busybox" root/bin/busybox
while read -r link; do
	link=/${link#/}
	case $link in /bin/busybox|/) continue ;; esac
	dir=${link%/*}
	up=$(echo "${dir#/}" | sed 's,[^/]*,..,g')
	ln -sf "$up/bin/busybox" "root$link"
done <"$DEP_busybox/busybox.links"
cp -R "$DEP_kernel/modules/lib/modules/$ver" root/lib/modules/
cp -R "$DEP_xen_tools/root/." root/
cp -R "$DEP_iptables/root/." root/
mkdir -p root/var/run/xen root/var/run/xenstored root/var/log/xen \
	root/var/lib/xen root/var/lib/xenstored
cp -R "$SRC_ROOT/rootfs-overlay/." root/
find root -name .keep -delete
mksquashfs root "$OUT/dom0.sfs" -noappend -comp xz -Xbcj x86 -b 256K \
	-all-root -mkfs-time 0 -all-time 0 -no-progress -quiet \
	-processors "${JOBS:-2}"
echo "rootfs: $(wc -c <"$OUT/dom0.sfs") bytes"
