#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 32_tui_reconnect.sh - the TUI when the server goes away: the status bar says so, typed text is kept and sent after the automatic reconnect.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"

step "start natterd (keeping history across restarts) and a TUI"
mkdir -p "$T/logdir"
start_server -s "$S" --log "$T/logdir"
tui_run alice -- -s "$S" -n alice
wait_screen alice 'connected to .* as alice' || fail_screen alice "alice's TUI never connected"
type_line alice "said before the restart"
wait_screen alice '<alice> said before the restart$' || fail_screen alice "alice's first line did not come back"

step "the server stops: the status bar and the pane say so"
type_text alice "half a thought"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM"
wait_screen alice '\| DISCONNECTED, retry in [0-9]+ s' || fail_screen alice "the status bar does not say DISCONNECTED"
wait_screen alice '-!- disconnected: disconnected by the server' || fail_screen alice "the pane does not say it will reconnect"
[ "$(input_line alice)" = "> half a thought" ] || fail_screen alice "the typed line became '$(input_line alice)'"

step "a line sent while disconnected is kept, visibly"
type_text alice ", finished while the server was away"
keys alice Enter
wait_screen alice 'not connected: will send when the server is back: half a thought, finished' ||
	fail_screen alice "the line typed while disconnected was not kept visibly"

step "the server comes back: the TUI reconnects by itself and sends the kept line"
start_server -s "$S" --log "$T/logdir"
wait_screen alice 'back: reconnected to .* as alice' 15 || fail_screen alice "the TUI did not say it is back"
wait_screen alice 'sent 1 line typed while disconnected' || fail_screen alice "the TUI did not say it sent the kept line"
# The server's echo is its confirmation that it accepted the line.
wait_screen alice '<alice> half a thought, finished while the server was away$' ||
	fail_screen alice "the server never echoed the line typed while disconnected"
# The room's history is replayed on entry; lines already shown are not shown twice.
n=$(screen alice | grep -c '<alice> said before the restart$')
[ "$n" = 1 ] || fail_screen alice "the line from before the restart is shown $n times"
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" '<alice> said before the restart' || fail_with "$T/bob.out" "the server kept no history (is --log working?)"
wait_screen alice '^ alice \| #lobby \| connected \| 2 users' || fail_screen alice "the status bar is not back to connected with 2 users"

step "after the reconnect, chat works both ways"
send bob "welcome back"
wait_screen alice '<bob> welcome back$' || fail_screen alice "alice did not see bob after the reconnect"
keys alice C-d
wait_exit alice 10
rc=$?
[ "$rc" = 0 ] || fail "alice's natter exited $rc: $(cat "$T/alice.err")"
check_sane_tty alice
close_client bob || fail_with "$T/bob.err" "bob exited $?"
pass
