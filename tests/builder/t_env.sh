# A step's environment does not carry the caller's umask, time zone or
# locale: it runs with umask 022, TZ=UTC and LANG=LC_ALL=C, so that its
# output is the same whoever builds it (issue 32)
NAME=env
. "$(dirname "$0")/lib.sh"

cat >>"$R/pipe/pipe.recipe" <<'REC'

step peek
	run ./peek.sh
	output peek.txt made
REC
printf '#!/bin/sh\necho "umask=$(umask) TZ=${TZ-unset} LANG=${LANG-unset} LC_ALL=${LC_ALL-unset} LC_TIME=${LC_TIME-unset}" >"$OUT/peek.txt"\n: >"$OUT/made"\n' >"$R/pipe/peek.sh"
chmod +x "$R/pipe/peek.sh"

(umask 077 && TZ=Asia/Kathmandu LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 LC_TIME=fr_FR xb build peek) ||
	fail "build with umask 077"
want="umask=0022 TZ=UTC LANG=C LC_ALL=C LC_TIME=unset"
got=$(cat "$R/build/out/peek/peek.txt")
[ "$got" = "$want" ] || fail "the step saw $got, not $want"
mode=$(stat -c %a "$R/build/out/peek/made")
[ "$mode" = 644 ] || fail "a file the step made has mode $mode under the caller's umask 077, not 644"
pass
