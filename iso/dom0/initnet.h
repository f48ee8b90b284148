/* initnet: network boot, copy to RAM and media check for the initramfs
 * /init.  Brings up a NIC (ip=,
 * BOOTIF=, DHCP with BusyBox udhcpc) and provides the boot medium: the
 * files of its live/SHA256SUMS downloaded into RAM and checked (fetch=),
 * or an NFS export of the tree mounted read-only (nfsroot=). */
#include <stddef.h>

struct netopts {
	char fetch[256];    /* URL of live/dom0.sfs, or of the tree, ending in '/' */
	char nfsroot[256];  /* SERVER:/PATH, SERVER an IPv4 address */
	char ip[256];       /* dhcp, or CLIENT:SERVER:GW:MASK:HOST:DEV:AUTOCONF */
	char bootif[64];    /* 01-aa-bb-cc-dd-ee-ff: the NIC the firmware booted from */
};

/* 1 when the options ask for a network boot (fetch= or nfsroot=). */
int netwanted(const struct netopts *o);

/* Brings the network up within wait seconds and makes dir the medium.
 * Returns 0, or -1 with a one-line reason in err. */
int netmedium(const struct netopts *o, unsigned wait, const char *dir,
              char *err, size_t size);

/* toram: copies the files of dir/live/SHA256SUMS into RAM, checks them,
 * unmounts the medium on dir and puts the copy there.  0, or -1 and err. */
int toram(const char *dir, char *err, size_t size);

/* Checks every file of dir/live/SHA256SUMS.  0, or -1 and err. */
int mediacheck(const char *dir, char *err, size_t size);
