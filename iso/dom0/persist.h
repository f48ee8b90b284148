/* persist: the persistence store of the XenLive initramfs /init.
 *
 * The store is an ext4 filesystem labelled "persistence": a partition
 * (found by reading the superblock of every block device), else the image
 * file xenlive-persistence.img at the top of a writable boot medium (vfat).
 * Its rw/ folder is the overlay's upper layer and work/ the overlay's work
 * folder, so changes to the dom0 root survive reboots.  An installed disk's
 * system partition is both the medium and the store. */
#ifndef XENLIVE_PERSIST_H
#define XENLIVE_PERSIST_H

/* Finds the store and mounts it read-write on dir, with dir/rw and
 * dir/work created; medium is where the boot medium is mounted (read-only;
 * when the store is that very filesystem it is mounted again from the
 * store, read-only).  Returns 1 when mounted, 0 when there is no usable
 * store (the reason is printed); never fatal. */
int persist_mount(const char *dir, const char *medium, int debug);

#endif
