# (a) a download whose sha256 differs from the lock is refused and removed
NAME=tamper
. "$(dirname "$0")/lib.sh"

# same size, other content: only the sha256 can tell
sed 's/hello/HELLO/' "$R/archive/deb/hello/1.0/hello_1.0.txt" > "$T/x"
cp "$T/x" "$R/archive/deb/hello/1.0/hello_1.0.txt"
xb build && fail "a tampered download was accepted"
has "refusing hello_1.0.txt for pin hello: sha256"
has "the lock says 4e62a82a79a788ea0db991e268b6e2488afd22a5b556fff4b36b2c1973b2f31b"
[ -e "$XENLIVE_CACHE/dl/hello_1.0.txt" ] && fail "the tampered file is in the download cache"
ls -a "$XENLIVE_CACHE/dl" | grep -q '^\.tmp' && fail "a temporary download folder was left"
[ -e "$R/runs.log" ] && fail "a step ran with a bad download"

# another size: refused too, with the size named
echo extra >> "$R/archive/deb/hello/1.0/hello_1.0.txt"
xb fetch && fail "a download of the wrong size was accepted"
has "refusing hello_1.0.txt for pin hello: 16 bytes, the lock says 10"

# the real file goes through; a file spoiled in the cache is fetched again
printf 'hello 1.0\n' > "$R/archive/deb/hello/1.0/hello_1.0.txt"
xb build || fail "the good download was refused"
echo spoiled > "$XENLIVE_CACHE/dl/hello_1.0.txt"
xb fetch || fail "fetch after spoiling the cache"
has "does not match the lock file"
[ "$(cat "$XENLIVE_CACHE/dl/hello_1.0.txt")" = "hello 1.0" ] || fail "the cache was not repaired"
pass
