# a no-op build does not read unchanged inputs again (hash memo) and does
# not copy an unchanged artifact: what keeps it fast (make bench times it)
NAME=speed
. "$(dirname "$0")/lib.sh"

dd if=/dev/zero of="$R/pipe/big.bin" bs=1048576 count=70 2>/dev/null || fail "dd"
touch -t 202001010000 "$R/pipe/big.bin"
printf '#!/bin/sh\ncp "$RECIPE_DIR/big.bin" "$OUT/big.bin"\n' > "$R/pipe/big.sh"
chmod +x "$R/pipe/big.sh"
printf '\nstep big\n\tfile big.bin\n\trun ./big.sh\n\toutput big.bin\n' >> "$R/pipe/pipe.recipe"
echo 'artifact big big.bin dist/big.bin' >> "$R/iso/default.profile"
xb build big || fail "first build"
cmp -s "$R/pipe/big.bin" "$R/dist/big.bin" || fail "artifact differs"
xb build big || fail "second build"

command -v strace >/dev/null || fail "strace is needed (scripts/host-deps test)"
strace -f -e trace=open,openat -o "$T/trace" "$XB" -C "$R" build big >"$T/out" 2>&1 ||
	fail "no-op build"
has "nothing to do"
grep -q '^artifact' "$T/out" && fail "the artifact was copied again"
grep 'big\.bin' "$T/trace" | grep -v ENOENT >"$T/opened" &&
	fail "the no-op build opened big.bin: $(head -n2 "$T/opened")"

# a changed artifact is put back
echo x >> "$R/dist/big.bin"
xb build big || fail "build after spoiling the artifact"
has "artifact dist/big.bin"
cmp -s "$R/pipe/big.bin" "$R/dist/big.bin" || fail "artifact not restored"
pass
