# `import NAME DEFAULT` in a profile: a variable from the builder's
# environment (DEFAULT when unset or empty), in the env and the cache key of
# the steps that list it, and in no other step's environment
NAME=import
. "$(dirname "$0")/lib.sh"

sed -i 's/^set      FLAVOR .*/import   FLAVOR plain/' "$R/iso/default.profile"
cat >>"$R/pipe/pipe.recipe" <<'REC'

step peek
	run ./peek.sh
	output peek.txt
REC
printf '#!/bin/sh\necho "$STEP" >>"$SRC_ROOT/runs.log"\necho "FLAVOR=${FLAVOR-unset}" >"$OUT/peek.txt"\n' >"$R/pipe/peek.sh"
chmod +x "$R/pipe/peek.sh"

unset FLAVOR
xb build final peek || fail "build with the default"
grep -q 'plain' "$R/build/out/final/final.txt" || fail "final did not get the default: $(cat "$R/build/out/final/final.txt")"
grep -qx 'FLAVOR=unset' "$R/build/out/peek/peek.txt" || fail "a step without env FLAVOR saw it: $(cat "$R/build/out/peek/peek.txt")"
runs >/dev/null
FLAVOR=spicy xb build final peek || fail "build with FLAVOR=spicy"
ran "final" "the imported value changed"
grep -q 'spicy' "$R/build/out/final/final.txt" || fail "final did not get the environment's value"
grep -qx 'FLAVOR=unset' "$R/build/out/peek/peek.txt" || fail "a step without env FLAVOR saw the environment's value"
FLAVOR= xb build final peek || fail "build with FLAVOR empty"
ran "" "back to the default (cached)"
grep -q 'plain' "$R/build/out/final/final.txt" || fail "an empty value did not give the default"
pass
