# Modules of the guest initramfs, loaded in this order by /init (dom0's,
# iso/dom0/init.c) with their dependencies. The guest root has no modules
# of its own, so everything the guest uses is here.
# The Xen front ends: the image disk (xvda) and the network (eth0)
xen-blkfront
xen-netfront
# the image and the copy-on-write layer over it
squashfs
overlay
# the writable disk (xvdb) some guests ask for, ext2 through the ext4
# driver. ext4 asks the crypto API for crc32c at every mount, even of ext2;
# that is a soft dependency (modprobe at mount time), and once the guest
# has left its initramfs there is no module tree to load it from: without
# it every mount fails with "Cannot load crc32c driver". qemu64 and most
# CPUs without SSE4.2 need the generic one.
crc32c_generic
ext4
