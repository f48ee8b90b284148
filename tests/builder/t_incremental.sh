# (c) a no-op build runs nothing; a changed input reruns only what is
# downstream of it; a rerun with the same output stops there (early cutoff)
NAME=incremental
. "$(dirname "$0")/lib.sh"

xb build || fail "first build"
ran "final norm other src" "first build ran"
[ "$(cat "$R/dist/final.txt")" = "$(printf 'flavor=plain vanilla\napple\nbanana\nhello 1.0')" ] || fail "wrong artifact"

xb build || fail "no-op build"
ran "" "a no-op build ran steps"
has "nothing to do"
grep -q '^artifact' "$T/out" && fail "a no-op build copied the artifact again"

echo 'other 2' > "$R/pipe/other.txt"
xb build || fail "build after changing other.txt"
ran "other" "changing other.txt ran"

# a duplicate line: src's output changes, norm's (sort -u) does not
echo apple >> "$R/pipe/input.txt"
xb build || fail "build after adding a duplicate line"
ran "norm src" "early cutoff"

echo cherry >> "$R/pipe/input.txt"
xb build || fail "build after adding a line"
ran "final norm src" "a new line ran"
grep -q '^cherry$' "$R/dist/final.txt" || fail "the artifact was not updated"
has "artifact dist/final.txt"

# back to an earlier input: every output is still in the cache
printf 'banana\napple\n' > "$R/pipe/input.txt"
xb build || fail "build after reverting"
ran "" "reverting ran"
grep -q cherry "$R/dist/final.txt" && fail "the artifact was not put back"

# the profile's env value is an input of final only
sed 's/plain  vanilla/spicy/' "$R/iso/default.profile" > "$T/p" && cp "$T/p" "$R/iso/default.profile"
xb build || fail "build after changing FLAVOR"
ran "final" "changing FLAVOR ran"
pass
