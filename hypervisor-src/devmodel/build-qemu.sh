#!/bin/sh
# Xen's device model for HVM guests: qemu-system-i386 with Xen support only
# (no TCG, no KVM: Xen runs the guest's CPU, QEMU only its devices), built
# from Debian's qemu source package (its stable and security updates
# applied) with musl against the sysroot: our Xen libraries, GLib, pixman,
# zlib. Debian builds its qemu-system-xen the same way (debian/rules,
# "xen build"). What HVM guests get: the PC machine with its IDE/AHCI
# disks and CD, emulated NICs, standard or Cirrus VGA shown by VNC, a USB
# controller (for a tablet pointer), serial ports.
# Outputs in $OUT: root/ (usr/lib/xen/bin/qemu-system-i386, where libxl
# looks for it; the libraries it needs that the Xen tools' root lacks;
# the en-us VNC keymap; SeaBIOS and the VGA BIOSes from Debian's seabios
# package) and manifest (every entry of root/ with its size).
set -eu
prog=build-qemu
. "${SRC_ROOT:?}/scripts/step/sysroot.sh"
: "${PIN_qemu_src:?}" "${PIN_seabios_bin:?}" "${DEP_xen_tools:?}"
# where libxl (the xen-tools step, build-xen-tools.sh's --with-system-qemu
# and --with-system-seabios) runs QEMU from and loads SeaBIOS from
qemu_path=/usr/lib/xen/bin/qemu-system-i386
bios_path=/usr/share/seabios/bios-256k.bin
# a libxl that names other paths stops the build before it starts
for p in "$qemu_path" "$bios_path"; do
	grep -qaF "$p" "$DEP_xen_tools"/root/usr/lib/libxenlight.so.*.* ||
		die "libxl of the xen-tools step does not name $p (build-xen-tools.sh's --with-system-* and this layout differ)"
done

unpack "$PIN_qemu_src"
# Debian's point releases (v7.2.N.diff) carry the upstream stable and
# security fixes; its tarball has no firmware blobs, which the other two
# patches stop the build from looking for (pc-bios/, the tests' roms);
# the rest of its patches are for Debian's own packaging
debian_patches "$PIN_qemu_src" 'v7.2.*.diff' skip-meson-pc-bios.diff \
	ignore-roms-dependency-in-qtest.patch
our_patches "$RECIPE_DIR/patches"
cp "$RECIPE_DIR/devices.mak" src/configs/devices/i386-softmmu/xenlive.mak
say "configure"
mkdir b
cd b
# the configure line of Debian's xen build, less what the XenLive dom0
# does without: PCI passthrough, host USB (libusb), SPICE, 9p, audio; of the devices
# only those of devices.mak. The firmware path is where root/ puts
# SeaBIOS's VGA BIOS. QEMU finds its files relative to where it runs:
# bindir is where libxl runs it from, else every path is off. No C++
# compiler (--cxx): with one, meson links with it, and the host's c++
# links glibc.
quiet configure.log ../src/configure --prefix=/usr --sysconfdir=/etc \
	--localstatedir=/var --bindir="${qemu_path%/*}" \
	--libexecdir="${qemu_path%/*}" \
	--firmwarepath="${bios_path%/*}" --cc="$CC" --cxx=/bin/false \
	--host-cc=gcc --meson=meson --with-git-submodules=ignore --disable-werror \
	--disable-docs --disable-tools --disable-user --disable-install-blobs \
	--without-default-features --without-default-devices \
	--with-devices-i386=xenlive --target-list=i386-softmmu \
	--enable-xen --disable-xen-pci-passthrough --disable-tcg \
	--disable-kvm --audio-drv-list= --enable-vnc \
	--enable-trace-backends=nop
say "build with -j$JOBS"
quiet make.log ninja -j "$JOBS" qemu-system-i386
# installed by meson, which drops the build's run path (the sysroot)
DESTDIR=$work/inst quiet make.log meson install --no-rebuild --tags runtime
cd "$work"

root=$OUT/root
rm -rf "$root"
# the Xen libraries are in the Xen tools' root, which the dom0 root has too
provided=$DEP_xen_tools/root
. "${SRC_ROOT:?}/scripts/step/rootlib.sh"
mkdir -p "$root${qemu_path%/*}" "$root/usr/share/qemu/keymaps" \
	"$root${bios_path%/*}"
cp "inst$qemu_path" "$root$qemu_path"
# VNC's default keyboard layout (QEMU refuses VNC without it)
cp src/pc-bios/keymaps/en-us "$root/usr/share/qemu/keymaps/"
add_needed
strip_elfs
check_closure

# SeaBIOS (hvmloader runs it; libxl loads it from the path the Xen tools
# were configured with) and the VGA BIOS of each card of devices.mak, the
# standard VGA and Cirrus (libxl's default vga; QEMU loads them from its
# firmware path), from Debian's seabios package
rm -rf seabios
dpkg-deb -x "$PIN_seabios_bin"/seabios_*.deb seabios
for f in "$bios_path" /usr/share/seabios/vgabios-stdvga.bin \
	/usr/share/seabios/vgabios-cirrus.bin; do
	[ -f "seabios$f" ] || die "no $f in the seabios package"
	cp "seabios$f" "$root$f"
done

write_manifest "$OUT/manifest"
say "done: $(wc -l <"$OUT/manifest") entries, $(du -sk "$root" | cut -f1) KiB in root/"
