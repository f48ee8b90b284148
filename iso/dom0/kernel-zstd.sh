#!/bin/sh
# Debian's dom0 kernel, packed again: the same kernel (the payload of
# Debian's bzImage, byte for byte: the stripped vmlinux and its relocation
# table) compressed with zstd instead of xz, in a boot wrapper (real-mode
# setup, decompressor, EFI stub) built from the pinned linux source, the
# kernel's own version, with Debian's config but for KERNEL_ZSTD.
# Why: Xen unpacks dom0's kernel itself; xz took 2.7 s of every boot under
# QEMU TCG, zstd takes 0.6 s (and the kernel's own decompressor, booted
# without Xen, is faster too). The file is 1.6 MB larger.
# Only the wrapper is compiled (a minute); kbuild is given the stripped
# vmlinux, its relocations and the few symbols it reads (voffset.h) from
# the package, since the real ones exist only in Debian's build tree.
# Output in $OUT: vmlinuz. Environment: builder/RECIPES.md (OUT,
# RECIPE_DIR, PIN_linux_src, DEP_kernel, JOBS).
set -eu

prog=kernel-zstd
# shellcheck source=../../scripts/step/steplib.sh
. "${SRC_ROOT:?}/scripts/step/steplib.sh"
: "${PIN_linux_src:?}" "${DEP_kernel:?}"

orig=$DEP_kernel/vmlinuz
ver=$(cat "$DEP_kernel/kernel-version")

# u32/u16/u64 LE at OFFSET of FILE, in decimal
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
u64() { od -An -tu8 -j "$2" -N8 "$1" | tr -d ' '; }

# payload FILE: the compressed payload of a bzImage, without the u32 size
# the kernel's build appends (boot protocol: setup_sects at 0x1f1,
# payload_offset at 0x248, payload_length at 0x24c)
payload() {
	p_sects=$(od -An -tu1 -j 497 -N1 "$1" | tr -d ' ')
	[ "$p_sects" != 0 ] || p_sects=4
	p_off=$(( (p_sects + 1) * 512 + $(u32 "$1" 584) ))
	p_len=$(u32 "$1" 588)
	tail -c +$((p_off + 1)) "$1" | head -c $((p_len - 4))
}

# the banner in the setup header (kernel_version at 0x20e, +0x200):
# "6.1.0-50-amd64 (...) #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)"
banner=$(tail -c +$(( $(u16 "$orig" 526) + 512 + 1 )) "$orig" | head -c 256 | tr '\0' '\n' | head -n1)
debver=$(printf '%s\n' "$banner" | sed -n 's/.* Debian \([^ ]*\) (.*/\1/p')
srcver=$(sed -n 's/^Version: //p' "$PIN_linux_src"/*.dsc)
[ -n "$debver" ] || die "no Debian version in the kernel's banner: $banner"
[ "$debver" = "$srcver" ] ||
	die "the kernel package is Debian's $debver, the pinned linux source $srcver: pin the same version of both"

say "take $(basename "$orig") apart ($ver, Debian $debver)"
payload "$orig" >payload.xz
[ "$(od -An -tx1 -N6 payload.xz | tr -d ' ')" = fd377a585a00 ] ||
	die "the kernel's payload is not xz"
xz -dc --single-stream payload.xz >vmlinux.all
# the stripped vmlinux ends with its section headers; the relocations follow
shoff=$(u64 vmlinux.all 40)
elfsize=$((shoff + $(u16 vmlinux.all 58) * $(u16 vmlinux.all 60)))
[ "$(od -An -tx1 -N4 vmlinux.all | tr -d ' ')" = 7f454c46 ] || die "the payload is no ELF file"
head -c "$elfsize" vmlinux.all >vmlinux
tail -c +$((elfsize + 1)) vmlinux.all >vmlinux.relocs
[ -s vmlinux.relocs ] || die "no relocations after the kernel in its payload"
# voffset.h's symbols from the section table: _text and __start_rodata
# open .text and .rodata, __bss_start .bss; _end is the page after .brk
# (arch/x86/kernel/vmlinux.lds.S)
secs=$(readelf -SW vmlinux | sed -n 's/^ *\[ *[0-9]*\] *//p')
# sec NAME FIELD: a field of section NAME (3 address, 5 size, in hex)
sec() { printf '%s\n' "$secs" | awk -v n="$1" -v f="$2" '$1 == n { print $f; exit }'; }
text=$(sec .text 3) rodata=$(sec .rodata 3) bss=$(sec .bss 3) brk=$(sec .brk 3)
for a in "$text" "$rodata" "$bss" "$brk"; do
	# the kernel's top 2 GB: shell arithmetic on the low 32 bits suffices
	case $a in ffffffff[89a-f]???????) ;; *) die "vmlinux lacks .text, .rodata, .bss or .brk, or is not where x86-64 links it" ;; esac
