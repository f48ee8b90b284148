# (h) explain tells which steps are up to date and why the others would run
NAME=explain
. "$(dirname "$0")/lib.sh"

xb explain || fail "explain before any build"
has "src: reruns: never built"
has "final: reruns: never built; norm reruns first"
xb build || fail "build"
runs > /dev/null
xb explain || fail "explain"
[ "$(grep -c ': up to date$' "$T/out")" -eq 4 ] || fail "not all up to date"

echo cherry >> "$R/pipe/input.txt"
sed 's/version 1/version 2/' "$R/pipe/pipe.recipe" > "$T/r" && cp "$T/r" "$R/pipe/pipe.recipe"
xb explain || fail "explain after changes"
has "src: reruns: version changed; file pipe/input.txt changed"
has "norm: may rerun: src reruns first, unless that leaves its output unchanged"
has "other: up to date"
[ -e "$R/runs.log" ] && fail "explain ran a step"

xb build norm || fail "build norm"
echo 'echo >> "$OUT/final.txt"' >> "$R/pipe/final.sh"
xb explain final || fail "explain final"
has "final: reruns: script pipe/final.sh changed; dep norm changed"
grep -q '^other' "$T/out" && fail "explain final spoke of other"

rm -r "$S"
xb explain other || fail "explain without the cache"
has "other: reruns: its cached output is gone"
pass
