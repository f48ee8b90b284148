# the command line: help, usage errors, clean
NAME=cli
. "$(dirname "$0")/lib.sh"

"$XB" --help > "$T/out" 2>&1 || fail "--help"
for w in build explain graph fetch lock clean help -C -p -j -k XENLIVE_CACHE; do has "$w"; done
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
xb clean || fail "clean"
[ -e "$R/build" ] && fail "clean left build/"
[ -e "$R/dist/final.txt" ] && fail "clean left the artifact"
[ -e "$XENLIVE_CACHE/dl/hello_1.0.txt" ] || fail "clean removed the download cache"
pass
