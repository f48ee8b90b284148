#!/bin/sh
# The guest initramfs: the dom0's /init, a static BusyBox for its rescue
# shell, and the modules of modules.boot (loaded by /init in that order).
set -eu
ver=$(cat "$DEP_guest_kernel/kernel-version")
rm -rf root
mkdir -p root/bin root/dev root/proc root/sys root/run root/newroot \
	root/etc/xenlive root/lib/modules
cp "$DEP_init/init" root/init
cp "$DEP_busybox/busybox" root/bin/busybox
ln -s busybox root/bin/sh
cp -R "$DEP_guest_kernel/modules-boot/lib/modules/$ver" root/lib/modules/
grep -v '^[[:space:]]*#' "$RECIPE_DIR/modules.boot" | awk 'NF {print $1}' \
	>root/etc/xenlive/modules
find root -exec touch -h -d @0 {} +
(cd root && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >initrd.gz
mv initrd.gz "$OUT/initrd.gz"
echo "guest initramfs: $(wc -c <"$OUT/initrd.gz") bytes"
