#!/bin/sh
# mkimage.sh NAME: the read-only guest image $OUT/NAME.sfs, BusyBox and its
# applet links with NAME/overlay on top. Guests mount it as the lower
# layer of their root (xenlive.root=/dev/xvda).
set -eu
name=$1
"$SRC_ROOT/iso/dom0/busybox-root.sh" root
cp -R "$RECIPE_DIR/$name/overlay/." root/
find root -name .keep -delete
mksquashfs root "$OUT/$name.sfs" -noappend -comp xz -b 256K -all-root \
	-mkfs-time 0 -all-time 0 -no-progress -quiet -processors "${JOBS:-2}"
echo "image $name: $(wc -c <"$OUT/$name.sfs") bytes"
