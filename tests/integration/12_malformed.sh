#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 12_malformed.sh - hostile and odd frames via rawclient get the right ERROR (and close, when fatal) while a normal client is served throughout.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

# raw NAME ARGS...: run rawclient against the server; output in $T/raw.NAME.out.
raw() {
	local name=$1
	shift
	timeout -k 5 30 "$RAWCLIENT" -s "$S" --timeout 10000 "$@" >"$T/raw.$name.out" 2>"$T/raw.$name.err"
}

# lines_are FILE ERE...: FILE has exactly one line per ERE, each matching in full.
lines_are() {
	local file=$1 i=1 line
	shift
	[ "$(wc -l <"$file")" = "$#" ] || return 1
	while IFS= read -r line; do
		[[ $line =~ ^${!i}$ ]] || return 1
		i=$((i + 1))
	done <"$file"
}

# fatal NAME CODE DESCRIPTION ARGS...: the server answers exactly ERROR CODE, then closes.
fatal() {
	local name=$1 code=$2 what=$3 rc
	shift 3
	raw "$name" "$@"
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/raw.$name.out" "$what: rawclient exited $rc, want 0 (server closed the connection)"
	lines_are "$T/raw.$name.out" "ERROR $code .*" "CLOSED.*" ||
		fail_with "$T/raw.$name.out" "$what: want exactly 'ERROR $code ...' then the close"
}

# fatal_after_hello NAME CODE DESCRIPTION ARGS...: as fatal, for a registered client.
fatal_after_hello() {
	local name=$1 code=$2 what=$3 rc
	shift 3
	raw "$name" --hello "$name" --wait WELCOME "$@"
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/raw.$name.out" "$what: rawclient exited $rc, want 0 (server closed the connection)"
	grep -q '^WELCOME ' "$T/raw.$name.out" || fail_with "$T/raw.$name.out" "$what: no WELCOME for $name"
	tail -n 2 "$T/raw.$name.out" >"$T/raw.$name.tail"
	lines_are "$T/raw.$name.tail" "ERROR $code .*" "CLOSED.*" ||
		fail_with "$T/raw.$name.out" "$what: want 'ERROR $code ...' then the close"
}

start_server -s "$S"
start_client watch -s "$S" -n watch
wait_for "$T/watch.out" "^$TS -!- connected to .* as watch " || fail_with "$T/watch.out" "the normal client did not connect"

step "frame size: 65537 and 0 are ERR_FRAME_SIZE (102), then close"
fatal oversize 102 "length 00 01 00 01" --raw '00 01 00 01'
fatal zerolen 102 "length 0" --raw '00 00 00 00'
fatal_after_hello bigone 102 "length 0xffffffff after HELLO" --raw 'ff ff ff ff'
fatal prehello-big 102 "a 513-byte body before the handshake (PRE_HELLO_MAX_BYTES 512)" --raw '00 00 02 01'

step "unknown or wrong-direction type: ERR_UNKNOWN_TYPE (103)"
fatal_after_hello unknown 103 "type 0x77" --raw '00 00 00 01 77'
fatal_after_hello s2ctype 103 "a well-formed MSG sent by a client" \
	--raw '00 00 00 19 20 0000000000000007 0000018bcfe56800 0000 0000 00 0001 78'

step "not a native client: an HTTP request gets a 400 and a close; binary junk gets one sentence and a close"
raw http --text 'GET / HTTP/1.0\r\n\r\n'
rc=$?
[ "$rc" = 0 ] || fail_with "$T/raw.http.out" "HTTP request: rawclient exited $rc, want 0 (closed)"
head -n 1 "$T/raw.http.out" | grep -Eq '^HTTP/1\.[01] 400 ' ||
	fail_with "$T/raw.http.out" "HTTP request: the first line is not 'HTTP/1.0 400 Bad Request'"
tail -n 1 "$T/raw.http.out" | grep -q '^CLOSED' || fail_with "$T/raw.http.out" "HTTP request: the connection was not closed"
grep -Eq '^(ERROR|WELCOME|MSG) ' "$T/raw.http.out" && fail_with "$T/raw.http.out" "HTTP request: the server answered with frames"
raw tls --raw '16 03 01 00 a5 01 00 00 a1 03 03'
rc=$?
[ "$rc" = 0 ] || fail_with "$T/raw.tls.out" "TLS ClientHello: rawclient exited $rc, want 0 (closed)"
lines_are "$T/raw.tls.out" 'natterd: .*' 'CLOSED.*' ||
	fail_with "$T/raw.tls.out" "TLS ClientHello (first byte 0x16): want one 'natterd: ...' sentence, then the close"

step "requests before HELLO: ERR_NOT_REGISTERED (104)"
fatal early-say 104 "SAY before HELLO" --say hi
fatal early-nick 104 "NICK before HELLO" --nick bob

step "malformed HELLOs: truncated (101), version 4 (100), second HELLO (101)"
fatal short-hello 101 "HELLO with only a version" --raw '00 00 00 03 01 00 01'
fatal v4 100 "HELLO version 4" --hello-v 4 vic
grep -q 'versions 1 to 3' "$T/raw.v4.out" || fail_with "$T/raw.v4.out" "the ERR_VERSION text does not name versions 1 to 3"
fatal_after_hello twice 101 "a second HELLO" --hello again

