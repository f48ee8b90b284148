# The devices of XenLive's device model (QEMU's i386-softmmu, configured
# --without-default-devices): what an HVM guest of xl.cfg(5) can ask for
# and a guest OS from an ISO needs, nothing more. Each line pulls in what
# it selects (hw/*/Kconfig). build-qemu.sh installs this file as
# configs/devices/i386-softmmu/xenlive.mak.

# the xenfv machine: i440FX and PIIX3, with their IDE controller (disks
# and the CD), ISA serial ports, PS/2 keyboard and mouse, RTC, ACPI
CONFIG_I440FX=y
# hdtype = "ahci": the disks and the CD on an ICH9 AHCI controller
CONFIG_AHCI_ICH9=y
# vif model=: rtl8139 is libxl's default, e1000 xenlive-guest's
CONFIG_RTL8139_PCI=y
CONFIG_E1000_PCI=y
# vga = "stdvga" (xenlive-guest's) or "cirrus" (libxl's default)
CONFIG_VGA_PCI=y
CONFIG_VGA_CIRRUS=y
# usb = 1, usbdevice = "tablet" (the usual cure for a VNC pointer that
# lags): the PIIX3 UHCI controller, which brings the USB HID devices
CONFIG_USB_UHCI=y
