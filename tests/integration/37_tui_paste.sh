#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 37_tui_paste.sh - pasted text: a paste ending in a newline sends no empty last line and an empty line sends nothing; a line holding a control character is kept in the input with where the character is, and Alt-s strips it.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client watch -s "$S" -n watch
tui_run alice -- -s "$S" -n alice
wait_screen alice 'connected to .* as alice' || fail_screen alice "alice's TUI never connected"

# paste NAME TEXT: a bracketed paste of TEXT into NAME's pane (tmux turns LF into CR).
paste() {
	tm set-buffer -b p37 "$2" || fail "tmux set-buffer failed"
	tm paste-buffer -p -b p37 -t "$1"
}

step "a paste ending in a newline: held without the newline, sent as one line"
paste alice $'pasted with newline\n'
wait_screen alice '^> pasted with newline$' || fail_screen alice "the paste is not held as one line without its newline"
keys alice Enter
wait_for "$T/watch.out" '<alice> pasted with' || fail_with "$T/watch.out" "the pasted line did not arrive"
grep -q '<alice> pasted with newline$' "$T/watch.out" ||
	fail_with "$T/watch.out" "the pasted line arrived with an empty last line"

step "two lines and a trailing newline: one two-line message, no third empty line"
paste alice $'row one\nrow two\n\n'
wait_screen alice '^> row one.row two$' || fail_screen alice "the two-line paste is not held as it was pasted"
keys alice Enter
wait_for "$T/watch.out" '<alice> row one' || fail_with "$T/watch.out" "the two-line paste did not arrive"
grep -q '<alice> row one^Jrow two$' "$T/watch.out" ||
	fail_with "$T/watch.out" "the two-line paste did not arrive as exactly two lines"

step "a paste of newlines only, then Enter, sends nothing"
paste alice $'\n\n'
keys alice Enter
type_line alice "marker after empty"
wait_for "$T/watch.out" '<alice> marker after empty$' || fail_with "$T/watch.out" "the marker did not arrive"
[ "$(grep -c '<alice>' "$T/watch.out")" = 3 ] || fail_with "$T/watch.out" "an empty paste sent something"

step "Alt-Enter at the end of a line, or alone, adds no empty line"
type_text alice "trailing alt enter"
keys alice M-Enter
keys alice Enter
keys alice M-Enter
keys alice Enter
type_line alice "marker two"
wait_for "$T/watch.out" '<alice> marker two$' || fail_with "$T/watch.out" "the second marker did not arrive"
grep -q '<alice> trailing alt enter$' "$T/watch.out" ||
	fail_with "$T/watch.out" "a line ending in Alt-Enter arrived with an empty last line"
[ "$(grep -c '<alice>' "$T/watch.out")" = 5 ] || fail_with "$T/watch.out" "a line of Alt-Enter alone sent something"

step "a paste holding ESC is kept in the input, with which character and where"
paste alice $'colour \e[31mred\e[0m text'
keys alice Enter
wait_screen alice 'ESC \(\^\[\) at column 8: not sent; press Alt-s to remove the control characters' ||
	fail_screen alice "no sentence naming the ESC and its column"
wait_screen alice '^> colour .*red.* text$' || fail_screen alice "the refused line is not back in the input"
screen alice | grep -q 'control character; it was not sent' && fail_screen alice "the line went to the server"

step "Alt-s strips the control characters and the escape sequences they start"
keys alice M-s
wait_screen alice '^> colour red text$' || fail_screen alice "Alt-s did not strip the escape sequences"
keys alice Enter
wait_for "$T/watch.out" '<alice> colour red text$' || fail_with "$T/watch.out" "the stripped line did not arrive"

step "/me with a control character typed (Ctrl-V Ctrl-A) is refused too"
type_text alice "/me waves"
keys alice C-v C-a
keys alice Enter
wait_screen alice 'SOH \(\^A\) at column 10: not sent' || fail_screen alice "no sentence naming the SOH typed in /me"
keys alice M-s Enter
wait_for "$T/watch.out" '\* alice waves$' || fail_with "$T/watch.out" "the stripped /me did not arrive"
grep -q 'colour.*\^\[' "$T/watch.out" && fail_with "$T/watch.out" "a line with ESC reached the others"

type_line alice "/quit"
wait_exit alice 10 || fail "natter exited $? after /quit: $(cat "$T/alice.err")"
close_client watch || fail_with "$T/watch.err" "watch exited $?"
pass
