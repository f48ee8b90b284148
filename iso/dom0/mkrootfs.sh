#!/bin/sh
# The dom0 root: BusyBox and its applet links, the kernel modules, the Xen
# toolstack (musl), iptables (NAT for the host-only bridge), the disk
# tools, DRBD's tools, Dropbear (installed, never started at boot), the
# dashboard (xenlive-console), the lab's exporter (xenlive-metrics, never
# started at boot), wpa_supplicant, iw and the regulatory database
# (Wi-Fi), then rootfs-overlay on top, packed as a zstd squashfs. This
# step runs after every change to rootfs-overlay, so its compression is
# chosen for time as well as size. Measured here (2 CPUs, 37 MB tree):
# zstd level 15 10.20 MB in 3.1 s, level 9 10.77 MB in 0.55 s (level 12:
# 10.85 MB in 1.5 s; 1 MiB blocks save 0.1 MB but make dom0 unpack more
# per small read). Against xz (without its x86 BCJ filter) zstd also
# reads faster: rcS until dom0 ready took 1.1 s, not 1.6 s, under QEMU
# TCG.
set -eu
ver=$(cat "$DEP_kernel/kernel-version")
"$RECIPE_DIR/busybox-root.sh" root
cp -R "$DEP_kernel/modules/lib/modules/$ver" root/lib/modules/
cp -R "$DEP_xen_tools/root/." root/
cp -R "$DEP_qemu/root/." root/
cp -R "$DEP_iptables/root/." root/
cp -R "$DEP_disk_tools/root/." root/
cp -R "$DEP_dropbear/root/." root/
cp -R "$DEP_drbd_utils/root/." root/
cp -R "$DEP_lab_stream/root/." root/
cp -R "$DEP_console/root/." root/
cp -R "$DEP_metrics/root/." root/
cp -R "$DEP_wpa_supplicant/root/." root/
cp -R "$DEP_iw/root/." root/
mkdir -p root/var/run/xen root/var/run/xenstored root/var/log/xen \
	root/var/lib/xen root/var/lib/xenstored
# the overlay with the modes git records (0644; 0755 for folders and
# programs), not those of the checkout (a umask of 077 gives 0600)
cp -R "$SRC_ROOT/rootfs-overlay" overlay
chmod -R u=rwX,go=rX overlay
cp -R overlay/. root/
find root -name .keep -delete
mksquashfs root "$OUT/dom0.sfs" -noappend -comp zstd -Xcompression-level 9 -b 256K \
	-all-root -mkfs-time 0 -all-time 0 -no-progress -quiet \
	-processors "${JOBS:-2}"
echo "rootfs: $(wc -c <"$OUT/dom0.sfs") bytes"
