# (i) a step cache entry is checked when reused: a changed or missing
# declared output, or a listing that no longer matches, makes it damaged and
# its step runs again (only it: the same output stops there); an entry
# without its listing (an interrupted commit) is rebuilt too
NAME=damage
. "$(dirname "$0")/lib.sh"

xb build || fail "first build"
ran "final norm other src" "first build ran"
e=$(readlink "$R/build/out/other")
case $e in "$S"/*) ;; *) fail "out/other is $e, not an entry of $S" ;; esac
complete "first build"

# the same size, other content: its mtime tells
printf 'other 9\n' > "$e/other.txt"
touch -d '2001-01-01' "$e/other.txt"
xb explain other || fail "explain a damaged entry"
has "other: reruns: its cached output is damaged (output other.txt changed since it was stored)"
xb build || fail "build over a changed output"
ran "other" "a changed output ran"
has "warning: the cached output of other in $e is damaged (output other.txt changed since it was stored): building it again"
[ "$(cat "$e/other.txt")" = "other 1" ] || fail "the entry was not repaired"
[ "$(readlink "$R/build/out/other")" = "$e" ] || fail "out/other moved"

rm "$e/other.txt"
xb build || fail "build over a missing output"
ran "other" "a missing output ran"
has "(output other.txt is missing)"
[ "$(cat "$R/build/out/other/other.txt")" = "other 1" ] || fail "the missing output is not back"

echo 'f 0000 other.txt' >> "$e.tree"
xb build || fail "build over an edited listing"
ran "other" "an edited listing ran"
has "$e.tree does not match $e.stat"

# upstream: src runs again, writes the same gen.txt, norm and final stay
g=$(readlink "$R/build/out/src")
: > "$g/gen.txt"
xb build || fail "build over an emptied gen.txt"
ran "src" "an emptied gen.txt ran"
grep -q '^banana$' "$R/dist/final.txt" || fail "final lost its input"

# an interrupted commit: the folder is there, its listing is not
rm "$e.tree"
xb explain other || fail "explain an entry without its listing"
has "other: reruns: its cached output is gone"
xb build || fail "build over an interrupted commit"
ran "other" "an interrupted commit ran"
[ -f "$e.tree" ] || fail "the entry still has no listing"
complete "after the repairs"
tmpclean "the repairs"

xb build || fail "no-op build"
ran "" "the no-op build"
has "nothing to do"
grep -q warning "$T/out" && fail "a warning in the no-op build"
pass
