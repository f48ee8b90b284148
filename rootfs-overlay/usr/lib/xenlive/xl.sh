# xl.sh: what dom0's guest commands ask the toolstack, shared by
# /etc/init.d/guests and xenlive-guest. Sourced (BusyBox ash).

# xl_info: reads `xl info` once, for xl_field and xl_hvm; fails when the
# toolstack does not answer
xl_info() { xl_info=$(xl info 2>/dev/null) && [ -n "$xl_info" ]; }

# xl_field KEY: the value of KEY in what xl_info read
xl_field() {
	printf '%s\n' "$xl_info" |
		awk -v k="$1" '$1 == k {sub(/^[^:]*: */, ""); print; exit}'
}

# xl_hvm: whether Xen lists hvm in virt_caps, that is the CPU has hardware
# virtualisation and it is on: HVM guests and PVH need it. Whether it
# really works (emulated CPUs) a guest's start tells.
xl_hvm() {
	case " $(xl_field virt_caps) " in
	*" hvm "*) return 0 ;;
	esac
	return 1
}

# xl_why LOG: the first error in the output of an xl create (libxl's later
# ones are about cleaning up), without libxl's source position; else the
# last line
xl_why() {
	w=$(sed -n -e 's/^libxl: error: [^ ]* //p' -e 's/^xc: error: //p' "$1" | head -n 1)
	echo "${w:-$(tail -n 1 "$1")}"
}
