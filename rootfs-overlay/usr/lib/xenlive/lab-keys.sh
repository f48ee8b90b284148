# lab-keys.sh: the lab key (new, import, show) and pairing a node by hand
# (invite, join, give-key). Sourced by xenlive-lab (BusyBox ash), whose
# settings and helpers it uses (prog, dir, key, home, say, die).

# fingerprint FILE: the SHA256 fingerprint of a Dropbear key file, or nothing
fingerprint() { dropbearkey -y -f "$1" 2>/dev/null | sed -n 's/^Fingerprint: //p'; }

# fpr BASE64: the SHA256 fingerprint of an ssh-ed25519 key blob in base64,
# as dropbearkey prints it (base64 of the blob's SHA-256, without '=')
fpr() {
	echo "SHA256:$(echo "$1" | base64 -d | sha256sum | cut -d ' ' -f 1 |
		xxd -r -p | base64 | tr -d '=\n')"
}

# pubkey [FILE]: the public half of the lab key (or of the Dropbear key
# FILE), "ssh-ed25519 BASE64"
pubkey() {
	dropbearkey -y -f "${1:-$key}" 2>/dev/null |
		sed -n 's/^\(ssh-ed25519 [A-Za-z0-9+/=]*\).*/\1/p'
}

havekey() {
	[ -f "$key" ] || die "no lab key in $key: take the lab's with" \
		"\`$prog key import URL|FILE\`, or start a lab with \`$prog key new\`"
}

# takekey FILE: FILE becomes the lab key if it is an ed25519 Dropbear key
takekey() {
	dropbearkey -y -f "$1" 2>/dev/null | grep -q '^ssh-ed25519 ' || {
		rm -f "$1"
		die "not an ed25519 Dropbear private key (make one with" \
			"scripts/lab-key on the boot server, or \`$prog key new\`)"
	}
	chmod 600 "$1"
	mv "$1" "$key"
	sync
	say "lab key $(fingerprint "$key")"
}

cmd_key() {
	mkdir -p "$dir" && chmod 700 "$dir" || die "unable to create $dir"
	case $1 in
	new)
		[ ! -f "$key" ] || die "there is a lab key already ($(fingerprint "$key"));" \
			"remove $key first to start another lab"
		rm -f "$key.tmp"
		dropbearkey -t ed25519 -f "$key.tmp" >/dev/null 2>&1 ||
			die "dropbearkey could not make a key"
		takekey "$key.tmp"
		;;
	import)
		[ -n "$2" ] || usage
		rm -f "$key.tmp"
		case $2 in
		http://*|https://*)
			wget -q -T 10 -O "$key.tmp" "$2" ||
				{ rm -f "$key.tmp"; die "unable to download $2"; } ;;
		*)	cp "$2" "$key.tmp" 2>/dev/null ||
				{ rm -f "$key.tmp"; die "unable to read $2"; } ;;
		esac
		takekey "$key.tmp"
		;;
	show)
		[ -f "$key" ] || die "no lab key in $key"
		echo "$(fingerprint "$key") $key"
		;;
	*) usage ;;
	esac
}

# Pairing by hand (a node without a boot server or a stick): `invite` on a
# lab node takes one join request, a one-time public key sent by `join` to
# port $joinport, and shows its fingerprint; if its admin accepts, that key
# may log in once as the lab account, where lab-shell lets it run
# `xenlive-lab give-key` and nothing else. The new node trusts the node's
# host key on first use (its admin compares the fingerprint with `key
# show` there), and since the lab key is the host key, the key it fetches
# must be the one it confirmed.
pending=$home/join              # the accepted join key, until it fetched
joinline='lab-shell join"'      # marks the join key's authorized_keys line

# invite_end: the invite window closes; the join key can no longer log in
invite_end() {
	[ -z "${ncpid:-}" ] || kill "$ncpid" 2>/dev/null
	sed -i "/$joinline/d" "$home/.ssh/authorized_keys" 2>/dev/null
	rm -f "$pending" "$pending.given" "$home/invite.pid"
	[ -z "${tmp:-}" ] || rm -rf "$tmp"
}

