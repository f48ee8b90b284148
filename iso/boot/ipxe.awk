# ipxe.awk: the iPXE menu (boot.ipxe) from the ISO's isolinux.cfg, entry
# for entry, with fetch= added. mboot.c32 entries ("XEN ARGS --- KERNEL
# ARGS --- INITRD") become multiboot kernel + modules; iPXE cannot unpack
# xen.gz, so they load boot/xen. Paths are relative to this script's URL,
# so the tree works over TFTP and HTTP alike.
function flush() {
	if (label == "") return
	n = split(append, part, / --- /)
	body = body ":" label "\n"
	if (kernel == "mboot.c32") {
		sub(/^\/boot\/xen\.gz/, "boot/xen", part[1])
		body = body "kernel " part[1] "\n"
		for (i = 2; i <= n; i++) {
			sub(/^\//, "", part[i])
			body = body "module " fetch(part[i]) "\n"
		}
	} else {
		sub(/^\//, "", kernel)
		initrd = append
		sub(/^.*initrd=/, "", initrd); sub(/ .*/, "", initrd)
		a = append
		sub(/initrd=[^ ]*/, "initrd=" substr(initrd, match(initrd, /[^\/]*$/)), a)
		sub(/^\//, "", initrd)
		body = body "kernel " kernel " " fetch(a) "\n" "initrd " initrd "\n"
	}
	body = body "boot || goto failed\n"
	label = ""
}
function fetch(s) {
	sub(/xenlive\.id=[^ ]*/, "& fetch=http://${next-server}/live/dom0.sfs BOOTIF=01-${netX/mac:hexhyp}", s)
	sub(/xenlive\.lab( |$)/, "xenlive.lab=http://${next-server}/lab/lab.key ", s)
	return s
}
/^LABEL / { flush(); label = $2; next }
/^[ \t]*MENU LABEL / { t = $0; sub(/^[ \t]*MENU LABEL /, "", t); items = items "item " label " " t "\n"; if (!dflt) dflt = label; next }
/^DEFAULT / { dflt = $2; next }
/^[ \t]*KERNEL / { kernel = $2; next }
/^[ \t]*APPEND / { append = $0; sub(/^[ \t]*APPEND /, "", append); next }
END {
	flush()
	printf "#!ipxe\n# XenLive network boot menu (iPXE), made from the ISO's isolinux.cfg.\n"
	printf "menu XenLive\n%schoose --default %s --timeout 1000 target || goto %s\ngoto ${target}\n", items, dflt, dflt
	printf "%s:failed\necho XenLive: boot failed, dropping to the iPXE shell\nshell\n", body
}
