# Modules the initramfs needs to find and mount the live medium, one per
# line. kernel.sh adds every dependency (modules.dep) and soft dependency
# (modules.softdep) and fails on a name that is neither a module in the
# kernel package nor built in. `-` and `_` are the same in names.
# Groups, separated by blank lines, are loaded side by side (one loader per
# CPU), each group in its order. Drivers (modules with a device alias:
# pci:, usb:, acpi:, scsi:...) wait for their device: /init loads one when
# a device in /sys/bus matches it (initmod.h: coldplug), so a machine gets
# only the drivers of its hardware. Libraries without an alias (cdrom,
# xhci_hcd, sdhci, hid) are not listed: they come as dependencies, and
# listed they would load on every machine.
#
# Built into Debian's 6.1 kernel, so not listed: PS/2 keyboard (i8042,
# atkbd, serio), input core, xenbus/xen-kbdfront/xen-fbfront, unix,
# af_packet, ipv6, nls_base, the xz/zstd/lz4/zlib decompressors (squashfs
# and the initramfs need them), rtc_cmos, vesafb/simplefb/vgacon.

# SATA/PATA/IDE disks and CD drives (ata_piix: QEMU i440fx and old PCs)
ahci
ata_piix
ata_generic
sd_mod
sr_mod

# NVMe, and Intel VMD, which hides NVMe drives on many Intel laptops
nvme
vmd

# USB host controllers (usbcore is modular here; it comes as a dependency
# but is listed so a kernel that builds it in is noticed; its hub driver's
# alias has it wait for a USB device, so it comes with a controller's
# driver). ehci before its companions ohci and uhci (modules.softdep says
# so too).
usbcore
xhci_pci
ehci_pci
ohci_pci
uhci_hcd

# USB sticks and USB CD drives
usb-storage
uas

# SD card readers: generic SDHCI (PCI and ACPI) and Realtek PCIe/USB ones,
# common in laptops
mmc_block
sdhci_pci
sdhci_acpi
rtsx_pci_sdmmc
rtsx_usb_sdmmc

# QEMU/KVM virtual disks
virtio_pci
virtio_blk
virtio_scsi

# USB keyboards for the rescue shell (hid_generic binds ordinary ones)
usbhid
hid_generic

# file systems of the medium (isofs is iso9660) and of the live root
isofs
vfat
ext4
squashfs
loop
overlay

# vfat defaults: codepage 437 and iocharset "ascii"
# (CONFIG_FAT_DEFAULT_CODEPAGE/IOCHARSET); utf8 and iso8859-1 for mounts
# that ask for them
nls_cp437
nls_ascii
nls_utf8
nls_iso8859_1
