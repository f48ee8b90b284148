# Modules of the guest initramfs, loaded in this order by /init (dom0's,
# iso/dom0/init.c) with their dependencies. The guest root has no modules
# of its own, so everything the guest uses is here.
# The Xen front ends: the image disk (xvda) and the network (eth0)
xen-blkfront
xen-netfront
# the image and the copy-on-write layer over it
squashfs
overlay
# the writable disk (xvdb) some guests ask for, ext2 through the ext4 driver
ext4