cmd_invite() {
	[ $# -le 1 ] || usage
	secs=${1:-300}
	case $secs in ''|*[!0-9]*) usage ;; esac
	havekey
	running || die "not a lab node: \`$prog start\` first (the new node" \
		"fetches the key from this node's SSH server)"
	addr=$(lanaddr) || die "$br has no LAN address"
	ip=${addr%/*}
	[ -f "$home/invite.pid" ] && kill -0 "$(cat "$home/invite.pid")" 2>/dev/null &&
		die "an invite is open already (pid $(cat "$home/invite.pid"))"
	# what an invite that was killed left behind goes first
	trap invite_end EXIT
	trap 'exit 130' INT TERM HUP
	invite_end
	tmp=$(mktemp -d) || die "mktemp failed"
	echo $$ >"$home/invite.pid"
	# the answer goes back to the new node on the request's connection: nc
	# reads it from a fifo that stays open (fd 3) until it is written
	mkfifo "$tmp/answer" && exec 3<>"$tmp/answer" || die "mkfifo failed"
	timeout "$secs" nc -l -n -v -s "$ip" -p "$joinport" <"$tmp/answer" \
		>"$tmp/req" 2>"$tmp/nc" 3>&- &
	ncpid=$!
	end=$(($(date +%s) + secs))
	say "invite open for $secs s: run \`$prog join $ip\` on the new node"
	while kill -0 "$ncpid" 2>/dev/null && [ "$(wc -l <"$tmp/req")" -eq 0 ]; do
		sleep 1
	done
	req=$(head -n 1 "$tmp/req")
	from=$(sed -n 's/^connect to .* from \([0-9.]*\):.*/\1/p' "$tmp/nc")
	if ! grep -q '^connect to' "$tmp/nc"; then
		# nc's complaint, if any (its "punt!" is the timeout's signal)
		why=$(grep -v -e '^listening' -e 'punt!' "$tmp/nc" | tail -n 1)
		die "no join request in $secs s${why:+ ($why)}: invite closed"
	fi
	# the one form a join request has; anything else goes nowhere near
	# authorized_keys
	echo "$req" | grep -qE '^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} join@[A-Za-z0-9.-]{1,64}$' ||
		die "$from sent no join request (\"$(echo "$req" | cut -c 1-40 | tr -cd ' -~')\"): invite closed"
	# shellcheck disable=SC2086 # its three words (checked above)
	set -- $req
	printf '%s %s %s ' "$prog: join request from $from (${3#join@}): key" \
		"$(fpr "$2") (compare with what \`$prog join\` shows there)." \
		"Give this node the lab key? [y/N]"
	left=$((end - $(date +%s)))
	ans=
	[ $left -gt 0 ] && read -r -t "$left" ans
	[ -t 0 ] || echo "$ans"
	kill -0 "$ncpid" 2>/dev/null || die "the invite's $secs s are over: invite closed"
	case $ans in
	y|Y|yes) ;;
	*)
		echo refused >&3
		exec 3>&-
		wait "$ncpid"
		ncpid=
		say "refused $from ($(fpr "$2")): invite closed"
		exit 1 ;;
	esac
	echo "$(fpr "$2") $from ${3#join@}" >"$pending"
	echo "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty,command=\"/usr/lib/xenlive/lab-shell join\" $1 $2 $3" \
		>>"$home/.ssh/authorized_keys"
	echo accepted >&3
	exec 3>&-
	wait "$ncpid"
	ncpid=
	# the new node fetches the key right away; a minute at least for it
	[ "$end" -ge $(($(date +%s) + 60)) ] || end=$(($(date +%s) + 60))
	while [ -f "$pending" ] && [ "$(date +%s)" -lt "$end" ]; do
		sleep 1
	done
	[ -f "$pending.given" ] || die "$from did not fetch the lab key in time:" \
		"invite closed"
	say "gave the lab key to $from (${3#join@}): invite closed"
}

