#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 87_logrotate.sh - contrib/natter.logrotate rotates a running natterd's transcripts: old lines in ROOM.log.1, new lines
# from the start of ROOM.log (natterd writes with O_APPEND, so copytruncate leaves no hole), and nothing else disturbed.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

[ "$(dirname "$NATTERD")" = "$NT_ROOT/bin" ] ||
	skip "the logrotate snippet is tested once, with the plain build in bin/ (not $(dirname "$NATTERD"))"
SNIPPET="$NT_ROOT/contrib/natter.logrotate"
[ -f "$SNIPPET" ] || fail "no $SNIPPET: nothing rotates natterd's transcripts"
command -v logrotate >/dev/null 2>&1 || skip "logrotate is not installed (apt-get install logrotate)"

S="$T/s.sock"
L="$T/state"
mkdir -m 0700 "$L" || fail "cannot make $L"

step "the snippet, pointed at $L and at this test's user"
grep -q '^/var/lib/natter/\*\.log {' "$SNIPPET" || fail "$SNIPPET does not rotate /var/lib/natter/*.log"
grep -q '^[[:space:]]*copytruncate$' "$SNIPPET" ||
	fail "$SNIPPET does not copytruncate; natterd keeps its transcripts open and has no reopen signal"
sed -e "s|^/var/lib/natter/|$L/|" -e "s|^\([[:space:]]*su\) natter natter$|\1 $(id -un) $(id -gn)|" \
	"$SNIPPET" >"$T/lr.conf" || fail "cannot write $T/lr.conf"
chmod 0644 "$T/lr.conf" || fail "cannot chmod $T/lr.conf"

start_server -s "$S" --log "$L"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
send alice "before rotation one"
send alice "before rotation two"
wait_for "$L/lobby.log" ' <alice> before rotation two$' || fail_with "$L/lobby.log" "the transcript lacks alice's lines"

step "logrotate -f with the snippet while natterd runs"
timeout 30 logrotate -f -s "$T/lr.status" "$T/lr.conf" </dev/null >"$T/logrotate.out" 2>"$T/logrotate.err" ||
	fail_with "$T/logrotate.err" "logrotate exited $?"
[ -f "$L/lobby.log.1" ] || fail "logrotate made no lobby.log.1 (files: $(echo "$L"/*))"
grep -q ' <alice> before rotation two$' "$L/lobby.log.1" || fail_with "$L/lobby.log.1" "lobby.log.1 lacks the old lines"
[ -s "$L/lobby.log" ] && fail_with "$L/lobby.log" "lobby.log still holds lines after copytruncate"

step "natterd's next line starts the truncated lobby.log: no hole of NUL bytes before it"
send alice "after rotation"
wait_for "$L/lobby.log" ' <alice> after rotation$' || fail_with "$L/lobby.log" "natterd wrote nothing to lobby.log after the rotation"
[ "$(wc -l <"$L/lobby.log")" = 1 ] || fail_with "$L/lobby.log" "lobby.log holds more than the one new line"
[ "$(tr -d '\000' <"$L/lobby.log" | wc -c)" = "$(wc -c <"$L/lobby.log")" ] ||
	fail "lobby.log has NUL bytes: natterd wrote at its old offset, so copytruncate left a hole"
grep -q '^[0-9]' "$L/lobby.log" || fail_with "$L/lobby.log" "lobby.log does not start with a message id"
server_alive || fail_with "$SERVER_ERR" "natterd died during the rotation"

step "a restarted natterd starts cleanly on the rotated directory"
close_client alice || fail_with "$T/alice.err" "alice exited $? on end of input"
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM"
start_server -s "$S" --log "$L"
grep -q 'warning' "$SERVER_ERR" && fail_with "$SERVER_ERR" "natterd warned when reading the rotated log directory back"
stop_server TERM || fail_with "$SERVER_ERR" "the restarted natterd exited $SERVER_RC on SIGTERM"

pass
