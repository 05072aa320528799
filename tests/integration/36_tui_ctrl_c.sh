#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 36_tui_ctrl_c.sh - Ctrl-C never quits and never loses typed text: the line goes into the history (Up brings it back) and the input is cleared; on an empty line it says how to leave; it also leaves a history search.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client watch -s "$S" -n watch
tui_run alice -- -s "$S" -n alice
wait_screen alice 'connected to .* as alice' || fail_screen alice "alice's TUI never connected"

step "Ctrl-C on a half-typed line clears the input, sends nothing and does not quit"
type_text alice "half typed words"
wait_screen alice '^> half typed words$' || fail_screen alice "the typed text is not in the input line"
keys alice C-c
wait_screen alice '^>$' || fail_screen alice "Ctrl-C did not clear the input line"
[ -e "$T/alice.rc" ] && fail "natter exited ($(cat "$T/alice.rc")) on Ctrl-C"

step "Up brings the line back"
keys alice Up
wait_screen alice '^> half typed words$' || fail_screen alice "Up did not bring back the line cleared by Ctrl-C"
keys alice C-u

step "Ctrl-C on an empty line says how to leave"
wait_screen alice '^>$' || fail_screen alice "C-u did not empty the line"
keys alice C-c
wait_screen alice 'Ctrl-C does not quit: type /quit, or press Ctrl-D on an empty line, to leave$' ||
	fail_screen alice "no hint after Ctrl-C on an empty line"
[ -e "$T/alice.rc" ] && fail "natter exited ($(cat "$T/alice.rc")) on Ctrl-C on an empty line"

step "Ctrl-C leaves a history search, with the prompt back"
keys alice C-r
type_text alice "half"
wait_screen alice "reverse-i-search.*half typed words" || fail_screen alice "Ctrl-R did not find the line"
keys alice C-c
wait_screen alice '^>$' || fail_screen alice "Ctrl-C did not leave the history search"

step "typing goes on as usual; only what was sent reaches the others"
type_line alice "still here"
wait_for "$T/watch.out" '<alice> still here$' || fail_with "$T/watch.out" "the line after Ctrl-C did not arrive"
grep -q 'half typed' "$T/watch.out" && fail_with "$T/watch.out" "the line cleared by Ctrl-C was sent"
grep -q 'alice left' "$T/watch.out" && fail_with "$T/watch.out" "alice left on Ctrl-C"

step "/quit still quits, with status 0 and a sane terminal"
type_line alice "/quit"
wait_exit alice 10
rc=$?
[ "$rc" = 0 ] || fail "natter exited $rc after /quit: $(cat "$T/alice.err")"
check_sane_tty alice
close_client watch || fail_with "$T/watch.err" "watch exited $?"
pass
