#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 23_line_mode.sh - a socat (plain-text line mode) user and a natter user see each other both ways; an overlong line is refused and the connection lives on.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

command -v socat >/dev/null 2>&1 || skip "socat is not installed"

S="$T/s.sock"

# send_raw NAME BYTES: bytes to a client's stdin as they are (no newline added).
send_raw() {
	printf '%s' "$2" >&"${CLIENT_FD[$1]}"
}

step "start natterd, alice (natter) and sam (socat, line mode)"
start_server -s "$S"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
start_program sam socat - "UNIX-CONNECT:$S"
send sam "NICK sam"
wait_for "$T/sam.out" "^-- welcome to natterd, you are sam " || fail_with "$T/sam.out" "sam got no welcome line"
wait_for "$T/alice.out" "^$TS -!- sam joined #lobby \\(login [^)]+\\)\$" || fail_with "$T/alice.out" "alice did not see sam join with a login"

step "both ways in #lobby"
send sam "hello from socat"
wait_for "$T/alice.out" "^$TS <sam> hello from socat\$" || fail_with "$T/alice.out" "alice did not get sam's line"
send alice "hi sam"
wait_for "$T/sam.out" "^[0-9:]{8} #lobby <alice> hi sam\$" || fail_with "$T/sam.out" "sam did not get alice's line"

step "both ways in #dev"
send alice "/join #dev"
wait_for "$T/alice.out" "^$TS -!- now talking in #dev\$" || fail_with "$T/alice.out" "alice did not enter #dev"
send sam "/join #dev"
wait_for "$T/alice.out" "^$TS -!- sam joined #dev " || fail_with "$T/alice.out" "alice did not see sam join #dev"
send sam "dev line from sam"
wait_for "$T/alice.out" "^$TS #dev <sam> dev line from sam\$" || fail_with "$T/alice.out" "alice did not get sam's #dev line"
send alice "dev line from alice"
wait_for "$T/sam.out" "^[0-9:]{8} #dev <alice> dev line from alice\$" || fail_with "$T/sam.out" "sam did not get alice's #dev line"

step "private both ways"
send sam "/msg alice psst"
wait_for "$T/alice.out" "^$TS \\[private\\] <sam> psst\$" || fail_with "$T/alice.out" "alice did not get sam's private line"
send alice "/msg sam psst back"
wait_for "$T/sam.out" "^[0-9:]{8} \\[private\\] <alice> psst back\$" || fail_with "$T/sam.out" "sam did not get alice's private line"

step "an overlong line (4300 bytes) gets an error line; the connection stays usable"
long=$(printf '%04300d' 0 | tr 0 x)
send sam "$long"
wait_for "$T/sam.out" "^error 203: line longer than 4200 bytes" || fail_with "$T/sam.out" "sam got no error line for the overlong line"
send sam "still here"
wait_for "$T/alice.out" "^$TS #dev <sam> still here\$" || fail_with "$T/alice.out" "sam's connection did not survive the overlong line"
grep -q xxxxxxxxxx "$T/alice.out" && fail_with "$T/alice.out" "part of the overlong line was delivered"

step "a line sent in pieces and ending in CRLF is one message"
send_raw sam "in "
send_raw sam "pieces"$'\r\n'
wait_for "$T/alice.out" "^$TS #dev <sam> in pieces\$" || fail_with "$T/alice.out" "a line written in two pieces was not one message"

step "the one command table: /help lists what applies here, mistakes get one error line"
send sam "/help"
wait_for "$T/sam.out" "^-- /join #ROOM +enter a room" || fail_with "$T/sam.out" "line mode's /help does not list /join with its usage"
wait_for "$T/sam.out" "^-- start it with // " || fail_with "$T/sam.out" "line mode's /help is cut short"
grep -Eq '^-- /(kick|hand|clear)' "$T/sam.out" && fail_with "$T/sam.out" "/help lists classroom or full-screen commands on a plain server"
send sam "/join"
wait_for "$T/sam.out" "^error: use /join #ROOM\$" || fail_with "$T/sam.out" "/join without a room did not say how to use it"
send sam "/clear"
wait_for "$T/sam.out" "^error: that is a command of the full-screen client\$" || fail_with "$T/sam.out" "/clear in line mode was not explained"
send sam "/part #dev gone for tea"
wait_for "$T/alice.out" "^$TS -!- sam left #dev \\(gone for tea\\)\$" || fail_with "$T/alice.out" "/part #dev REASON did not leave #dev with that reason"

step "sam quits; alice sees it; both end cleanly"
send sam "/quit done"
wait_for "$T/sam.out" "^bye: quit" || fail_with "$T/sam.out" "sam got no 'bye: quit' line"
wait_for "$T/alice.out" "^$TS -!- sam left #lobby \\(done\\)\$" || fail_with "$T/alice.out" "alice did not see sam leave"
close_client sam
rc=$?
[ "$rc" = 0 ] || fail_with "$T/sam.err" "socat exited $rc, want 0"
close_client alice
rc=$?
[ "$rc" = 0 ] || fail_with "$T/alice.err" "alice exited $rc, want 0"
pass
