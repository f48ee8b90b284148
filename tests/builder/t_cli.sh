# the command line: help, usage errors, clean (the step and download caches
# stay) and clean --steps
NAME=cli
. "$(dirname "$0")/lib.sh"

"$XB" --help > "$T/out" 2>&1 || fail "--help"
for w in build explain graph fetch lock clean --steps help -C -p -j -k XENLIVE_CACHE XENLIVE_STEPS; do has "$w"; done
"$XB" -C "$R" frobnicate > "$T/out" 2>&1
[ $? -eq 100 ] || fail "an unknown command did not exit 100"
has "unknown command frobnicate"
"$XB" -C "$R" -j 0 build > "$T/out" 2>&1
[ $? -eq 100 ] || fail "-j 0 did not exit 100"
"$XB" -C "$R" build nosuch > "$T/out" 2>&1
[ $? -eq 100 ] || fail "an unknown step did not exit 100"
has "unknown step nosuch"
"$XB" -C "$R" -p nosuch.profile graph > "$T/out" 2>&1
[ $? -eq 100 ] || fail "a missing profile did not exit 100"

xb build || fail "build"
runs > /dev/null
xb clean || fail "clean"
[ -e "$R/build" ] && fail "clean left build/"
[ -e "$R/dist/final.txt" ] && fail "clean left the artifact"
[ -e "$XENLIVE_CACHE/dl/hello_1.0.txt" ] || fail "clean removed the download cache"
ls "$S" | grep -qE '^[0-9a-f]{64}$' || fail "clean removed the step cache"

# clean --steps also empties the step cache; the next build runs every step
xb build || fail "build after clean"
ran "" "build after clean"
"$XB" -C "$R" clean --nope > "$T/out" 2>&1
[ $? -eq 100 ] || fail "clean --nope did not exit 100"
xb clean --steps || fail "clean --steps"
has "removed 4 step output(s) from $S"
ls "$S" | grep -qE '^[0-9a-f]{64}' && fail "clean --steps left entries in $S"
[ -e "$R/build" ] && fail "clean --steps left build/"
[ -e "$XENLIVE_CACHE/dl/hello_1.0.txt" ] || fail "clean --steps removed the download cache"
xb build || fail "build after clean --steps"
ran "final norm other src" "build after clean --steps"
pass
