#!/bin/sh
# Assemble the hybrid ISO. BIOS: isolinux (El Torito) and an isohybrid MBR
# for USB sticks. UEFI: a FAT image holding GRUB as BOOTX64.EFI, both as El
# Torito EFI image (CD) and as a GPT EFI partition (USB stick).
set -eu

# Safe mode: one dom0 vCPU, no IOMMU, no x2APIC, no frequency scaling, no
# deep C-states, no reboot on panic (so the message stays on screen); the
# kernel keeps the firmware's video mode.
xen_safe="dom0_max_vcpus=1 iommu=0 x2apic=0 cpufreq=none max_cstate=1 noreboot"
linux_safe="nomodeset"

rm -rf tree pl
mkdir -p tree/isolinux tree/boot/grub tree/live tree/EFI/BOOT pl
for deb in "$PIN_isolinux"/*.deb "$PIN_syslinux"/*.deb "$PIN_grub_efi"/*.deb; do
	dpkg-deb -x "$deb" pl
done
bios=pl/usr/lib/syslinux/modules/bios

cp "$DEP_xen/xen.gz" "$DEP_dom0_kernel/vmlinuz" "$DEP_initramfs/initrd.zst" tree/boot/
cp "$DEP_rootfs/dom0.sfs" tree/live/
# the Wi-Fi drivers and firmware (iso/wifi/), unless the profile leaves
# them out (WIFI_FIRMWARE no); in SHA256SUMS like the rest, so toram and
# fetch= take it too
[ ! -f "$DEP_wifi_firmware/wifi/wifi.sfs" ] || cp "$DEP_wifi_firmware/wifi/wifi.sfs" tree/live/
# demo guests: images, initramfs, xl.cfg files, autostart (guest-images/)
cp -R "$DEP_guests/guests" tree/
# The medium's identity: /init and GRUB look for it, not for a device name.
id=$(cat tree/boot/initrd.zst tree/boot/vmlinuz tree/boot/xen.gz tree/live/dom0.sfs | sha256sum | cut -c1-16)
echo "$id" >tree/live/xenlive.id
: >"tree/live/xenlive-$id"
subst() {
	sed -e "s/@ID@/$id/g" -e "s/@XEN_SAFE@/$xen_safe/g" \
		-e "s/@LINUX_SAFE@/$linux_safe/g" "$1" >"$2"
}
cp pl/usr/lib/ISOLINUX/isolinux.bin "$bios/ldlinux.c32" "$bios/libcom32.c32" \
	"$bios/libutil.c32" "$bios/mboot.c32" "$bios/menu.c32" tree/isolinux/
subst "$RECIPE_DIR/isolinux.cfg" tree/isolinux/isolinux.cfg
subst "$RECIPE_DIR/grub.cfg" tree/boot/grub/grub.cfg

# What the system needs from its medium, with checksums: the media check
# verifies them, the installer copies them, and a copy to RAM (toram) or
# over the network (fetch=) takes exactly these files. GRUB's menu is one
# of them; not isolinux/ (xorriso patches isolinux.bin) nor the UEFI boot
# image (made below).
(cd tree && find boot live guests -type f | LC_ALL=C sort | xargs sha256sum) >SHA256SUMS
mv SHA256SUMS tree/live/SHA256SUMS

# GRUB for UEFI: every module it needs is inside the image; its embedded
# first config finds this very medium by its id, wherever it is.
cat >early.cfg <<EOC
search --no-floppy --set=root --file /live/xenlive-$id
set prefix=(\$root)/boot/grub
configfile \$prefix/grub.cfg
EOC
grub-mkimage -O x86_64-efi -d pl/usr/lib/grub/x86_64-efi -c early.cfg \
	-p /boot/grub -o tree/EFI/BOOT/BOOTX64.EFI \
	part_gpt part_msdos iso9660 fat search search_fs_file configfile \
	normal echo test multiboot2 linux gzio serial terminal efi_gop \
	efi_uga all_video video_bochs video_cirrus sleep ls cat reboot halt
# dates: the last commit's (SOURCE_DATE_EPOCH from make, else the profile's
# default), for xorriso and mtools alike, so the ISO is the same every build
export SOURCE_DATE_EPOCH
size=$(($(wc -c <tree/EFI/BOOT/BOOTX64.EFI) / 1024 + 512))
dd if=/dev/zero of=efiboot.img bs=1k count="$size" status=none
mformat -i efiboot.img -N 0 ::
mmd -i efiboot.img ::/EFI ::/EFI/BOOT
mcopy -i efiboot.img tree/EFI/BOOT/BOOTX64.EFI ::/EFI/BOOT/
cp efiboot.img tree/boot/grub/efiboot.img

# xorriso records each file's own mtime (SOURCE_DATE_EPOCH sets only the
# volume's dates): date every file of the tree alike
find tree -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
xorriso -as mkisofs -quiet -o xenlive.iso \
	-iso-level 3 -full-iso9660-filenames -R -J -V "${ISO_LABEL:-XENLIVE}" \
	-isohybrid-mbr pl/usr/lib/ISOLINUX/isohdpfx.bin \
	-b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table \
	-eltorito-alt-boot -e boot/grub/efiboot.img -no-emul-boot \
	-isohybrid-gpt-basdat \
	tree
sha256sum xenlive.iso >xenlive.iso.sha256
mv xenlive.iso xenlive.iso.sha256 "$OUT/"
echo "iso: $(wc -c <"$OUT/xenlive.iso") bytes, id $id"
