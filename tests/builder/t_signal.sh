# SIGTERM stops the running steps' process groups and removes the builder's
# folder in the step cache's tmp/;
# a second builder in the same tree is refused while the first runs
NAME=signal
. "$(dirname "$0")/lib.sh"

"$XB" -C "$R" build slow > "$T/first" 2>&1 &
pid=$!
i=0
while [ ! -s "$R/slow.sleep" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$R/slow.started" ] || fail "the slow step never started"
xb build other && fail "a second builder ran at the same time"
has "another xenlive-build is running"
kill -TERM $pid
wait $pid
rc=$?
cp "$T/first" "$T/out"
[ $rc -eq 143 ] || fail "exit status $rc, not 143"
has "stopped by signal 15"
tmpclean "a stopped build"
[ -e "$R/build/out/slow" ] && fail "the stopped step has an output"
# alive PID: the process runs (a zombie waiting for init to reap it is dead)
alive() {
	s=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ -n "$s" ] && [ "$s" != Z ]
}
i=0
while alive "$(cat "$R/slow.sleep")" && [ $i -lt 10 ]; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 10 ] || fail "the step's child process survived the stop"
xb build slow || fail "build after the stop"
pass
