#!/bin/sh
# Lay out the netboot tree in $OUT/netboot. boot/, live/ and guests/ are
# taken out of the ISO itself, so both carry the same files and the same
# live/SHA256SUMS; the menus are the ISO's, with fetch= added, so both offer
# the same entries:
#   BIOS PXE   pxelinux.0 -> pxelinux.cfg/default (the ISO's isolinux.cfg)
#   UEFI PXE   grubx64.efi -> grub/grub.cfg (the ISO's boot/grub/grub.cfg)
#   iPXE       boot.ipxe (made from isolinux.cfg by ipxe.awk); it loads
#              boot/xen, the uncompressed hypervisor: iPXE cannot unpack xen.gz
# The dom0 root comes by HTTP (fetch=, from the boot server unless the URL
# names a host) or NFS (nfsroot=, added by hand); see README.md.
set -eu

rm -rf tree pl
mkdir -p tree/pxelinux.cfg tree/grub pl
for deb in "$PIN_pxelinux"/*.deb "$PIN_syslinux"/*.deb; do
	dpkg-deb -x "$deb" pl
done
bios=pl/usr/lib/syslinux/modules/bios

xorriso -osirrox on -indev "$DEP_iso/xenlive.iso" \
	-extract /boot tree/boot -extract /live tree/live \
	-extract /guests tree/guests \
	-extract /isolinux/isolinux.cfg isolinux.cfg 2>xorriso.log ||
	{ cat xorriso.log >&2; exit 1; }
chmod -R u+w tree isolinux.cfg
# the UEFI CD boot image is no use on the network (and not in SHA256SUMS)
rm -f tree/boot/grub/efiboot.img
cp "$DEP_xen/xen" tree/boot/xen

# fetch=/live/dom0.sfs: a URL without host means the boot server, which
# the initramfs finds itself (DHCP next-server, else the PXE server that
# answers, as under proxy-DHCP); GRUB and iPXE know it and name it.
cp pl/usr/lib/PXELINUX/pxelinux.0 "$bios/ldlinux.c32" "$bios/libcom32.c32" \
	"$bios/libutil.c32" "$bios/mboot.c32" "$bios/menu.c32" tree/
# The lab entry's xenlive.lab takes the lab key from the boot server too
# (scripts/lab-key puts it in the tree's lab/).
sed -e 's,\(xenlive\.id=[^ ]*\),\1 fetch=/live/dom0.sfs,' \
	-e 's,xenlive\.lab\( \|$\),xenlive.lab=/lab/lab.key\1,' \
	-e '1s,.*,# XenLive BIOS network boot menu (pxelinux): the ISO'"'"'s isolinux.cfg + fetch=.,' \
	isolinux.cfg >tree/pxelinux.cfg/default
sed -e 's,\(xenlive\.id=[^ ]*\),\1 fetch=http://${net_default_server}/live/dom0.sfs BOOTIF=01-${net_default_mac},' \
	-e 's,xenlive\.lab\( \|$\),xenlive.lab=http://${net_default_server}/lab/lab.key\1,' \
	-e 's,^# XenLive UEFI boot menu (GRUB)\.,# XenLive UEFI network boot menu (GRUB)., ' \
	tree/boot/grub/grub.cfg >tree/grub/grub.cfg
awk -f "$RECIPE_DIR/ipxe.awk" isolinux.cfg >tree/boot.ipxe
grep -q 'fetch=' tree/pxelinux.cfg/default && grep -q 'fetch=' tree/grub/grub.cfg &&
	grep -q 'fetch=' tree/boot.ipxe || { echo "mknetboot: no fetch= added to a menu" >&2; exit 1; }

# GRUB for UEFI PXE: every module inside; it finds its config on the
# TFTP server it came from ((tftp,SERVER)/grub/grub.cfg), which under
# proxy-DHCP only our patched efinet knows (grub-efi/patches/).
"$DEP_grub_efi_net/grub-mkimage" -O x86_64-efi \
	-d "$DEP_grub_efi_net/x86_64-efi" -p /grub -o tree/grubx64.efi \
	efinet net tftp http normal configfile echo test multiboot2 linux \
	gzio serial terminal efi_gop efi_uga all_video video_bochs \
	video_cirrus sleep ls cat reboot halt

# a new file, not cp: its mode must not be the checkout's (umask)
cat "$RECIPE_DIR/dnsmasq.conf" >tree/dnsmasq.conf
find tree -exec touch -h -d @1700000000 {} +
mv tree "$OUT/netboot"
echo "netboot: $(du -sk "$OUT/netboot" | cut -f1) KiB, $(find "$OUT/netboot" -type f | wc -l) files"
