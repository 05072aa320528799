#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 57_tui_frozen_server.sh - natterd frozen (kill -STOP): a line typed shows as sending until the echo confirms it, the status bar shows the lag, and past the PING timeout the TUI gives the connection up and reconnects.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

# Never leave natterd stopped, whatever happens (then tui_lib's and lib.sh's cleanup).
# shellcheck disable=SC2154 # nt_tui_rc is set inside the trap itself
trap 'nt_tui_rc=$?; [ -n "${SERVER_PID:-}" ] && kill -CONT "$SERVER_PID" 2>/dev/null; tm kill-server >/dev/null 2>&1; nt_cleanup $nt_tui_rc' EXIT

S="$T/s.sock"
start_server -s "$S"
start_client bob -s "$S" -n bob

step "alice (default keepalive) talks; natterd is frozen"
tui_run alice -- -s "$S" -n alice
wait_screen alice '^ alice \| #lobby \| connected \|' || fail_screen alice "alice's TUI never connected"
type_line alice "before the freeze"
wait_screen alice '<alice> before the freeze$' || fail_screen alice "alice's first line did not come back"
kill -STOP "$SERVER_PID" || fail "cannot stop natterd"

step "a line typed now is shown at once, marked as sending"
type_line alice "are you there?"
wait_screen alice '<alice> are you there\? \(sending\.\.\.\)$' || fail_screen alice "the line typed to a frozen server is not shown as sending"

step "the status bar shows the lag instead of 'connected'"
wait_screen alice '^ alice \| #lobby \| lag [0-9]+s \|' || fail_screen alice "the status bar shows no lag with natterd frozen"

step "natterd resumes: the echo confirms the line, the lag is gone"
kill -CONT "$SERVER_PID"
wait_screen alice '<alice> are you there\?$' || fail_screen alice "the line was not confirmed by its echo"
wait_screen_gone alice 'sending\.\.\.' || fail_screen alice "a line is still marked as sending"
wait_screen alice '^ alice \| #lobby \| connected \|' || fail_screen alice "the status bar did not come back to connected"
wait_for "$T/bob.out" '<alice> are you there\?$' || fail_with "$T/bob.out" "bob never got alice's line"
n=$(screen alice | grep -c 'are you there')
[ "$n" = 1 ] || fail_screen alice "the confirmed line is shown $n times"

step "carol (NATTER_PING_MS=1500): natterd frozen past her PING timeout"
tui_run carol NATTER_PING_MS=1500 -- -s "$S" -n carol
wait_screen carol '^ carol \| #lobby \| connected \|' || fail_screen carol "carol's TUI never connected"
kill -STOP "$SERVER_PID" || fail "cannot stop natterd"
type_line carol "lost in the freeze"
wait_screen carol '<carol> lost in the freeze \(sending\.\.\.\)$' || fail_screen carol "carol's line is not shown as sending"
wait_screen carol 'disconnected: the server at .* has not answered a PING for' 20 ||
	fail_screen carol "carol's TUI did not give the connection up"
wait_screen carol '<carol> lost in the freeze \(not confirmed: the connection was lost\)$' ||
	fail_screen carol "the unconfirmed line does not say so"

step "natterd resumes: carol reconnects by itself"
kill -CONT "$SERVER_PID"
wait_screen carol 'back: reconnected to .* as carol' 20 || fail_screen carol "carol did not reconnect"
wait_screen carol '^ carol[0-9]* \| #lobby \| connected \|' || fail_screen carol "carol's status bar is not back to connected"

keys alice C-d
keys carol C-d
wait_exit alice 10 || fail "alice's natter exited $?: $(cat "$T/alice.err")"
wait_exit carol 10 || fail "carol's natter exited $?: $(cat "$T/carol.err")"
close_client bob || fail_with "$T/bob.err" "bob exited $?"
pass
