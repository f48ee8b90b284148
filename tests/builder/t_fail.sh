# a failing step is reported with its command and log; running steps finish,
# nothing half-written is kept; a missing output is a failure naming it
NAME=fail
. "$(dirname "$0")/lib.sh"

printf '#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22; do echo line$i; done\necho partial > "$OUT/other.txt"\nexit 7\n' > "$R/pipe/other.sh"
xb build && fail "a failed step did not fail the build"
[ $? -eq 1 ] || fail "exit status is not 1"
has "xenlive-build: step other failed (exit 7)"
has "command: ./other.sh"
has "line22"
grep -q '^line2$' "$T/out" && fail "printed more than 20 lines of the log"
has "line3"
has "$R/build/log/other.log"
[ -e "$R/build/out/other" ] && fail "the failed step has an output"
tmpclean "a failed build"
grep -rq partial "$S" && fail "a partial output is in the cache"

printf '#!/bin/sh\necho ran > /dev/null\n' > "$R/pipe/other.sh"
xb build other && fail "a missing output was accepted"
has "step other failed (exit 0): it did not write output other.txt"

# with -k the steps that do not need the failed one still run
rm -f "$R/runs.log"
xb -k build && fail "-k build passed"
grep -q final "$R/runs.log" || fail "-k did not build final"
pass
