#!/bin/sh
# tests/repro/run.sh: a step's output depends on its inputs alone (its key),
# not on where the source tree is, nor on the time, HOME, umask, TZ, locale
# or job count of the build (issue 32: GLib and QEMU held the tree's path).
#   1. no output of this tree's build (build/out/*) holds a step's working
#      folder (`/build/work/`), this tree's path or the default caches'
#      (`/.cache/xenlive/`): covers every step, rebuilt or not;
#   2. a copy of the work tree at another path (another length, files dated
#      now, checked out under umask 077 as git would) rebuilds a sample of
#      steps (REPRO_STEPS, default: zlib, guest-webd and init, quick
#      compiled steps, and the cheap steps downstream of the compiled
#      programs) with another HOME, umask, TZ, locale and job count, into a
#      scratch step cache seeded with links to this tree's outputs of every
#      other step, so that only the sample runs. Each sampled step must get this tree's key and
#      the same output, file by file; the first file that differs is named.
#      After a step that differs the rest are not compared (their deps
#      would rebuild, QEMU among them).
# GLib, the step that showed the defect, is left out of the default sample
# for time: at -j1 it alone took 4 to 9.5 min here (REPRO_STEPS="glib ..."
# adds it); check 1 catches its defect (the tree's path in the binaries)
# without rebuilding it, and caught GLib's and QEMU's before the fix.
# Needs build/out from a build of this tree (make).
# Prints PASS/FAIL per check and `N passed, N failed`.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
ko() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
end() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

cd "$top" || exit 111
sample=${REPRO_STEPS:-zlib guest-webd init rootfs initramfs guests iso}
dl=${XENLIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenlive}
# the step cache this tree's build/out links into
steps=
for o in build/out/*; do
	[ -L "$o" ] && steps=$(dirname "$(readlink "$o")") && break
done
[ -n "$steps" ] || { ko setup "nothing in build/out (run make first)"; end; }

# 1. no path of a build folder or cache in any output
leaks=
for o in build/out/*; do
	[ -d "$o/" ] || continue
	f=$(grep -rlF -e /build/work/ -e "$top/" -e /.cache/xenlive/ "$o/" 2>/dev/null | head -n3)
	[ -z "$f" ] || leaks="$leaks ${o#build/out/}: $(echo $f)"
done
if [ -z "$leaks" ]; then
	ok "no output of $(ls build/out | wc -l) steps holds a build folder's or cache's path"
else
	ko leak "outputs holding a build path:$leaks"
fi

# 2. the sample rebuilt elsewhere
T=$(mktemp -d "${TMPDIR:-/var/tmp}/xenlive-repro.XXXXXX")
trap 'rm -rf "$T"' EXIT
B=$T/another/path/to/xenlive
mkdir -p "$B" "$T/steps" "$T/home"
# the work tree's files (its changes too), as a checkout under umask 077
(umask 077 && scripts/tree-copy "$B") || { ko setup "copying the work tree to $B"; end; }
mkdir -p "$B/builder" && cp builder/xenlive-build "$B/builder/" || { ko setup "no builder/xenlive-build"; end; }
# the scratch step cache: every step's output of this tree but the sample's
for o in build/out/*; do
	s=${o#build/out/}
	case " $sample " in *" $s "*) continue ;; esac
	k=$(basename "$(readlink "$o")")
	ln -s "$steps/$k" "$T/steps/$k" &&
		cp "$steps/$k.tree" "$steps/$k.stat" "$T/steps/" || { ko setup "seeding $s"; end; }
done

# another job count than make's (nproc), time zone, locale, HOME and umask;
# the same SOURCE_DATE_EPOCH (an input: the last commit's date) and the
# same download cache
jobs=1
[ "$(nproc)" -gt 1 ] || jobs=2
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
xb() {
	(cd "$B" && umask 077 && env HOME="$T/home" TZ=Asia/Kathmandu LANG=de_DE.UTF-8 \
		LC_ALL=de_DE.UTF-8 XENLIVE_CACHE="$dl" XENLIVE_STEPS="$T/steps" \
		SOURCE_DATE_EPOCH="$epoch" builder/xenlive-build -j "$jobs" "$@")
}
start=$(date +%s)
for s in $sample; do
	[ -L "build/out/$s" ] || { ko "$s" "not built in this tree (build/out/$s)"; continue; }
	# only S may run: anything else means an earlier step differed or this
	# tree's build is not of its current sources
	other=$(xb explain "$s" 2>&1 | grep -v -e "^$s: " -e ': up to date$')
	if [ -n "$other" ]; then
		ko "$s" "not compared, other steps would run (an earlier step differed, or this tree's build is not of its sources: run make): $(echo "$other" | head -n3 | tr '\n' ' ')"
		break
	fi
	t0=$(date +%s)
	if ! xb build "$s" >"$T/build.log" 2>&1; then
		ko "$s" "the build at $B failed: $(tail -n 8 "$T/build.log" | tr '\n' ' ')"
		break
	fi
	ka=$(basename "$(readlink "build/out/$s")")
	kb=$(basename "$(readlink "$B/build/out/$s")")
	if [ "$ka" != "$kb" ]; then
		ko "$s" "key $kb at $B, $ka here: this tree's build is not of its sources (run make)"
		break
	fi
	if cmp -s "$steps/$ka.tree" "$T/steps/$kb.tree"; then
		ok "$s: the same $(grep -c '^[fx] ' "$T/steps/$kb.tree") files rebuilt at $B in $(($(date +%s) - t0)) s"
		continue
	fi
	f=$(diff "$steps/$ka.tree" "$T/steps/$kb.tree" | sed -n 's/^[<>] [a-z] [^ ]* //p' | head -n1)
	why=
	if grep -qF "$B" "$T/steps/$kb/$f" 2>/dev/null; then
		why=" (it holds the tree's path $B)"
	elif grep -qF /build/work/ "$T/steps/$kb/$f" 2>/dev/null; then
		why=" (it holds a build folder's path)"
	fi
	ko "$s" "$f differs when built at $B$why"
	break
done
echo "(sample rebuilt in $(($(date +%s) - start)) s, -j $jobs)"
end
