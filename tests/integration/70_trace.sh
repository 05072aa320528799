#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 70_trace.sh - natterd --trace and natter --trace show a known SAY and its MSG with exactly PROTOCOL.md's bytes, both ways; line mode is traced as text; nothing raw reaches a trace.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

# trace_rows FILE ERE: the hex dump under the first trace header matching
# ERE, with runs of spaces squeezed (the columns are checked by unit tests).
trace_rows() {
	RE=$2 awk 'found && /^    / { print; next } found { exit } $0 ~ ENVIRON["RE"] { found = 1 }' "$1" |
		sed -e 's/^ *//' -e 's/  */ /g'
}

# check_rows FILE ERE WANT: trace_rows of FILE under ERE are exactly WANT.
check_rows() {
	local got
	got=$(trace_rows "$1" "$2")
	[ "$got" = "$3" ] && return 0
	printf -- '--- want:\n%s\n--- got:\n%s\n' "$3" "$got" >&2
	fail_with "$1" "the trace of '$2' in ${1##*/} does not show the expected bytes"
}

# no_raw_controls FILE: no control character but newline in FILE.
no_raw_controls() {
	if LC_ALL=C grep -q -P '[\x00-\x09\x0b-\x1f\x7f]' "$1"; then
		fail_with "$1" "${1##*/} holds a raw control character"
	fi
}

step "natterd --trace (stderr) and alice, headless, with --trace (stderr)"
start_server -s "$S" --trace
start_client alice -s "$S" -n alice --trace
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"

step "alice says hi in #lobby: the SAY is 22 bytes, 00 00 00 12 then the body and its tag (PROTOCOL.md 2, 3, 3.11)"
send alice "hi"
wait_for "$T/alice.out" "^$TS <alice> hi\$" || fail_with "$T/alice.out" "alice's hi did not come back"
SAY_ROWS='0000 00 00 00 12 length prefix = 18: the body is the next 18 bytes
0004 10 00 06 23 6c 6f 62 62 79 00 00 02 68 69 00 00 |...#lobby...hi..|
0014 01 10 |..|'
wait_for "$SERVER_ERR" '^[0-9:.]{15} in  #[0-9]+ alice \(unix\)  SAY target="#lobby" flags=0 text="hi"  tag=[0-9]+  \(22 bytes\)$' ||
	fail_with "$SERVER_ERR" "the server's trace has no 'in #N alice (unix) SAY ... tag=N (22 bytes)' header"
check_rows "$SERVER_ERR" ' in  #[0-9]+ alice \(unix\)  SAY ' "$SAY_ROWS"
wait_for "$T/alice.err" '^[0-9:.]{15} out natterd at .*  SAY target="#lobby" flags=0 text="hi"  tag=[0-9]+  \(22 bytes\)$' ||
	fail_with "$T/alice.err" "alice's trace has no 'out ... SAY ... tag=N (22 bytes)' header"
check_rows "$T/alice.err" ' out natterd at .*  SAY ' "$SAY_ROWS"

step "the MSG it became: 41 bytes out of the server, the very same bytes into alice"
MSG_HEAD='MSG id=[0-9]+ time=[0-9]+ target="#lobby" from="alice" flags=0 text="hi"  \(41 bytes\)$'
wait_for "$SERVER_ERR" " out #[0-9]+ alice \\(unix\\)  $MSG_HEAD" || fail_with "$SERVER_ERR" "the server's trace has no MSG out to alice"
wait_for "$T/alice.err" " in  natterd at .*  $MSG_HEAD" || fail_with "$T/alice.err" "alice's trace has no MSG in"
server_msg=$(trace_rows "$SERVER_ERR" " out #[0-9]+ alice \\(unix\\)  $MSG_HEAD")
client_msg=$(trace_rows "$T/alice.err" " in  natterd at .*  $MSG_HEAD")
{ [ -n "$server_msg" ] && [ "$server_msg" = "$client_msg" ]; } ||
	fail "the MSG's hex differs between the server's trace and alice's:"$'\n'"$server_msg"$'\n'"---"$'\n'"$client_msg"
# The length prefix, the type byte, and the end of the body: flags 0, "hi" (PROTOCOL.md 6).
grep -q '^0000 00 00 00 25 length prefix = 37: the body is the next 37 bytes$' <<<"$server_msg" ||
	fail "the MSG's length row is not 00 00 00 25: $server_msg"
