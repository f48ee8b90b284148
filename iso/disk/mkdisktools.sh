#!/bin/sh
# The disk tools' root fragment: mkfs.ext4, e2fsck, sfdisk, partx (deps),
# and in usr/lib/xenlive/grub what xenlive-install writes for GRUB, made for its
# one fixed GPT layout (rootfs-overlay/usr/lib/xenlive/disk.sh):
#   partition 1  BIOS boot, sectors 2048..4095: core.img
#   partition 2  EFI system, 64 MiB: esp.img.gz, BOOTX64.EFI in EFI/BOOT
#   partition 3  the system: boot/ live/ guests/ and the persistence store
# Both GRUBs read their config from "(,gpt3)/boot/grub": partition 3 of
# the disk they were loaded from, whatever its name in the firmware.
set -eu
prog=mkdisktools
die() { echo "$prog: fatal: $*" >&2; exit 1; }

core_lba=2048
esp_mib=64
prefix='(,gpt3)/boot/grub'
mods="part_gpt part_msdos ext2 fat search search_fs_file search_label
	configfile normal echo test multiboot2 linux gzio serial terminal
	sleep ls cat reboot halt all_video"

rm -rf pl root esp.img
mkdir -p pl root/usr/lib/xenlive/grub
for deb in "$PIN_grub_pc"/*.deb "$PIN_grub_efi"/*.deb; do
	dpkg-deb -x "$deb" pl
done
g=root/usr/lib/xenlive/grub
pc=pl/usr/lib/grub/i386-pc

# shellcheck disable=SC2086
grub-mkimage -O i386-pc -d $pc -p "$prefix" -o $g/core.img biosdisk $mods
size=$(wc -c <$g/core.img)
[ "$size" -le $((2048 * 512)) ] || die "core.img is $size bytes, more than its 1 MiB partition"

# le64 N: N as 8 little-endian bytes, in printf octal escapes
le64() {
	n=$1 i=0 s=
	while [ $i -lt 8 ]; do
		s="$s\\$(printf %03o $((n % 256)))"
		n=$((n / 256)) i=$((i + 1))
	done
	printf "$s"
}
# What grub-bios-setup would patch for this layout. boot.img (the MBR
# code, 440 bytes used): the LBA of core.img's first sector (offset 0x5c),
# and the boot-drive check replaced by two nops (0x66), as for any hard
# disk. core.img's first sector (diskboot.img): the LBA where the rest of
# core.img starts, in its blocklist (the last 12 bytes of that sector;
# grub-mkimage already set the length).
cp $pc/boot.img $g/boot.img
le64 $core_lba | dd of=$g/boot.img bs=1 seek=$((0x5c)) conv=notrunc status=none
printf '\220\220' | dd of=$g/boot.img bs=1 seek=$((0x66)) conv=notrunc status=none
le64 $((core_lba + 1)) | dd of=$g/core.img bs=1 seek=500 conv=notrunc status=none

# shellcheck disable=SC2086
grub-mkimage -O x86_64-efi -d pl/usr/lib/grub/x86_64-efi -p "$prefix" \
	-o BOOTX64.EFI $mods efi_gop efi_uga video_bochs video_cirrus
# mtools dates files by SOURCE_DATE_EPOCH: a constant, so that the image is
# the same every build
export SOURCE_DATE_EPOCH=1700000000
dd if=/dev/zero of=esp.img bs=1M count=0 seek=$esp_mib status=none
mformat -i esp.img -F -N 0 -v ESP ::
mmd -i esp.img ::/EFI ::/EFI/BOOT
mcopy -i esp.img BOOTX64.EFI ::/EFI/BOOT/
gzip -9n <esp.img >$g/esp.img.gz

cp -R "$DEP_e2fsprogs/root/." "$DEP_sfdisk/root/." root/
cp -R root "$OUT/"
echo "$prog: core.img $size bytes, esp.img.gz $(wc -c <$g/esp.img.gz) bytes"
