# a no-op build with a 70 MB input and a 70 MB artifact takes well under 1 s:
# unchanged files are not read again (hash memo), the artifact is not copied
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

start=$(date +%s%N)
xb build big || fail "no-op build"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
has "nothing to do"
grep -q '^artifact' "$T/out" && fail "the artifact was copied again"
[ $ms -lt 300 ] || fail "a no-op build took $ms ms"

# a changed artifact is put back
echo x >> "$R/dist/big.bin"
xb build big || fail "build after spoiling the artifact"
has "artifact dist/big.bin"
cmp -s "$R/pipe/big.bin" "$R/dist/big.bin" || fail "artifact not restored"
pass
