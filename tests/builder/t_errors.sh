# (d) bad profile, recipe and lock lines are reported as FILE:LINE: message
NAME=errors
. "$(dirname "$0")/lib.sh"

cp "$R/iso/default.profile" "$T/profile"
cp "$R/pipe/pipe.recipe" "$T/recipe"
cp "$R/iso/xenlive.lock" "$T/lock"

# expect FILE SED-SCRIPT MESSAGE: edits FILE, runs graph, wants MESSAGE, restores
expect() {
	cp "$T/profile" "$R/iso/default.profile"
	cp "$T/recipe" "$R/pipe/pipe.recipe"
	cp "$T/lock" "$R/iso/xenlive.lock"
	sed "$2" "$R/$1" > "$T/edited" && cp "$T/edited" "$R/$1"
	xb graph
	rc=$?
	[ $rc -eq 100 ] || fail "$1 ($2): exit $rc, not 100"
	head -n 1 "$T/out" | grep -qF -- "$3" || fail "$1 ($2): wanted $3"
}

expect iso/default.profile 's/^default/defualt/' "iso/default.profile:7: unknown directive defualt"
expect iso/default.profile 's/^fetcher .*/fetcher/' "iso/default.profile:3: wrong number of words; usage: fetcher PROGRAM"
expect iso/default.profile 's/^default .*/default final nosuch/' "iso/default.profile:7: default names unknown step nosuch"
expect pipe/pipe.recipe 's/^step other/step src/' "pipe/pipe.recipe:21: duplicate step src (first at pipe/pipe.recipe:2)"
expect pipe/pipe.recipe 's/^step other/step Other/' "pipe/pipe.recipe:21: bad step name Other"
expect pipe/pipe.recipe 's/	dep src/	dep/' "pipe/pipe.recipe:10: wrong number of words; usage: dep STEP"
expect pipe/pipe.recipe 's/	dep src/	dep nosuch/' "pipe/pipe.recipe:10: dep on unknown step nosuch"
expect pipe/pipe.recipe 's/	file input.txt/	dep final/' "pipe/pipe.recipe:5: dependency cycle: final -> norm -> src -> final"
expect pipe/pipe.recipe 's/	env FLAVOR/	env COLOUR/' "pipe/pipe.recipe:16: env COLOUR is not set by the profile"
expect pipe/pipe.recipe 's/	output slow.txt/	outptu slow.txt/' "pipe/pipe.recipe:28: unknown directive outptu"
expect pipe/pipe.recipe 's/pin hello deb hello/pin hi deb hello/' "pipe/pipe.recipe:4: pin hi is not in the lock file iso/xenlive.lock; run \`make lock\`"
expect pipe/pipe.recipe 's/pin hello deb hello/pin hello deb hello-ng/' "pipe/pipe.recipe:4: pin hello is deb hello-ng here but deb hello in the lock file iso/xenlive.lock; run \`make lock\`"
expect iso/xenlive.lock 's/ 10 / ten /' "iso/xenlive.lock:6: bad size ten"
expect iso/xenlive.lock '/pattern/d' "iso/xenlive.lock:3: pin hello has no pattern line; run \`make lock\`"
pass
