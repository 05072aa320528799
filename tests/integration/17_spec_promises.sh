#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 17_spec_promises.sh - PROTOCOL.md's promises an independent client relies on: a refused HELLO closes, ERROR texts are UTF-8, half frames time out before HELLO too, one-line fields, 103 before 101, nicks under --identity strict and in line mode.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

# raw NAME ARGS...: rawclient against $S; output in $T/raw.NAME.out.
raw() {
	local name=$1
	shift
	timeout -k 5 40 "$RAWCLIENT" -s "$S" --timeout 30000 "$@" >"$T/raw.$name.out" 2>"$T/raw.$name.err"
}

# refused_then_closed NAME CODE WHAT: the replies are exactly ERROR CODE, then the close
# (a write after the close may fail: SENDFAIL is not a reply).
refused_then_closed() {
	local out="$T/raw.$1.out"
	grep -v '^SENDFAIL' "$out" >"$out.replies"
	[ "$(wc -l <"$out.replies")" = 2 ] && head -n 1 "$out.replies" | grep -q "^ERROR $2 " &&
		tail -n 1 "$out.replies" | grep -q '^CLOSED' ||
		fail_with "$out" "$3: want exactly 'ERROR $2 ...' then the close"
}

# utf8_ok FILE WHAT: every byte of FILE is valid UTF-8.
utf8_ok() {
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 || fail_with "$1" "$2: the ERROR text is not valid UTF-8"
}

start_server -s "$S" --hello-timeout 30 --frame-timeout 1

step "a HELLO refused with ERROR 200 closes the connection; a second HELLO is never read"
i=0
for nick in '' 'abcdefghijklmnopqrstuvwxy' '-x' 'bad nick' 'Server' 'nobody' 'café' $'esc\x1bape'; do
	i=$((i + 1))
	raw "bad$i" --hello "$nick" --hello second
	refused_then_closed "bad$i" 200 "HELLO with nick '$nick'"
	utf8_ok "$T/raw.bad$i.out" "HELLO with nick '$nick'"
done
grep -q "nick 'Server' is reserved" "$T/raw.bad5.out" || fail_with "$T/raw.bad5.out" "the refusal of 'Server' does not say why"

step "ERROR texts quote invalid bytes visibly, as valid UTF-8"
raw badbytes --hello $'x\xffy'
refused_then_closed badbytes 200 "HELLO with nick x\\xffy"
utf8_ok "$T/raw.badbytes.out" "nick x\\xffy"
grep -q 'x<FF>y' "$T/raw.badbytes.out" || fail_with "$T/raw.badbytes.out" "the invalid byte is not shown as <FF>"
raw quoting --hello quoter --wait WELCOME --enter $'#\xff\xfe' --say-to $'\xffbob' hi --say-to $'#\xc0\xaf' hi --quit done
for want in "ERROR 205 '#<FF><FE>'" "ERROR 204 nobody is called '<FF>bob'" "ERROR 204 .*#<C0><AF>"; do
	grep -q "^$want" "$T/raw.quoting.out" || fail_with "$T/raw.quoting.out" "no line matching '$want'"
done
utf8_ok "$T/raw.quoting.out" "errors quoting a room and a nick"

step "a partial frame before HELLO is ended by --frame-timeout (1 s), not --hello-timeout (30 s)"
raw slowloris --raw '00 00 00 10 01 00'
refused_then_closed slowloris 106 "a half frame before HELLO"
grep -q 'left unfinished for 1 s' "$T/raw.slowloris.out" || fail_with "$T/raw.slowloris.out" "the half frame was not ended by the frame timeout"

step "a server-only type with a truncated body is 103 (the type is judged first), not 101"
raw wrongdir --hello wrongdir --wait WELCOME --raw '00 00 00 02 02 00'
tail -n 2 "$T/raw.wrongdir.out" | head -n 1 | grep -q '^ERROR 103 ' || fail_with "$T/raw.wrongdir.out" "want ERROR 103 for a truncated WELCOME from a client"