done
end=$(( (0x${brk#ffffffff} + 0x$(sec .brk 5) + 4095) / 4096 * 4096 ))
[ "$end" -lt 4294967296 ] || die ".brk ends beyond the address space"
printf '%s T _text\n%s D __start_rodata\n%s B __bss_start\nffffffff%08x B _end\n' \
	"$text" "$rodata" "$bss" "$end" >vmlinux.syms

# stand-ins for nm and arch/x86/tools/relocs on the stripped vmlinux
cat >nm-vmlinux <<EOF
#!/bin/sh
if [ "\$#" = 1 ] && [ "\$1" = vmlinux ]; then cat "$work/vmlinux.syms"; else exec nm "\$@"; fi
EOF
cat >relocs-vmlinux <<EOF
#!/bin/sh
[ "\$1" = --abs-relocs ] || cat "$work/vmlinux.relocs"
EOF
chmod +x nm-vmlinux relocs-vmlinux

unpack "$PIN_linux_src"
# Debian's own patch series, as Debian's kernel was built
debian_patches "$PIN_linux_src" '*' >patches.log
cp "$DEP_kernel/config" src/.config
# zstd instead of xz (kbuild's prepare also builds sign-file, with
# OpenSSL, for the module signing that lockdown selects)
sed -i -e 's/^CONFIG_KERNEL_XZ=y/# CONFIG_KERNEL_XZ is not set/' \
	-e 's/^# CONFIG_KERNEL_ZSTD is not set/CONFIG_KERNEL_ZSTD=y/' src/.config
cp vmlinux src/vmlinux

# the wrapper's banner (what boot loaders show) names us as its builder;
# the kernel's own (uname -v) is Debian's, inside the payload
export KBUILD_BUILD_USER=xenlive KBUILD_BUILD_HOST=xenlive KBUILD_BUILD_VERSION=1 \
	KBUILD_BUILD_TIMESTAMP="Debian $debver ($(printf '%s\n' "$banner" | sed -n 's/.*(\([^)]*\))$/\1/p'))"
kmake() { quiet build.log make -C src -j"$JOBS" KERNELRELEASE="$ver" "$@"; }
say "configure: Debian's config with KERNEL_ZSTD ($(wc -l <patches.log) Debian patches applied)"
kmake olddefconfig
grep -qx CONFIG_KERNEL_ZSTD=y src/.config || die "olddefconfig dropped KERNEL_ZSTD"
say "build the boot wrapper with -j$JOBS"
kmake prepare
# files the wrapper includes that kbuild makes on the way to vmlinux
kmake arch/x86/kernel/cpu/capflags.o init/version-timestamp.o arch/x86/lib/inat.o \
	drivers/firmware/efi/libstub/
# -o vmlinux: take the file given, never link one
kmake -o vmlinux NM="$work/nm-vmlinux" CMD_RELOCS="$work/relocs-vmlinux" bzImage

# the new payload must unpack to the old one, byte for byte
payload src/arch/x86/boot/bzImage >payload.zst
[ "$(od -An -tx1 -N4 payload.zst | tr -d ' ')" = 28b52ffd ] || die "the new payload is not zstd"
zstd -dcq payload.zst | cmp -s - vmlinux.all || die "the new payload is not the kernel's"

cp src/arch/x86/boot/bzImage "$OUT/vmlinuz"
say "done: vmlinuz $(wc -c <"$OUT/vmlinuz") bytes (Debian's, xz: $(wc -c <"$orig")), payload checked"
