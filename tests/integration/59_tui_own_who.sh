#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 59_tui_own_who.sh - the full-screen client tells its own nick-list WHO from the user's by the request's tag: a /who answered before the client's own WHO is shown, never swallowed (issue 12 item 5).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client bob -s "$S" -n bob

step "dave connects, then natterd stops"
tui_run dave -- -s "$S" -n dave
wait_screen dave '^ dave \| #lobby \| connected \|' || fail_screen dave "dave's TUI never connected"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM"
close_client bob
wait_screen dave '\| DISCONNECTED, retry in [0-9]+ s' || fail_screen dave "the status bar does not say DISCONNECTED"

step "typed while disconnected: /join #x, then /who #lobby (sent together on reconnect)"
type_line dave "/join #x"
type_line dave "/who #lobby"
wait_screen dave 'will send when the server is back: /who #lobby' || fail_screen dave "the lines were not kept"

step "natterd is back: the #lobby listing dave asked for is shown in full, the client's own is not"
start_server -s "$S"
wait_screen dave 'back: reconnected to .* as dave' 15 || fail_screen dave "dave did not reconnect"
# The server answers /who #lobby before the WHO of #x that dave's client sends
# when its JOIN arrives; a counter of "our own WHOs" hid the user's listing
# and showed the client's own instead.
wait_screen dave '^ dave \| #x \| connected \|' || fail_screen dave "dave is not talking in #x"
wait_screen dave '-!- dave \(login [^,]*, idle [^,]*, in #lobby #x\)$' ||
	fail_screen dave "no listing with dave's details"
screen dave | grep -A1 -- '-!- users in #lobby: dave$' | grep -q -- '-!- dave (login' ||
	fail_screen dave "the /who #lobby listing dave asked for is not shown"
# Only the listing that comes with entering #x, never the client's own WHO.
n=$(screen dave | grep -c -- '-!- users in #x: ')
[ "$n" = 1 ] || fail_screen dave "#x is listed $n times, want once (entering it)"
keys dave C-d
wait_exit dave 10 || fail "dave's natter exited $?: $(cat "$T/dave.err")"
pass
