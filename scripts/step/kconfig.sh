# kconfig.sh: sourced after steplib.sh by the steps that configure a Kconfig
# tree from a fragment of ours (hypervisor-src/build-xen.sh,
# guest-images/kernel/build-kernel.sh); such a step lists it as a `file`.

# kconfig_fragment DIR FRAGMENT: lay a Kconfig fragment over DIR/.config
# (made by the caller: defconfig, allnoconfig) and run olddefconfig; every
# line of the fragment must survive it. A "# CONFIG_X is not set" line also
# holds when X is absent (its dependencies are off).
kconfig_fragment() {
	kf_dir=$1 kf_frag=$2
	[ -f "$kf_frag" ] || die "missing $kf_frag"
	# drop the fragment's symbols from .config first, so that appending the
	# fragment does not make kconfig warn about every reassignment
	awk 'NR == FNR {
		if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) mine[substr($0, 1, RLENGTH - 1)] = 1
		else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) mine[$2] = 1
		next
	}
	{
		sym = $0
		sub(/^# /, "", sym); sub(/[= ].*/, "", sym)
		if (!(sym in mine)) print
	}' "$kf_frag" "$kf_dir/.config" >"$kf_dir/.config.tmp"
	cat "$kf_dir/.config.tmp" "$kf_frag" >"$kf_dir/.config"
	rm -f "$kf_dir/.config.tmp"
	make -s -C "$kf_dir" olddefconfig >/dev/null
	kf_bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*)
			sym=${line%%=*}
			grep -qxF -- "$line" "$kf_dir/.config" && continue ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -qxF -- "$line" "$kf_dir/.config" && continue
			grep -q "^$sym=" "$kf_dir/.config" || continue ;;
		*) continue ;;
		esac
		now=$(grep "^$sym=\|^# $sym is not set" "$kf_dir/.config" || echo "(absent)")
		echo "$prog: fragment line not in final .config: $line (have: $now)" >&2
		kf_bad=1
	done <"$kf_frag"
	[ "$kf_bad" -eq 0 ] || die "Kconfig fragment did not apply (see lines above); fix $kf_frag"
}