step "PING before HELLO is answered"
raw pinger --ping 42 --wait PONG --hello pinger --wait WELCOME --quit bye --wait BYE
grep -qx 'PONG 42' "$T/raw.pinger.out" || fail_with "$T/raw.pinger.out" "PING 42 before HELLO got no 'PONG 42'"
grep -qx 'BYE quit code=1' "$T/raw.pinger.out" || fail_with "$T/raw.pinger.out" "QUIT got no 'BYE quit'"

step "bad text is ERR_BAD_TEXT (202) / ERR_TEXT_TOO_LONG (203) / ERR_NO_SUCH_TARGET (204), and the connection stays open"
a4096=$(printf 'a%.0s' {1..4096})
bad=('c3 28' 'c0 af' 'ed a0 80' 'f4 90 80 80' '1b 5b 33 31 6d' '7f' 'c2 85' '61 00 62')
args=(--hello mal --wait WELCOME)
for b in "${bad[@]}"; do
	args+=(--say-hex "$b" --wait ERROR)
done
args+=(--say '' --wait ERROR --say "${a4096}b" --wait ERROR)
args+=(--raw '00 00 00 0a 10 0002 2378 00 0002 6869' --wait ERROR)
args+=(--say "$a4096" --wait MSG --say-hex '61 0a 62 09 63' --wait MSG)
args+=(--raw '00 00 00 0c 10 0000 00 0002 6869 ff ff ff ff' --wait MSG)
args+=(--who --wait WHOREPLY --say ok --wait MSG --quit bye --wait BYE)
raw mal "${args[@]}"
rc=$?
[ "$rc" = 0 ] || fail_with "$T/raw.mal.out" "bad-text session: rawclient exited $rc, want 0"
codes=$(grep '^ERROR ' "$T/raw.mal.out" | cut -d' ' -f2 | tr '\n' ' ')
[ "$codes" = "202 202 202 202 202 202 202 202 202 203 204 " ] ||
	fail_with "$T/raw.mal.out" "bad-text session: error codes were '$codes', want eight 202 (bad UTF-8/controls), 202 (empty), 203 (4097 bytes), 204 (no such room)"
grep -E '^MSG [0-9]+ #lobby mal 0 ' "$T/raw.mal.out" | cut -d' ' -f6- >"$T/mal.msgs"
printf '%s\n' "$a4096" 'a\x0ab\x09c' 'hi' 'ok' >"$T/mal.want"
cmp -s "$T/mal.msgs" "$T/mal.want" ||
	fail_with "$T/mal.msgs" "bad-text session: accepted messages were not exactly: 4096 bytes, 'a<LF>b<TAB>c', 'hi' (trailing bytes ignored), 'ok'"
grep -Eq '^WHOREPLY #lobby more=0 count=2( |$)' "$T/raw.mal.out" || fail_with "$T/raw.mal.out" "WHO got no 'WHOREPLY #lobby more=0 count=2 ...'"
tail -n 2 "$T/raw.mal.out" >"$T/mal.tail"
lines_are "$T/mal.tail" 'BYE quit code=1' 'CLOSED.*' || fail_with "$T/raw.mal.out" "bad-text session did not end with 'BYE quit' and the close"
wait_for "$T/watch.out" "^$TS <mal> ok\$" || fail_with "$T/watch.out" "the normal client did not show mal's 'ok'"

step "frames split into single bytes, and several frames in one write"
raw trickle --trickle --hello trick --wait WELCOME --say slowly --wait MSG --quit bye --wait BYE
grep -Eq '^MSG [0-9]+ #lobby trick 0 slowly$' "$T/raw.trickle.out" || fail_with "$T/raw.trickle.out" "byte-by-byte SAY was not echoed"
grep -qx 'BYE quit code=1' "$T/raw.trickle.out" || fail_with "$T/raw.trickle.out" "byte-by-byte QUIT got no 'BYE quit'"
raw pipe --raw '0000000b 01 0001 0004 70697065 0000  00000008 10 0000 00 0002 7031  00000003 13 0000'
grep -Eq '^MSG [0-9]+ #lobby pipe 0 p1$' "$T/raw.pipe.out" || fail_with "$T/raw.pipe.out" "pipelined HELLO+SAY+QUIT: the SAY was not echoed"
tail -n 2 "$T/raw.pipe.out" >"$T/pipe.tail"
lines_are "$T/pipe.tail" 'BYE quit' 'CLOSED.*' || fail_with "$T/raw.pipe.out" "pipelined HELLO+SAY+QUIT did not end with the SAY's MSG, 'BYE quit' and the close"

step "a half-closed or vanished client is dropped"
raw halfer --hello halfer --wait WELCOME --shut-wr
rc=$?
[ "$rc" = 0 ] || fail_with "$T/raw.halfer.out" "after shutdown(SHUT_WR) the server did not close the connection (rawclient exit $rc)"
wait_for "$T/watch.out" "^$TS -!- halfer left #lobby" || fail_with "$T/watch.out" "the normal client did not see halfer leave"
raw cut --timeout 1000 --hello cut --wait WELCOME --raw '00 00 00 10 10 00'
wait_for "$T/watch.out" "^$TS -!- cut left #lobby" || fail_with "$T/watch.out" "the normal client did not see cut (gone mid-frame) leave"

step "the normal client was served throughout"
server_alive || fail_with "$SERVER_ERR" "natterd died"
send watch "still served"
wait_for "$T/watch.out" "^$TS <watch> still served\$" || fail_with "$T/watch.out" "the normal client's message was not echoed at the end"
close_client watch
rc=$?
[ "$rc" = 0 ] || fail "the normal client exited $rc on end of input, want 0"
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
