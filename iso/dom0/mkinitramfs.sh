#!/bin/sh
# The initramfs: /init, a static BusyBox for the rescue shell, and the
# modules that finding and mounting the medium needs (modules.boot, loaded
# by /init in that order with their dependencies).
set -eu
ver=$(cat "$DEP_kernel/kernel-version")
rm -rf root
mkdir -p root/bin root/sbin root/dev root/proc root/sys root/run \
	root/newroot root/etc/xenlive root/lib/modules
cp "$DEP_init/init" root/init
cp "$DEP_busybox/busybox" root/bin/busybox
# every applet as a link, so the rescue shell has ls, mount, dmesg...; and
# the kernel runs /sbin/modprobe for soft dependencies (ext4 wants crc32c)
while read -r link; do
	link=/${link#/}
	case $link in /bin/busybox|/|/linuxrc|/sbin/init) continue ;; esac
	mkdir -p "root${link%/*}"
	ln -sf /bin/busybox "root$link"
done <"$DEP_busybox/busybox.links"
cp -R "$DEP_kernel/modules-boot/lib/modules/$ver" root/lib/modules/
grep -v '^[[:space:]]*#' "$RECIPE_DIR/modules.boot" | awk 'NF {print $1}' \
	>root/etc/xenlive/modules
# fixed times and owners: same inputs, same bytes
find root -exec touch -h -d @0 {} +
(cd root && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >initrd.gz
mv initrd.gz "$OUT/initrd.gz"
echo "initramfs: $(wc -c <"$OUT/initrd.gz") bytes"
