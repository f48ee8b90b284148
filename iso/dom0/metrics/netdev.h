/* netdev: the guests' network counters from /proc/net/dev, as libxenstat
 * counts them for xentop (each backend interface vifD.N of domain D, its
 * -emu twin of an HVM guest too), parsed here without libxenstat's
 * regular expression, which musl compiled anew for every line. */

/* the domain whose backend interface iface is, from
 * /sys/class/net/IFACE/device/nodename (a renamed vif); -1 if none */
int netdevnode(const char *iface);
/* adds each backend interface's counters in the text of /proc/net/dev to
 * the domain of s->doms with its id: the one its name vifD.N says, else
 * the one node (netdevnode, or a stand-in) says; returns how many
 * interfaces were a domain's */
int netdevparse(struct snap *s, const char *text, int (*node)(const char *iface));
/* the same from the file path */
void netdevread(struct snap *s, const char *path);
