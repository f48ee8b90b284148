# XenLive default profile: the ISO with Xen and a musl/BusyBox dom0.
# Syntax: builder/RECIPES.md. Paths are relative to the source root.
lock     iso/xenlive.lock
fetcher  scripts/apt-fetch

recipe   hypervisor-src/xen.recipe
recipe   hypervisor-src/toolstack/toolstack.recipe
recipe   hypervisor-src/devmodel/devmodel.recipe
recipe   iso/dom0/dom0.recipe
recipe   iso/dom0/root.recipe
recipe   iso/dom0/console/console.recipe
recipe   iso/dom0/metrics/metrics.recipe
recipe   iso/dom0/iptables.recipe
recipe   iso/disk/disk.recipe
recipe   iso/lab/lab.recipe
recipe   iso/lab/drbd.recipe
recipe   iso/wifi/wifi.recipe
recipe   iso/boot/iso.recipe
recipe   guest-images/guests.recipe
# source packages of the binaries the ISO ships, for `make sources` only
recipe   iso/sources/sources.recipe

set      ISO_LABEL XENLIVE
# the date of every file in the ISO and the netboot tree: `make` sets it to
# the last commit's; 2023-11-14 when the builder runs without make
import   SOURCE_DATE_EPOCH 1700000000
# demo guests started at boot (guest-images/*.guest names), in this order
set      GUESTS_AUTOSTART tiny files
# the Wi-Fi chips' drivers and non-free firmware (iso/wifi/) as live/wifi.sfs
# on the medium: yes, or no for a medium without them (wpa_supplicant, iw
# and the regulatory database stay in dom0)
set      WIFI_FIRMWARE yes

default  iso
artifact iso xenlive.iso iso/xenlive.iso
artifact iso xenlive.iso.sha256 iso/xenlive.iso.sha256

# the netboot tree from the same build, copied to iso/netboot/ by make
recipe   iso/boot/netboot.recipe
recipe   iso/boot/grub-efi/grub-efi.recipe
default  netboot
