# (f) a step whose host tool is missing names the Debian package, runs nothing
NAME=tool
. "$(dirname "$0")/lib.sh"

sed 's/^step other$/&\n\ttool xenlive-no-such-tool xenlive-fake-package/' "$R/pipe/pipe.recipe" > "$T/r"
cp "$T/r" "$R/pipe/pipe.recipe"
xb build && fail "built without the tool"
[ $? -eq 100 ] || fail "exit status"
has "step other needs xenlive-no-such-tool: install the Debian package xenlive-fake-package (or run scripts/host-deps)"
[ -e "$R/runs.log" ] && fail "steps ran before the check"
# a step that is not built does not need its tools
xb build src || fail "building src needed other's tool"
pass