grep -q '^0004 20 ' <<<"$server_msg" || fail "the MSG body does not start with type 0x20: $server_msg"
grep -q '^0024 00 00 02 68 69 |...hi|$' <<<"$server_msg" || fail "the MSG does not end with 00 00 02 68 69: $server_msg"

step "an escape sequence in a SAY is shown sanitized on both traces"
send alice $'bad \e[31m red'
wait_for "$SERVER_ERR" ' in  #[0-9]+ alice \(unix\)  SAY target="#lobby" flags=0 text="bad \^\[\[31m red"' ||
	fail_with "$SERVER_ERR" "the server's trace does not show the ESC as ^["
wait_for "$T/alice.err" ' out natterd at .*  SAY target="#lobby" flags=0 text="bad \^\[\[31m red"' ||
	fail_with "$T/alice.err" "alice's trace does not show the ESC as ^["

if command -v socat >/dev/null 2>&1; then
	step "a line-mode client (socat) is traced as text, with the request each line became"
	{
		printf 'NICK sam\nhello sam\n'
		sleep 1
	} | timeout 10 socat - "UNIX-CONNECT:$S" >"$T/sam.out" 2>"$T/sam.err" &
	wait_for "$SERVER_ERR" ' in  #[0-9]+ sam \(unix, line mode\)  line "hello sam"  \(10 bytes, newline included\)$' ||
		fail_with "$SERVER_ERR" "the server's trace does not show sam's line as text"
	check_rows "$SERVER_ERR" ' in  #[0-9]+ sam \(unix, line mode\)  line "hello sam"' \
		'0000 68 65 6c 6c 6f 20 73 61 6d 0a |hello sam.|'
	wait_for "$SERVER_ERR" ' in  #[0-9]+ sam \(unix, line mode: the request this line became\)  SAY target="#lobby" flags=0 text="hello sam"  \(25 bytes\)$' ||
		fail_with "$SERVER_ERR" "the server's trace does not show the SAY that sam's line became"
	wait_for "$SERVER_ERR" ' out #[0-9]+ sam \(unix, line mode\)  line "[0-9:]{8} #lobby <sam> hello sam"  \(32 bytes, newline included\)$' ||
		fail_with "$SERVER_ERR" "the server's trace does not show the line written back to sam"
	wait_for "$T/alice.out" "^$TS <sam> hello sam\$" || fail_with "$T/alice.out" "alice did not get sam's line"
	wait "$!" 2>/dev/null
else
	step "socat is not installed: the line-mode part is skipped"
fi

step "alice quits: QUIT in, BYE out; no trace holds a raw control character"
close_client alice
rc=$?
[ "$rc" = 0 ] || fail_with "$T/alice.err" "alice exited $rc, want 0"
wait_for "$SERVER_ERR" ' out #[0-9]+ alice \(unix\)  BYE reason="quit" code=1  \(13 bytes\)$' || fail_with "$SERVER_ERR" "no BYE (with version 3's code 1) on the server's trace"
check_rows "$SERVER_ERR" ' out #[0-9]+ alice \(unix\)  BYE ' '0000 00 00 00 09 length prefix = 9: the body is the next 9 bytes
0004 04 00 04 71 75 69 74 00 01 |...quit..|'
no_raw_controls "$SERVER_ERR"
no_raw_controls "$T/alice.err"

step "--trace=FILE appends to a file; the full-screen client insists on one"
start_client bob -s "$S" -n bob --trace="$T/bob.trace"
wait_for "$T/bob.out" "^$TS -!- connected to .* as bob " || fail_with "$T/bob.out" "bob did not connect"
wait_for "$T/bob.trace" ' in  natterd at .*  WELCOME version=3 nick="bob" ' || fail_with "$T/bob.trace" "bob's trace file has no WELCOME"
close_client bob || fail_with "$T/bob.err" "bob did not exit cleanly"
grep -q 'WELCOME' "$T/bob.err" && fail_with "$T/bob.err" "with --trace=FILE the trace still went to stderr"
if command -v script >/dev/null 2>&1; then
	# script(1) gives natter a terminal on both ends, so it would be full-screen.
	TERM=xterm timeout 10 script -qec "'$NATTER' --no-autostart -s '$S' --trace" /dev/null </dev/null >"$T/tui.out" 2>&1
	rc=$?
	[ "$rc" = 2 ] || fail_with "$T/tui.out" "full-screen natter --trace without a file exited $rc, want 2"
	grep -q -- '--trace needs a file in the full-screen client, e.g. --trace=/tmp/natter.trace' "$T/tui.out" ||
		fail_with "$T/tui.out" "full-screen natter --trace did not say it needs a file"
fi
pass
