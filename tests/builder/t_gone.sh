# (g) a pinned version the archive no longer serves (fetcher exit 3) says to
# refresh the lock; `lock` then pins what the archive serves
NAME=gone
. "$(dirname "$0")/lib.sh"

rm -r "$R/archive/deb/hello/1.0"
xb build && fail "built without the pinned version"
has "pinned hello 1.0 is no longer served by the archive (pin hello of iso/xenlive.lock"
has "refresh the lock with \`make lock\`, or build from a sources bundle"
[ -e "$R/runs.log" ] && fail "a step ran"

xb lock || fail "lock failed"
grep -q '^pin hello deb hello 1.1$' "$R/iso/xenlive.lock" || fail "the lock does not pin 1.1"
grep -q "	file hello_1.1.txt 10 $(sha256sum "$R/archive/deb/hello/1.1/hello_1.1.txt" | cut -d' ' -f1)\$" "$R/iso/xenlive.lock" ||
	fail "the lock does not hash hello_1.1.txt"
ls "$R/iso" | grep -q tmp && fail "lock left a temporary file"
xb build || fail "build after lock"
grep -q 'hello 1.1' "$R/dist/final.txt" || fail "the build did not use 1.1"
pass
