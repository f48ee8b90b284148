# (s) the real fetcher (scripts/apt-fetch) against a local fake archive signed
# by a throwaway key and a local fake snapshot archive: a pinned version the
# archive dropped comes from the snapshot (source, orig, binary kinds, and
# srcof: the sources of a binary, its Built-Using ones read from the .deb) and
# is checked against the lock; a snapshot file that does not match the lock
# is refused; a version nowhere to be found fails naming the pin, the places
# tried and both ways out
NAME=snapshot
. "$(dirname "$0")/lib.sh"

for p in gpg python3 apt-get; do
	command -v $p >/dev/null || fail "$p is not installed (scripts/host-deps test)"
done
top=$here/../..
W=$T/web
mkdir -p "$W" "$R/scripts" "$R/snap"
cp "$top/scripts/apt-fetch" "$top/scripts/snapshot-fetch" "$R/scripts/"

# the package: a source xlhello (orig, debian tarball, dsc) and its .deb,
# version 1.0-1 (only in the snapshot) and 2.0-1 (the archive's)
pkgfiles() { # VERSION DIR
	mkdir -p "$2"
	echo "xlhello upstream $1" >"$2/xlhello_${1%-*}.orig.tar.gz"
	echo "xlhello packaging $1" >"$2/xlhello_$1.debian.tar.xz"
	echo "Source: xlhello $1" >"$2/xlhello_$1.dsc"
	echo "xlhello binary $1" >"$2/xlhello_$1_amd64.deb"
}
pkgfiles 1.0-1 "$T/v1"
# 1.0-1's .deb is a real one, built using another source package, xlbase
mkdir -p "$T/deb/DEBIAN"
printf 'Package: xlhello\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: T <test@invalid>\nBuilt-Using: xlbase (= 1.0-1)\nDescription: test\n' \
	>"$T/deb/DEBIAN/control"
dpkg-deb -Zgzip --build "$T/deb" "$T/v1/xlhello_1.0-1_amd64.deb" >/dev/null || fail "dpkg-deb --build"
mkdir -p "$T/base"
echo "xlbase upstream 1.0-1" >"$T/base/xlbase_1.0.orig.tar.gz"
echo "Source: xlbase 1.0-1" >"$T/base/xlbase_1.0-1.dsc"
pkgfiles 2.0-1 "$W/debian/pool/main/x/xlhello"

# the archive: Sources lists 2.0-1 only, Packages is empty
export GNUPGHOME="$T/gpg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch -q --passphrase '' --quick-gen-key 'XenLive test archive <test@invalid>' ed25519 sign never 2>/dev/null ||
	fail "gpg could not make a key"
gpg --batch -q --export >"$T/archive.gpg"
srcstanza() {
	pd=$W/debian/pool/main/x/xlhello
	printf 'Package: xlhello\nBinary: xlhello\nVersion: 2.0-1\nMaintainer: T <test@invalid>\n'
	printf 'Architecture: any\nFormat: 3.0 (quilt)\nDirectory: pool/main/x/xlhello\n'
	printf 'Files:\n'
	for f in "$pd"/xlhello_2.0*; do
		case $f in *.deb) continue ;; esac
		printf ' %s %s %s\n' "$(md5sum <"$f" | cut -d' ' -f1)" "$(wc -c <"$f")" "${f##*/}"
	done
	printf 'Checksums-Sha256:\n'
	for f in "$pd"/xlhello_2.0*; do
		case $f in *.deb) continue ;; esac
		printf ' %s %s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$(wc -c <"$f")" "${f##*/}"
	done
}
dist() { # ROOT SUITE WITH_SOURCE
	d=$W/$1/dists/$2
	mkdir -p "$d/main/source" "$d/main/binary-amd64"
	if [ "$3" = yes ]; then srcstanza; fi >"$d/main/source/Sources"
	: >"$d/main/binary-amd64/Packages"
	{
		printf 'Origin: test\nSuite: %s\nCodename: %s\n' "$2" "$2"
		printf 'Date: %s\nArchitectures: amd64\nComponents: main\nSHA256:\n' "$(LC_ALL=C date -u -R)"
		for f in main/source/Sources main/binary-amd64/Packages; do
			printf ' %s %s %s\n' "$(sha256sum <"$d/$f" | cut -d' ' -f1)" "$(wc -c <"$d/$f")" "$f"
		done
	} >"$d/Release"
	gpg --batch -q --clearsign -o "$d/InRelease" "$d/Release" || fail "gpg could not sign"
}
dist debian bookworm yes
dist debian bookworm-updates no
dist debian-security bookworm-security no

