#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 83_log_levels.sh - natterd --log-level (debug shows each connection, warning and -q hide info), timestamps, and journal-style lines when JOURNAL_STREAM names stderr.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} natterd\[[0-9]+\]: '

# one_client NAME: a headless client connects, says one line and leaves cleanly.
one_client() {
	start_client "$1" -s "$S" -n "$1"
	wait_for "$T/$1.out" "^$TS -!- connected to .* as $1 " || fail_with "$T/$1.out" "$1 did not connect"
	close_client "$1" || fail "$1 exited $? at end of input, want 0"
}

step "--log-level debug: a line for each connection accepted and closed, all stamped"
start_server -s "$S" --log-level debug
one_client dora
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
grep -Eq "${STAMP}debug: client [0-9]+: connected on $(re_escape "$S") \\(uid [0-9]+, pid [0-9]+\\)\$" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "--log-level debug did not log the connection with its uid and pid"
grep -Eq "${STAMP}debug: client [0-9]+: closed after [0-9]+ ms\$" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "--log-level debug did not log the connection closing"
grep -Ev "$STAMP" "$SERVER_ERR" | grep -q . &&
	fail_with "$SERVER_ERR" "a log line has no timestamp and natterd[pid] prefix"

step "the default (info) has no debug lines"
start_server -s "$S"
one_client ida
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
grep -q 'info: client [0-9]*: ida joined' "$SERVER_ERR" || fail_with "$SERVER_ERR" "no info line for ida joining"
grep -q 'debug:' "$SERVER_ERR" && fail_with "$SERVER_ERR" "debug lines logged at the default level"

step "--log-level warning and -q: no info lines"
for flag in "--log-level warning" "-q"; do
	# shellcheck disable=SC2086 # (the flag is one or two words on purpose)
	start_server -s "$S" $flag
	one_client wanda
	stop_server TERM || fail_with "$SERVER_ERR" "natterd $flag exited $SERVER_RC on SIGTERM, want 0"
	grep -Eq 'info:|debug:' "$SERVER_ERR" && fail_with "$SERVER_ERR" "natterd $flag still logged info or debug lines"
done

step "--log-level with an unknown level is a usage error (2)"
timeout 10 "$NATTERD" -s "$S" --log-level loud </dev/null >"$T/loud.out" 2>"$T/loud.err"
rc=$?
[ "$rc" = 2 ] || fail_with "$T/loud.err" "natterd --log-level loud exited $rc, want 2"
grep -q "error, warning, info or debug" "$T/loud.err" || fail_with "$T/loud.err" "natterd --log-level loud did not name the levels"

step "stderr is the journal (JOURNAL_STREAM is its device:inode): <N> priorities, no stamps"
next_err="$T/natterd.$((NT_SERVER_N + 1)).err"
: >"$next_err" # start_server's 2> truncates it but keeps the inode
JOURNAL_STREAM=$(stat -c '%d:%i' "$next_err") start_server -s "$S"
one_client jo
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
[ "$SERVER_ERR" = "$next_err" ] || fail "start_server wrote to $SERVER_ERR, not $next_err"
grep -Eq '^<6>info: listening on ' "$SERVER_ERR" || fail_with "$SERVER_ERR" "no '<6>info: listening on' line for the journal"
grep -Ev '^<[3467]>(error|warning|info|debug): ' "$SERVER_ERR" | grep -q . &&
	fail_with "$SERVER_ERR" "a line for the journal does not start with its <N> priority and level"

pass