# give-key: the lab key on stdout for the accepted join key, once (lab-shell
# runs it for the join key and for nothing else)
cmd_give_key() {
	havekey
	# mv is atomic: one fetch only
	mv "$pending" "$pending.given" 2>/dev/null || die "no join request accepted"
	sed -i "/$joinline/d" "$home/.ssh/authorized_keys"
	cat "$key" || die "unable to read $key"
	echo "$(date '+%F %T') $prog: gave the lab key to the join key" \
		"$(cat "$pending.given")" >>"$log"
}

cmd_join() {
	[ $# -eq 1 ] || usage
	host=$1
	[ ! -f "$key" ] || die "there is a lab key here already" \
		"($(fingerprint "$key")): to join another lab, \`$prog stop\` and" \
		"remove $key first"
	mkdir -p "$dir" && chmod 700 "$dir" || die "unable to create $dir"
	tmp=$(mktemp -d) || die "mktemp failed"
	trap 'rm -rf "$tmp" "$key.tmp"' EXIT
	trap 'exit 130' INT TERM HUP
	dropbearkey -t ed25519 -f "$tmp/join" >/dev/null 2>&1 ||
		die "dropbearkey could not make a key"
	say "tell $host's admin: this node's join key is $(fingerprint "$tmp/join")"
	# $host's host key, trusted on first use as ssh does: dbclient records
	# it in known_hosts when its question is answered y (on stdin: no
	# controlling terminal), then fails to log in, having no key there
	mkdir -p "$tmp/.ssh"
	echo y | HOME=$tmp timeout 30 setsid dbclient -l "$user" "$host" true \
		>/dev/null 2>"$tmp/err"
	hk=$(awk -v h="$host" '$1 == h && $2 == "ssh-ed25519" {print $3; exit}' \
		"$tmp/.ssh/known_hosts" 2>/dev/null)
	[ -n "$hk" ] || die "$host does not answer as a lab node" \
		"($(tail -n 1 "$tmp/err")): run \`$prog start\` there"
	hfp=$(fpr "$hk")
	printf '%s %s ' "$prog: $host's lab key is $hfp; compare with" \
		"\`$prog key show\` on $host. Is it the same? [y/N]"
	ans=
	read -r ans
	[ -t 0 ] || echo "$ans"
	case $ans in
	y|Y|yes) ;;
	*) die "$host's key not confirmed: nothing changed" ;;
	esac
	say "asking $host for the lab key (\`$prog invite\` must run there)"
	i=0
	name=$(hostname | tr -cd 'A-Za-z0-9.-' | cut -c 1-64)
	until ans=$(echo "$(pubkey "$tmp/join") join@${name:-node}" |
		timeout 900 nc "$host" "$joinport" 2>"$tmp/err"); do
		i=$((i + 1))
		[ $i -lt 10 ] || die "$host does not take join requests on port" \
			"$joinport: run \`$prog invite\` there first"
		sleep 1
	done
	case $ans in
	accepted) ;;
	refused) die "$host's admin refused this node: nothing changed" ;;
	*) die "$host's invite ended without an answer: nothing changed" ;;
	esac
	# strict now: $host must show the host key confirmed above
	i=0
	until HOME=$tmp timeout 30 dbclient -i "$tmp/join" -l "$user" "$host" \
		xenlive-lab give-key </dev/null >"$tmp/lab.key" 2>"$tmp/err"; do
		i=$((i + 1))
		[ $i -lt 3 ] || die "could not fetch the lab key from $host" \
			"($(tail -n 1 "$tmp/err")): nothing changed"
		sleep 2
	done
	[ "$(pubkey "$tmp/lab.key")" = "ssh-ed25519 $hk" ] ||
		die "$host sent a key that is not its host key $hfp: not taken"
	cp "$tmp/lab.key" "$key.tmp" || die "unable to write $key.tmp"
	takekey "$key.tmp"
	say "joined $host's lab: run \`$prog start\` to become a lab node"
}
