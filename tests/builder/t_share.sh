# two source trees with the same fixture share the step cache: the second
# runs no step and links to the first one's entries (absolute); two builders
# at once in two trees running the same step end with one intact entry, and
# neither removes the other's folder in tmp/ (a dead builder's goes);
# XENLIVE_STEPS puts the cache elsewhere
NAME=share
. "$(dirname "$0")/lib.sh"

cp -R "$here/fixture" "$T/src2"
R2=$T/src2
# runs the builder on $R2, output in $T/out
xb2() {
	"$XB" -C "$R2" -j 2 "$@" > "$T/out" 2>&1
}
# the steps that ran in $R2 since the last call, sorted, on one line
runs2() {
	if [ -f "$R2/runs.log" ]; then
		sort "$R2/runs.log" | tr '\n' ' ' | sed 's/ $//'
		rm -f "$R2/runs.log"
	fi
}

xb build || fail "build in the first tree"
ran "final norm other src" "the first tree ran"
xb2 build || fail "build in the second tree"
[ -z "$(runs2)" ] || fail "the second tree ran steps"
has "nothing to do"
cmp -s "$R/dist/final.txt" "$R2/dist/final.txt" || fail "the trees' artifacts differ"
for s in src norm final other; do
	l=$(readlink "$R2/build/out/$s")
	case $l in "$S"/*) ;; *) fail "out/$s is $l, not an entry of $S" ;; esac
	[ "$l" = "$(readlink "$R/build/out/$s")" ] || fail "the trees link $s to different entries"
done
xb2 explain || fail "explain in the second tree"
[ "$(grep -c ': up to date$' "$T/out")" -eq 4 ] || fail "explain in the second tree"

# what one tree builds after a change, the other reuses
echo cherry >> "$R2/pipe/input.txt"
xb2 build || fail "build after a change in the second tree"
[ "$(runs2)" = "final norm src" ] || fail "the change in the second tree"
echo cherry >> "$R/pipe/input.txt"
xb build || fail "build after the same change in the first tree"
ran "" "the first tree after the same change"
cmp -s "$R/dist/final.txt" "$R2/dist/final.txt" || fail "the trees' artifacts differ after the change"

# two builders at once: slow also leaves who ran it, an output not declared
for r in "$R" "$R2"; do
	sed 's|^echo done|echo "$SRC_ROOT" > "$OUT/by.txt"; &|' "$r/pipe/slow.sh" > "$T/slow.sh"
	cp "$T/slow.sh" "$r/pipe/slow.sh"
done
"$XB" -C "$R" build slow > "$T/a" 2>&1 &
a=$!
i=0
while [ ! -e "$R/slow.started" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$R/slow.started" ] || fail "slow never started in the first tree"
mine=$(ls "$S/tmp")
[ -n "$mine" ] && [ -d "$S/tmp/$mine/slow" ] || fail "the first builder has no folder in $S/tmp"
mkdir -p "$S/tmp/gone/slow" && : > "$S/tmp/gone/.lock"  # as a killed builder leaves it
"$XB" -C "$R2" build slow > "$T/b" 2>&1 &
b=$!
i=0
while [ ! -e "$R2/slow.started" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$R2/slow.started" ] || fail "slow never started in the second tree"
[ -e "$S/tmp/gone" ] && fail "the dead builder's folder was not removed"
[ -d "$S/tmp/$mine/slow" ] || fail "the second builder removed the first one's folder"
wait $a || { cp "$T/a" "$T/out"; fail "the first builder failed"; }
wait $b || { cp "$T/b" "$T/out"; fail "the second builder failed"; }
cat "$T/a" "$T/b" > "$T/out"
grep -q warning "$T/out" && fail "warnings from the builders"
[ "$(runs)" = slow ] && [ "$(runs2)" = slow ] || fail "slow did not run in both trees at once"
e=$(readlink "$R/build/out/slow")
[ "$e" = "$(readlink "$R2/build/out/slow")" ] || fail "the trees link slow to different entries"
by=$(cat "$e/by.txt")
[ "$by" = "$R" ] || [ "$by" = "$R2" ] || fail "by.txt says $by"
[ "$(grep ' by.txt$' "$e.tree" | cut -d' ' -f2)" = "$(sha256sum < "$e/by.txt" | cut -d' ' -f1)" ] ||
	fail "the listing of slow's entry is not that of its content"
tmpclean "two builders at once"
complete "two builders at once"
xb2 build slow || fail "no-op build of slow"
has "nothing to do"

# XENLIVE_STEPS, relative to where the builder starts: another cache
(cd "$T" && XENLIVE_STEPS=other-steps "$XB" -C src2 build other) > "$T/out" 2>&1 ||
	fail "build with XENLIVE_STEPS"
[ "$(runs2)" = other ] || fail "other did not run with an empty XENLIVE_STEPS"
case $(readlink "$R2/build/out/other") in
"$T/other-steps/"*) ;;
*) fail "out/other is $(readlink "$R2/build/out/other"), not in $T/other-steps" ;;
esac
[ -d "$T/other-steps/tmp" ] || fail "no tmp/ in XENLIVE_STEPS"
pass
