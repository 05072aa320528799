#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 55_tui_kick.sh - a kick means a kick: the full-screen client says why, does not come back by itself, and /reconnect brings it back; the headless client exits 6.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

NATTERCTL=$(nt_bin "${NATTERCTL:-$(dirname "$NATTERD")/natterctl}")
S="$T/s.sock"

# ctl NAME ARGS...: natterctl (bounded); output in $T/ctl.NAME.out.
ctl() {
	local name=$1
	shift
	timeout 20 "$NATTERCTL" -c "$S.ctl" "$@" >"$T/ctl.$name.out" 2>"$T/ctl.$name.err"
}

start_server -s "$S"
tui_run bob -- -s "$S" -n bob
wait_screen bob 'connected to .* as bob' || fail_screen bob "bob's TUI never connected"

step "natterctl kick bob: the pane says why and how to come back; the status bar waits"
ctl kick kick bob "enough for today" || fail_with "$T/ctl.kick.err" "natterctl kick failed"
wait_screen bob 'disconnected: you were kicked by [a-z]+: enough for today' ||
	fail_screen bob "the pane does not say bob was kicked and how to come back"
wait_screen bob 'DISCONNECTED, /reconnect to return' || fail_screen bob "the status bar does not say /reconnect"

step "it stays away: three seconds on, natterd still has no bob (the first retry of a lost connection comes after 0.5 s)"
for ((i = 0; i < 30; i++)); do
	ctl who who || fail_with "$T/ctl.who.err" "natterctl who failed"
	grep -q '^bob ' "$T/ctl.who.out" && fail_with "$T/ctl.who.out" "bob came back by himself after a kick"
	sleep 0.1
done

step "/reconnect brings bob back"
type_line bob "/reconnect"
wait_screen bob 'back: reconnected to .* as bob' 15 || fail_screen bob "/reconnect did not bring bob back"

step "a kicked headless client exits 6, with the reason on stderr"
start_client carol -s "$S" -n carol
wait_for "$T/carol.out" "^$TS -!- connected to .* as carol " || fail_with "$T/carol.out" "carol did not connect"
ctl kick2 kick carol "bye" || fail_with "$T/ctl.kick2.err" "natterctl kick failed"
wait_client carol 10
rc=$?
[ "$rc" = 6 ] || fail_with "$T/carol.err" "the kicked headless client exited $rc, want 6"
grep -q 'you were kicked by .*not reconnecting after a kick' "$T/carol.err" || fail_with "$T/carol.err" "the headless client does not say it was kicked"
keys bob C-d
wait_exit bob 10 || fail "bob's natter did not exit"
pass
