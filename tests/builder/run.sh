#!/bin/sh
# Integration tests of xenlive-build: sh tests/builder/run.sh (from anywhere).
# Runs every t_*.sh here; each prints PASS or FAIL and its name. Ends with
# "N passed, N failed" and a non-zero status if any failed.
cd "$(dirname "$0")/../.." || exit 111
make -s -C builder xenlive-build || exit 111
XB=$(pwd)/builder/xenlive-build
export XB
pass=0 fail=0
for t in tests/builder/t_*.sh; do
	out=$(sh "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q '^PASS '; then
		pass=$((pass + 1))
	else
		printf '%s\n' "$out" | grep -q '^FAIL ' || echo "FAIL $t (exit $rc)"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
