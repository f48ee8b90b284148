# (b) a builder killed with SIGKILL mid-step leaves nothing that a rerun trips on
NAME=kill
. "$(dirname "$0")/lib.sh"

"$XB" -C "$R" -j 2 build slow final > "$T/out" 2>&1 &
pid=$!
i=0
while [ ! -e "$R/slow.started" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$R/slow.started" ] || fail "the slow step never started"
kill -9 $pid
wait $pid 2>/dev/null
[ -n "$(ls "$S/tmp")" ] || fail "no half-written output to clean up: the test proves nothing"
[ -e "$R/build/out/slow" ] && fail "the killed step has an output"
complete "after the kill"

xb build slow final || fail "the rerun failed"
[ "$(cat "$R/build/out/slow/slow.txt")" = done ] || fail "wrong output of slow"
grep -q '^apple$' "$R/build/out/final/final.txt" || fail "wrong output of final"
tmpclean "the rerun"
complete "after the rerun"
pass