# the snapshot archive: 1.0-1 by sha1, and the indexes that name the files
snapshot() { # ROOT
	s=$W/$1
	mkdir -p "$s/file" "$s/mr/package/xlhello/1.0-1/binfiles/xlhello" "$s/mr/binary/xlhello"
	res= info=
	for f in "$T"/v1/*; do
		h=$(sha1sum <"$f" | cut -d' ' -f1)
		cp "$f" "$s/file/$h"
		case $f in *.deb) deb=$h; continue ;; esac
		res="$res${res:+,}{\"hash\":\"$h\"}"
		info="$info${info:+,}\"$h\":[{\"name\":\"${f##*/}\",\"archive_name\":\"debian\",\"path\":\"/pool/main/x/xlhello\",\"size\":$(wc -c <"$f")}]"
	done
	echo "{\"package\":\"xlhello\",\"version\":\"1.0-1\",\"result\":[$res],\"fileinfo\":{$info}}" \
		>"$s/mr/package/xlhello/1.0-1/srcfiles"
	mkdir -p "$s/mr/package/xlbase/1.0-1"
	res= info=
	for f in "$T"/base/*; do
		h=$(sha1sum <"$f" | cut -d' ' -f1)
		cp "$f" "$s/file/$h"
		res="$res${res:+,}{\"hash\":\"$h\"}"
		info="$info${info:+,}\"$h\":[{\"name\":\"${f##*/}\"}]"
	done
	echo "{\"result\":[$res],\"fileinfo\":{$info}}" >"$s/mr/package/xlbase/1.0-1/srcfiles"
	echo '{"binary":"xlhello","result":[{"binary_version":"1.0-1","name":"xlhello","source":"xlhello","version":"1.0-1"}]}' \
		>"$s/mr/binary/xlhello/index.html"
	echo "{\"result\":[{\"architecture\":\"amd64\",\"hash\":\"$deb\"}],\"fileinfo\":{\"$deb\":[{\"name\":\"xlhello_1.0-1_amd64.deb\",\"size\":1}]}}" \
		>"$s/mr/package/xlhello/1.0-1/binfiles/xlhello/1.0-1"
}
snapshot snapshot
mkdir -p "$W/empty"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$W" "$port" >"$T/http.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$T"' EXIT
i=0
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "the fake archive's web server did not start"
	sleep 0.1
done

# profile, recipe and lock: three pins of 1.0-1, which the archive dropped
cat >"$R/snap/snap.recipe" <<'EOF'
step snap
	pin xl-orig orig xlhello
	pin xl-src source xlhello
	pin xl-bin binary xlhello
	pin xl-srcof srcof xlhello
	run ./list.sh
	output list
