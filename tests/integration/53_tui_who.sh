#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 53_tui_who.sh - /who in the full-screen client: one line per user with login, idle time, rooms and away message, in the headless client's words; /who * names the server.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" 'connected to .* as bob ' || fail_with "$T/bob.out" "bob never connected"
send bob "/join #dev"
send bob "/away lunch"
send bob "/who"
wait_for "$T/bob.out" '^.{10} -!- bob \(.*away: lunch\)$' || fail_with "$T/bob.out" "bob's own /who does not show his away message"

tui_run ann -- -s "$S" -n ann
wait_screen ann 'connected to .* as ann' || fail_screen ann "ann's TUI never connected"
type_line ann "/join #dev"
wait_screen ann 'now talking in #dev$' || fail_screen ann "ann is not in #dev"

step "/who: a line per user, the same words as the headless client"
type_line ann "/who"
wait_screen ann '-!- users in #dev: ' || fail_screen ann "no /who header"
wait_screen ann '-!- bob \(login [^,]+, idle [0-9]+[smhd], in [^,]*#dev[^,]*, away: lunch\)$' ||
	fail_screen ann "/who does not show bob's login, idle time, rooms and away message"
# The headless line, idle time aside, is the very line on the screen.
want=$(sed -n -E 's/^.{10} -!- (bob \(.*away: lunch\))$/\1/p' "$T/bob.out" | tail -n 1 | sed -E 's/idle [0-9]+[smhd]/idle N/')
got=$(screen ann | sed -n -E 's/^\[[0-9:]{5}\] -!- (bob \(.*\))$/\1/p' | tail -n 1 | sed -E 's/idle [0-9]+[smhd]/idle N/')
[ -n "$want" ] && [ "$want" = "$got" ] || fail_screen ann "/who words differ: headless '$want', full screen '$got'"

step "/who * lists the server, not a room with no name"
type_line ann "/who *"
wait_screen ann '-!- users on the server: ' || fail_screen ann "/who * does not say it lists the server"
screen ann | grep -q 'users in :' && fail_screen ann "/who * shows 'users in :'"
screen ann >"$T/ann.screen.log"

type_line ann "/quit"
wait_exit ann 10 || fail "ann's natter exited $?"
close_client bob || fail_with "$T/bob.err" "bob exited $?"
pass
