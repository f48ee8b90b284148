# Sourced by every tests/builder/t_*.sh after setting NAME. Gives each test a
# copy of fixture/ as source root in a temporary folder ($R), a private
# download cache and step cache ($S), and helpers. XB is the builder (run.sh
# sets it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
XB=${XB:-$here/../../builder/xenlive-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp -R "$here/fixture" "$T/src"
R=$T/src
XENLIVE_CACHE=$T/cache
export XENLIVE_CACHE
unset FAKE_ARCHIVE XENLIVE_STEPS
S=$XENLIVE_CACHE/steps

# runs the builder on $R; its stdout and stderr are kept in $T/out
xb() {
	"$XB" -C "$R" -j 2 "$@" > "$T/out" 2>&1
}

fail() {
	echo "FAIL $NAME: $*"
	sed 's/^/    | /' "$T/out" 2>/dev/null | tail -n 30
	exit 1
}

pass() {
	echo "PASS $NAME"
	exit 0
}

# fails unless the last builder output has the fixed string $1
has() {
	grep -qF -- "$1" "$T/out" || fail "expected in the output: $1"
}

# fails unless the steps that ran since the last check are $1 (sorted)
ran() {
	r=$(runs)
	[ "$r" = "$1" ] || fail "$2: ran \"$r\", expected \"$1\""
}

# fails unless $S/tmp exists and is empty: no builder left outputs in progress
tmpclean() {
	[ -d "$S/tmp" ] || fail "no $S/tmp: $1 proves nothing"
	[ -z "$(ls -A "$S/tmp")" ] || fail "$1: left in $S/tmp: $(ls -A "$S/tmp")"
}

# fails unless every entry of the step cache has its .stat and .tree
complete() {
	for k in $(ls "$S" | grep -E '^[0-9a-f]{64}$'); do
		[ -f "$S/$k.stat" ] && [ -f "$S/$k.tree" ] || fail "$1: entry $k is incomplete"
	done
}

# the steps that ran since the last call, sorted, on one line
runs() {
	if [ -f "$R/runs.log" ]; then
		sort "$R/runs.log" | tr '\n' ' ' | sed 's/ $//'
		rm -f "$R/runs.log"
	fi
}
