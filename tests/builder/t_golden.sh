# (e) `graph` prints the fixture's profile as tests/builder/expected/graph.txt
NAME=golden
. "$(dirname "$0")/lib.sh"

xb graph || fail "graph failed"
diff -u "$here/expected/graph.txt" "$T/out" > "$T/diff" || { cp "$T/diff" "$T/out"; fail "graph differs from expected/graph.txt"; }
pass
