# `fetch DIR` puts every pinned file and the lock in DIR; with XENLIVE_CACHE
# pointing there, a fresh tree builds without fetching anything (the fake
# archive gone), and a file of DIR that was changed is refused
NAME=bundle
. "$(dirname "$0")/lib.sh"

B=$T/bundle
xb fetch "$B" || fail "fetch $B"
has "copied them to $B/dl"
for f in hello_1.0.dsc hello_1.0.txt; do
	cmp -s "$B/dl/$f" "$R/archive/deb/hello/1.0/$f" || fail "$B/dl/$f is not the pinned file"
done
cmp -s "$B/xenlive.lock" "$R/iso/xenlive.lock" || fail "the lock is not in $B"
[ "$(ls -A "$B/dl")" = "$(printf 'hello_1.0.dsc\nhello_1.0.txt')" ] || fail "more than the pins in $B/dl: $(ls -A "$B/dl")"

# a fresh source tree, no archive, an empty step cache: built from $B alone
rm -rf "$R/archive" "$R/build" "$XENLIVE_CACHE"
XENLIVE_CACHE=$B xb build || fail "build from the bundle"
grep -q '^fetch' "$T/out" && fail "the build from the bundle fetched"
grep -q 'hello 1.0' "$R/dist/final.txt" || fail "the build did not use the bundle's hello 1.0"

# a changed file in the bundle is not used
rm -rf "$R/build" "$B/steps"
echo tampered >"$B/dl/hello_1.0.txt"
XENLIVE_CACHE=$B xb build && fail "built from a changed bundle file"
has "does not match the lock file"
pass
