#!/bin/sh
# mkinitramfs.sh KERNEL-STEP OUTPUT: an initramfs of /init, a static BusyBox
# for the rescue shell, and the modules of the recipe folder's modules.boot
# (loaded by /init in that order with their dependencies) and modules.net
# (the same, for a network boot only: /etc/xenlive/modules.net) taken from
# KERNEL-STEP's modules-boot tree; a kernel step without one (all built
# in: guest-images/kernel) gives an initramfs without modules. dom0's
# initramfs finds and mounts the medium; the guests' one (guest-images/)
# mounts xvda. OUTPUT's name says how it is compressed, as the kernel must
# be able to unpack it: NAME.zst zstd (dom0's: 24% smaller than gzip -9,
# so less for the firmware to load, and faster to unpack), NAME.gz gzip
# (the guest kernel has only gzip).
set -eu
[ $# -eq 2 ] || { echo "usage: mkinitramfs.sh KERNEL-STEP OUTPUT" >&2; exit 2; }
kstep=$(echo "$1" | tr - _)
eval "kdir=\${DEP_$kstep:?no dep on the $1 step}"
case $2 in
*.zst) pack="zstd -19 -T1 -q" ;;
*.gz) pack="gzip -9n" ;;
*) echo "mkinitramfs.sh: $2: not .zst or .gz" >&2; exit 2 ;;
esac
ver=$(cat "$kdir/kernel-version")
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
if [ -d "$kdir/modules-boot" ]; then
	cp -R "$kdir/modules-boot/lib/modules/$ver" root/lib/modules/
	for l in modules modules.net; do
		[ "$l" = modules ] && f=modules.boot || f=$l
		[ -f "$RECIPE_DIR/$f" ] || continue
		# names only, a blank line between groups (/init loads groups
		# side by side)
		awk '/^[ \t]*$/ { if (n) blank = 1; next }
			{ sub(/#.*/, "") }
			NF { if (blank) print ""; blank = 0; n = 1; print $1 }' \
			"$RECIPE_DIR/$f" >"root/etc/xenlive/$l"
	done
fi
# fixed times and owners: same inputs, same bytes
find root -exec touch -h -d @0 {} +
(cd root && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	$pack >"$2"
mv "$2" "$OUT/$2"
echo "initramfs ($1): $(wc -c <"$OUT/$2") bytes"