step "topics and away messages are one line (ERR_BAD_TEXT); a QUIT reason keeps its first line"
start_client watch -s "$S" -n watch
wait_for "$T/watch.out" "^$TS -!- connected to .* as watch " || fail_with "$T/watch.out" "watch did not connect"
# AWAY "a\nb", TOPIC set "a\nb" in the current room, then QUIT "first\nsecond".
raw lines --hello liner --wait WELCOME --raw '00 00 00 06 18 00 03 61 0a 62' --wait ERROR \
	--raw '00 00 00 09 17 00 00 01 00 03 61 0a 62' --wait ERROR \
	--raw '00 00 00 0f 13 00 0c 66 69 72 73 74 0a 73 65 63 6f 6e 64'
grep -q '^ERROR 202 an away message is one line' "$T/raw.lines.out" || fail_with "$T/raw.lines.out" "an away message with a newline was not refused"
grep -q '^ERROR 202 a topic is one line' "$T/raw.lines.out" || fail_with "$T/raw.lines.out" "a topic with a newline was not refused"
wait_for "$T/watch.out" "^$TS -!- liner left #lobby \\(first\\)\$" || fail_with "$T/watch.out" "the QUIT reason is not its first line"
close_client watch
stop_server

step "--identity strict: a second session of the login gets LOGIN/2, never LOGIN2"
me=$(id -un) || fail "id -un failed"
if nick_ok=$(printf '%s' "$me" | grep -E '^[A-Za-z0-9_][A-Za-z0-9_./-]{0,15}$') && [ "$me" != nobody ]; then
	start_server -s "$S" --identity strict
	raw first --hello "$nick_ok" --wait WELCOME --sleep 60000 &
	wait_for "$T/raw.first.out" "^WELCOME $me " || fail_with "$T/raw.first.out" "the login $me was not granted"
	raw second --hello "$me" --wait WELCOME --quit bye
	grep -q "^WELCOME $me/2 " "$T/raw.second.out" || fail_with "$T/raw.second.out" "a second session of $me was not granted $me/2"
	stop_server
else
	echo "note: login '$me' is no valid nick; the --identity strict step is skipped"
fi

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! command -v socat >/dev/null; then
	echo "note: the steps for other users need root, setpriv and socat; skipped"
	pass
fi

PUB="$T/pub"
chmod 0711 "$T" || fail "chmod $T failed"
mkdir -m 0755 "$PUB" || fail "mkdir $PUB failed"
S="$PUB/s.sock"
start_server -s "$S" -m 0666

step "a line-mode client whose login is reserved (nobody) is a guest, and keeps its first line"
start_client watch -s "$S" -n watch
wait_for "$T/watch.out" "^$TS -!- connected to .* as watch " || fail_with "$T/watch.out" "watch did not connect"
start_program nob setpriv --reuid=65534 --regid=65534 --clear-groups socat - "UNIX-CONNECT:$S"
send nob "first line from nobody"
wait_for "$T/watch.out" "^$TS <guest[0-9]*> first line from nobody\$" || fail_with "$T/nob.out" "the first line of a client with login nobody was lost"
close_client nob

step "natter's default nick is the user's own login, not the server's"
if id daemon >/dev/null 2>&1; then
	start_program dmn setpriv --reuid=daemon --regid=daemon --clear-groups env -u NATTER_NICK HOME="$T" "$NATTER" --no-autostart --headless -s "$S"
	wait_for "$T/watch.out" "^$TS -!- [a-z0-9]+ joined #lobby \\(login daemon\\)\$" || fail_with "$T/dmn.err" "natter run by daemon did not join"
	grep -Eq "^$TS -!- daemon joined #lobby \\(login daemon\\)\$" "$T/watch.out" || fail_with "$T/watch.out" "natter run by daemon took another nick than 'daemon'"
	close_client dmn
else
	echo "note: no user 'daemon' here; the default nick step is skipped"
fi
close_client watch
pass
