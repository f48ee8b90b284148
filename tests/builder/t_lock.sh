# `lock` writes a lock file from the recipes' pins that the build accepts;
# without a lock file the builder says to run `make lock`
NAME=lock
. "$(dirname "$0")/lib.sh"

rm "$R/iso/xenlive.lock"
xb graph && fail "graph without a lock file"
has "iso/xenlive.lock: unable to read the lock file: No such file or directory; run \`make lock\`"
xb lock || fail "lock"
has "pin hello: hello 1.1"
cat > "$T/want" <<LOCK
# Written by \`xenlive-build lock\` (make lock): what each pin resolved to.

pin hello deb hello 1.1
	pattern hello
	file hello_1.1.dsc 27 $(sha256sum "$R/archive/deb/hello/1.1/hello_1.1.dsc" | cut -d' ' -f1)
	file hello_1.1.txt 10 $(sha256sum "$R/archive/deb/hello/1.1/hello_1.1.txt" | cut -d' ' -f1)
LOCK
diff -u "$T/want" "$R/iso/xenlive.lock" > "$T/out" || fail "unexpected lock file"
# resolve put the files in the download cache: build needs no fetch
rm -r "$R/archive"
xb build || fail "build from the files lock downloaded"
grep -q '^fetch' "$T/out" && fail "build fetched again"
pass
