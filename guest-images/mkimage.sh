#!/bin/sh
# mkimage.sh NAME: the read-only guest image $OUT/NAME.sfs, BusyBox and its
# applet links with NAME/overlay on top. Guests mount it as the lower
# layer of their root (xenlive.root=/dev/xvda).
set -eu
name=$1
rm -rf root
mkdir -p root/bin root/sbin root/usr/bin root/usr/sbin root/etc root/proc \
	root/sys root/dev root/run root/tmp root/root root/var/log
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
cp -R "$RECIPE_DIR/$name/overlay/." root/
find root -name .keep -delete
mksquashfs root "$OUT/$name.sfs" -noappend -comp xz -b 256K -all-root \
	-mkfs-time 0 -all-time 0 -no-progress -quiet -processors "${JOBS:-2}"
echo "image $name: $(wc -c <"$OUT/$name.sfs") bytes"
