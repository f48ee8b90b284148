#!/bin/sh
# mkimage.sh NAME [STEP/PATH...]: the read-only guest image $OUT/NAME.sfs,
# BusyBox and its applet links with NAME/overlay on top, plus each
# STEP/PATH: the file PATH of step STEP's root/ folder (a dep of the
# image's step; static programs only, the image has no musl loader) at
# /PATH. Guests mount it as the lower layer of their root
# (xenlive.root=/dev/xvda).
set -eu
name=$1
shift
"$SRC_ROOT/iso/dom0/busybox-root.sh" root
for f; do
	step=$(echo "${f%%/*}" | tr - _)
	path=${f#*/}
	eval "src=\${DEP_$step:?no dep on the step of $f}/root/$path"
	mkdir -p "root/${path%/*}"
	cp "$src" "root/$path"
done
# the overlay with the modes git records (0644; 0755 for folders and
# programs), not those of the checkout (a umask of 077 gives 0600)
cp -R "$RECIPE_DIR/$name/overlay" overlay
chmod -R u=rwX,go=rX overlay
cp -R overlay/. root/
find root -name .keep -delete
mksquashfs root "$OUT/$name.sfs" -noappend -comp xz -b 256K -all-root \
	-mkfs-time 0 -all-time 0 -no-progress -quiet -processors "${JOBS:-2}"
echo "image $name: $(wc -c <"$OUT/$name.sfs") bytes"
