#!/bin/sh
# tests/offline/run.sh: the sources bundle alone builds the ISO, with no
# network at all, bit for bit the ISO of the online build.
#   1. `xenlive-build fetch` + scripts/sources-bundle (what `make sources`
#      runs) into a scratch folder: SHA256SUMS verifies, SOURCES names the
#      kernel's sources, the tarball lists the same files;
#   2. XenLive's source from the bundle's own tarball, in a network namespace
#      with no interface up, XENLIVE_CACHE = the bundle (its steps/ empty: a
#      cold build), HOME elsewhere, no XENLIVE_STEPS: `make iso`;
#   3. nothing was fetched, and the ISO's sha256 is iso/xenlive.iso's (built
#      online from the same commit, from the shared step cache): the build
#      is offline and reproducible;
#   4. as a user would: a `git clone` of HEAD at another path, another HOME,
#      the shared download cache and an empty step cache of its own:
#      `make iso` builds the same ISO again.
# Two cold builds: about 40 min on 2 cores here. Needs root (unshare) and
# iso/xenlive.iso built from HEAD with a clean work tree (make iso).
# With --bundle-only (the `sources` suite of make check), only step 1.
# Prints PASS/FAIL per check and `N passed, N failed`.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
ko() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
end() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

only=
[ "${1:-}" = --bundle-only ] && only=bundle
cd "$top" || exit 111
[ -n "$only" ] || [ -f iso/xenlive.iso.sha256 ] || { ko setup "no iso/xenlive.iso (run make first)"; end; }
if [ -z "$only" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	ko setup "the work tree has changes: the bundle holds HEAD, the ISO was built from the tree"
	end
fi
T=$(mktemp -d "${TMPDIR:-/var/tmp}/xenlive-offline.XXXXXX")
trap 'rm -rf "$T"' EXIT
B=$T/xenlive-sources

# 1. the bundle
if builder/xenlive-build fetch "$B" >"$T/fetch.log" 2>&1 && scripts/sources-bundle "$B" >>"$T/fetch.log" 2>&1; then
	ok "bundle: $(tail -n1 "$T/fetch.log")"
else
	ko bundle "$(tail -n5 "$T/fetch.log")"
	end
fi
if (cd "$B" && sha256sum --quiet -c SHA256SUMS) >"$T/sums.log" 2>&1 &&
	[ "$(wc -l <"$B/SHA256SUMS")" -eq "$(tar tf "$B.tar" | grep -c -v '/SHA256SUMS$')" ]; then
	ok "SHA256SUMS holds every file of the bundle and the tarball"
else
	ko sums "$(head -n5 "$T/sums.log")"
fi
kernel=$(grep '^kernel ' "$B/SOURCES")
case $kernel in
*"<- linux-signed-amd64_"*" linux_"*.dsc) ok "SOURCES: $kernel" ;;
*) ko sources "the kernel's sources are not named: '$kernel'" ;;
esac

[ -z "$only" ] || end

# 2. the offline cold build, from the bundle's own copy of our source
mkdir "$T/src" "$T/home"
tar xzf "$B"/xenlive-src-*.tar.gz -C "$T/src" || { ko untar "xenlive-src tarball"; end; }
src=$(echo "$T"/src/xenlive-*)
start=$(date +%s)
if env -u XENLIVE_STEPS -u SOURCE_DATE_EPOCH HOME="$T/home" XENLIVE_CACHE="$B" \
	unshare --net sh -c 'ip -o addr show | grep -v " lo " && exit 1
		! getent hosts deb.debian.org >/dev/null || exit 1
		exec make -C "$1" iso' sh "$src" >"$T/build.log" 2>&1; then
	ok "offline cold build from the bundle in $(($(date +%s) - start)) s"
else
	ko build "$(tail -n 15 "$T/build.log")"
	end
fi
if grep -q '^fetch ' "$T/build.log"; then
	ko fetch "the offline build fetched: $(grep '^fetch ' "$T/build.log" | head -n3)"
else
	ok "nothing fetched"
fi

# same NAME TREE STEPS: TREE's ISO is iso/xenlive.iso; else which steps of
# TREE (its step cache STEPS) have the same key as here and other contents
want=$(cut -d' ' -f1 iso/xenlive.iso.sha256)
same() {
	got=$(cut -d' ' -f1 "$2/iso/xenlive.iso.sha256")
	if [ "$want" = "$got" ] && [ "$(sha256sum <"$2/iso/xenlive.iso" | cut -d' ' -f1)" = "$got" ]; then
		ok "the $1 ISO is the online one: sha256 $got"
		return
	fi
	ko reproducible "online $want, $1 $got"
	for l in "$2"/build/out/*; do
		k=$(basename "$(readlink "$l")")
		s=${XENLIVE_STEPS:-${XENLIVE_CACHE:-$HOME/.cache/xenlive}/steps}
		[ -f "$s/$k.tree" ] || continue
		cmp -s "$s/$k.tree" "$3/$k.tree" || echo "    step ${l##*/} differs: $(diff "$s/$k.tree" "$3/$k.tree" | grep '^[<>]' | head -n4 | tr '\n' ' ')"
	done
}

# 3. the same ISO
same offline "$src" "$B/steps"

# 4. a git clone at another path, cold, with the network and the shared
# download cache, as a user would build it
clone=$T/clone/of/xenlive
dl=${XENLIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenlive}
mkdir -p "$T/home2"
start=$(date +%s)
if git clone -q "$top" "$clone" >"$T/clone.log" 2>&1 &&
	env -u SOURCE_DATE_EPOCH HOME="$T/home2" XENLIVE_CACHE="$dl" \
		XENLIVE_STEPS="$T/clone-steps" make -C "$clone" iso >>"$T/clone.log" 2>&1; then
	ok "cold build of a git clone at $clone in $(($(date +%s) - start)) s"
	same clone "$clone" "$T/clone-steps"
else
	ko clone "$(tail -n 15 "$T/clone.log")"
fi
end
