#!/bin/sh
# mkguests.sh GUEST-FILE...: $OUT/guests, the /guests folder of the medium:
#   vmlinuz         the guest kernel (DEP_guest_kernel)
#   initrd.gz       the guest initramfs (DEP_guest_initramfs)
#   IMAGE.sfs       each image a guest uses (DEP_guest_image_IMAGE)
#   NAME.cfg        an xl.cfg per guest file
#   autostart       GUESTS_AUTOSTART, one name a line, for /etc/init.d/guests
# A guest with `disk MIB` gets a writable second disk, xvdb, backed by
# $disks/NAME.img in dom0; /etc/init.d/guests creates it (sparse, empty)
# before the first start, the guest formats it.
# Guest files: `key value` lines, # comments; keys in tiny.guest.
set -eu
prog=mkguests
die() { echo "$prog: fatal: $*" >&2; exit 1; }
# where dom0 finds the medium (iso/dom0/init.c) and the guests on it
dir=/run/xenlive/medium/guests
kernel=$dir/vmlinuz
disks=/var/lib/xen/disks

g=$OUT/guests
mkdir -p "$g"
cp "$DEP_guest_kernel/vmlinuz" "$g/"
cp "$DEP_guest_initramfs/initrd.gz" "$g/"
names=
for f in "$@"; do
	name='' image='' type='' memory='' vcpus='' bridge=none role='' disk=''
	while read -r k v rest; do
		case $k in '#'*|'') continue ;; esac
		[ -n "$v" ] && [ -z "$rest" ] || die "$f: want 'key value': $k $v $rest"
		case $k in
		name|image|type|memory|vcpus|bridge|role|disk) eval "$k=\$v" ;;
		*) die "$f: unknown key $k" ;;
		esac
	done <"$RECIPE_DIR/$f"
	for k in name image type memory vcpus role; do
		eval "[ -n \"\$$k\" ]" || die "$f: no $k"
	done
	case $name in *[!a-z0-9-]*) die "$f: bad name $name: [a-z0-9-]+" ;; esac
	case $type in pv|pvh) ;; *) die "$f: type $type: want pv or pvh" ;; esac
	case $memory$vcpus$disk in *[!0-9]*) die "$f: memory, vcpus and disk are numbers" ;; esac
	[ "${disk:-1}" -gt 0 ] || die "$f: disk 0: leave the key out for no disk"
	case " $names " in *" $name "*) die "$f: guest $name defined twice" ;; esac
	names="$names $name"
	var=DEP_guest_image_$(echo "$image" | tr - _)
	eval "src=\${$var:-}"
	[ -n "$src" ] && [ -f "$src/$image.sfs" ] ||
		die "$f: image $image: no step guest-image-$image among the deps"
	cp "$src/$image.sfs" "$g/"
	{
		echo "# XenLive guest $name, made from guest-images/$f"
		echo "# type pvh: /etc/init.d/guests starts it as PV when PVH is not usable"
		echo "name = \"$name\""
		echo "type = \"$type\""
		echo "kernel = \"$kernel\""
		echo "ramdisk = \"$dir/initrd.gz\""
		echo "extra = \"console=hvc0 quiet xenlive.root=/dev/xvda xenlive.name=$name xenlive.role=$role\""
		echo "memory = $memory"
		echo "vcpus = $vcpus"
		if [ -n "$disk" ]; then
			echo "# xenlive-disk-mib = $disk (the size /etc/init.d/guests gives a new xvdb)"
			echo "disk = [ 'format=raw, vdev=xvda, access=ro, target=$dir/$image.sfs'," \
				"'format=raw, vdev=xvdb, access=rw, target=$disks/$name.img' ]"
		else
			echo "disk = [ 'format=raw, vdev=xvda, access=ro, target=$dir/$image.sfs' ]"
		fi
		[ "$bridge" = none ] || echo "vif = [ 'bridge=$bridge' ]"
		echo "on_crash = \"destroy\""
	} >"$g/$name.cfg"
done
: >"$g/autostart"
for n in ${GUESTS_AUTOSTART:-}; do
	case " $names " in *" $n "*) echo "$n" >>"$g/autostart" ;;
	*) die "GUESTS_AUTOSTART names $n, which no guest file defines (have:$names)" ;;
	esac
done
echo "guests:$names; autostart: $(tr '\n' ' ' <"$g/autostart")"