EOF
cat >"$R/snap/list.sh" <<'EOF'
#!/bin/sh
cat "$PIN_xl_src"/* "$PIN_xl_orig"/* >"$OUT/list"
cmp -s "$PIN_xl_bin"/*.deb "$PIN_xl_srcof/../xl-bin/xlhello_1.0-1_amd64.deb" && echo deb >>"$OUT/list"
ls "$PIN_xl_srcof" >>"$OUT/list"
EOF
chmod +x "$R/snap/list.sh"
printf 'lock iso/snap.lock\nfetcher scripts/apt-fetch\nrecipe snap/snap.recipe\ndefault snap\n' >"$R/snap.profile"
lockfile() {
	echo "pin $1 $2 xlhello 1.0-1"
	echo "	pattern xlhello"
	shift 2
	for f in "$@"; do
		echo "	file $f $(wc -c <"$T/v1/$f") $(sha256sum <"$T/v1/$f" | cut -d' ' -f1)"
	done
}
{
	lockfile xl-bin binary xlhello_1.0-1_amd64.deb
	lockfile xl-orig orig xlhello_1.0.orig.tar.gz xlhello_1.0-1.dsc
	lockfile xl-src source xlhello_1.0-1.debian.tar.xz xlhello_1.0-1.dsc xlhello_1.0.orig.tar.gz
	cp "$T"/base/* "$T/v1/"
	lockfile xl-srcof srcof xlbase_1.0-1.dsc xlbase_1.0.orig.tar.gz xlhello_1.0-1.debian.tar.xz xlhello_1.0-1.dsc xlhello_1.0.orig.tar.gz
} >"$R/iso/snap.lock"

export XENLIVE_MIRROR=http://127.0.0.1:$port/debian XENLIVE_KEYRING=$T/archive.gpg
sb() { XENLIVE_SNAPSHOT=$1 "$XB" -C "$R" -p snap.profile -j 2 build >"$T/out" 2>&1; }

sb "http://127.0.0.1:$port/snapshot" || fail "build with the snapshot fallback"
has "is not in http://127.0.0.1:$port/debian"
has "trying the snapshot archive http://127.0.0.1:$port/snapshot"
cmp -s "$R/build/out/snap/list" - <<EOF || fail "the step did not get 1.0-1's files from the snapshot"
xlhello packaging 1.0-1
Source: xlhello 1.0-1
xlhello upstream 1.0-1
Source: xlhello 1.0-1
xlhello upstream 1.0-1
deb
xlbase_1.0-1.dsc
xlbase_1.0.orig.tar.gz
xlhello_1.0-1.debian.tar.xz
xlhello_1.0-1.dsc
xlhello_1.0.orig.tar.gz
EOF
grep -q 'GET /debian/pool' "$T/http.log" && fail "fetched from the archive's pool"
# xl-orig (fetched first) takes the upstream tarball and the .dsc only
sed -n '/^fetch xl-orig/,/^fetch xl-src/p' "$T/out" >"$T/orig.out"
grep -q 'orig.tar.gz from' "$T/orig.out" && ! grep -q 'debian.tar.xz from' "$T/orig.out" ||
	fail "the orig pin did not leave Debian's packaging out"

# a snapshot that serves other content under the names: refused by the lock
rm -rf "$XENLIVE_CACHE" "$R/build"
echo "xlhello upstream 1.0-1 with a backdoor" >"$T/v1/xlhello_1.0.orig.tar.gz"
snapshot evil
sb "http://127.0.0.1:$port/evil" && fail "built from a snapshot whose files do not match the lock"
has "refusing xlhello_1.0.orig.tar.gz for pin xl-"
has "the lock says"
ls -A "$XENLIVE_CACHE/dl" | grep -E "orig|^[.]tmp" && fail "left in the download cache"

# nowhere: the message names the pin, where the fetcher looked, both ways out
sb "http://127.0.0.1:$port/empty" && fail "built without the pinned version"
has "is not in http://127.0.0.1:$port/debian (it serves: 2.0-1"
has "not in the snapshot archive http://127.0.0.1:$port/empty either"
has "pinned xlhello 1.0-1 is no longer served by the archive (pin xl-"
has "refresh the lock with \`make lock\`, or build from a sources bundle"
ls -A "$XENLIVE_CACHE/dl" | grep -E "orig|^[.]tmp" && fail "left in the download cache"
XENLIVE_SNAPSHOT=none "$XB" -C "$R" -p snap.profile build >"$T/out" 2>&1 && fail "built with no snapshot archive"
has "no snapshot archive to try"
pass
