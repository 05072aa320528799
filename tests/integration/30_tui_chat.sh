#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 30_tui_chat.sh - two full-screen clients in tmux: messages, /me, UTF-8 widths, typing undisturbed, resize, nick change, completion, clean exit.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"

step "start natterd and two TUIs (TERM=screen and TERM=tmux-256color)"
start_server -s "$S"
tui_run alice TERM=screen -- -s "$S" -n alice
wait_screen alice 'connected to .* as alice in #lobby' || fail_screen alice "alice's TUI never connected"
tui_run bob TERM=tmux-256color -- -s "$S" -n bob
wait_screen alice '-!- bob joined #lobby' || fail_screen alice "alice did not see bob join"
wait_screen bob ' bob \| #lobby \| connected \| 2 users' || fail_screen bob "bob's status bar is not 'bob | #lobby | connected | 2 users'"

step "each sees the other's message"
type_line alice "hello from alice"
wait_screen bob '^\[[0-9]{2}:[0-9]{2}\] <alice> hello from alice$' || fail_screen bob "bob did not see alice's message"
type_line bob "hi alice, bob here"
wait_screen alice '<bob> hi alice, bob here$' || fail_screen alice "alice did not see bob's message"

step "/me"
type_line bob "/me waves"
wait_screen alice '^\[[0-9:]{5}\]  \* bob waves$' || fail_screen alice "alice did not see bob's action"

step "UTF-8: accents, CJK and emoji take their widths"
type_line alice "café 中文字 😀 end|"
type_line alice "cafe AAAAAA AA end|"
wait_screen bob '<alice> cafe AAAAAA AA end\|$' || fail_screen bob "bob did not see the ASCII ruler line"
wide=$(screen bob | grep -F 'café' | LC_ALL=C.UTF-8 wc -L)
narrow=$(screen bob | grep -F 'cafe AAAAAA' | LC_ALL=C.UTF-8 wc -L)
if [ -z "$wide" ] || [ "$wide" != "$narrow" ]; then
	fail_screen bob "the UTF-8 line is $wide columns wide, its ASCII twin $narrow"
fi
screen bob | grep -q 'café 中文字 😀 end|' || fail_screen bob "the UTF-8 line is not shown intact"

step "an incoming message does not disturb the line being typed"
type_text bob "draft text, not sent yet"
for i in 1 2 3; do
	type_line alice "interrupting $i"
done
wait_screen bob '<alice> interrupting 3$' || fail_screen bob "bob did not see alice's messages"
[ "$(input_line bob)" = "> draft text, not sent yet" ] ||
	fail_screen bob "bob's input line changed to '$(input_line bob)'"
keys bob Enter
wait_screen alice '<bob> draft text, not sent yet$' || fail_screen alice "bob's draft did not arrive whole"

step "a resize keeps the typed line; a tiny terminal gets a sentence"
type_text alice "resize survivor"
tm resize-window -t alice -x 50 -y 12
wait_screen alice '^ alice \| #lobby' || fail_screen alice "no status bar after the resize to 50x12"
[ "$(input_line alice)" = "> resize survivor" ] || fail_screen alice "the typed line became '$(input_line alice)' at 50x12"
tm resize-window -t alice -x 15 -y 4
wait_screen alice '^terminal too' || fail_screen alice "a 15x4 terminal does not say it is too small"
tm resize-window -t alice -x 100 -y 30
wait_screen_gone alice '^terminal too' || fail_screen alice "still 'too small' after growing back"
wait_screen alice '^> resize survivor$' || fail_screen alice "the typed line is gone after growing back"
[ "$(input_line alice)" = "> resize survivor" ] || fail_screen alice "the typed line became '$(input_line alice)' after growing back"
keys alice Enter
wait_screen bob '<alice> resize survivor$' || fail_screen bob "the line typed across resizes did not arrive"

step "nick change"
type_line bob "/nick robert"
wait_screen alice 'bob is now known as robert$' || fail_screen alice "alice did not see the rename"
wait_screen bob '^ robert \| #lobby' || fail_screen bob "bob's status bar does not show the new nick"

step "Tab completes a nick (with ': ' at the start of the line) and a command"
type_text alice "rob"
keys alice Tab
type_text alice "you are renamed"
keys alice Enter
wait_screen bob '<alice> robert: you are renamed$' || fail_screen bob "nick completion did not give 'robert: '"
type_text alice "/hel"
keys alice Tab
keys alice Enter
wait_screen alice '-!- /help +this list$' || fail_screen alice "/hel + Tab did not complete to /help"
wait_screen alice 'PageUp/PageDown' || fail_screen alice "/help does not list the scrolling keys"
wait_screen alice '-!- /reconnect ' || fail_screen alice "/help does not list the full screen's own commands"
screen alice | grep -Eq -- '-!- /(hand|kick) ' && fail_screen alice "/help offers classroom commands on a plain server"

step "an unknown command says so and suggests /help"
type_line alice "/frobnicate"
wait_screen alice 'unknown command /frobnicate; try /help' || fail_screen alice "no answer to an unknown command"

step "a mention of my nick is highlighted (bell on by default)"
type_line bob "alice: are you there?"
wait_screen alice '<robert> alice: are you there\?$' || fail_screen alice "alice did not see the mention"
# TERM=screen: yellow is SGR 33; ordinary message text has no colour of its own.
tm capture-pane -e -p -t alice | grep -aq $'\e\\[[0-9;]*33malice: are you there' ||
	fail_screen alice "the line mentioning alice is not highlighted"
tm capture-pane -e -p -t alice | grep -aq $'\e\\[[0-9;]*33mdraft text, not sent' &&
	fail_screen alice "an ordinary line is highlighted like a mention"

step "history: Up recalls the last line"
keys alice Up
[ "$(input_line alice)" = "> /frobnicate" ] || fail_screen alice "Up gave '$(input_line alice)', not the last line typed"
keys alice C-u

step "Alt-Enter and a bracketed multi-line paste each send one multi-line message"
type_text alice "first row"
keys alice M-Enter
type_text alice "second row"
keys alice Enter
wait_screen bob '<alice> first row$' || fail_screen bob "the Alt-Enter message did not arrive"
screen bob | grep -A1 '<alice> first row$' | grep -Eq '^ {16}second row$' ||
	fail_screen bob "the second row of the Alt-Enter message is not under the first, indented"
tm set-buffer -b twoline "pasted one
pasted two" || fail "tmux set-buffer failed"
tm paste-buffer -p -b twoline -t alice
wait_screen alice '^> pasted one.pasted two$' || fail_screen alice "the paste is not held in the input line"
keys alice Enter
wait_screen bob '<alice> pasted one$' || fail_screen bob "the pasted message did not arrive"
screen bob | grep -A1 '<alice> pasted one$' | grep -Eq '^ {16}pasted two$' ||
	fail_screen bob "the paste was not sent as one two-line message"

step "Ctrl-R searches the history"
keys alice C-r
type_text alice "hello fr"
wait_screen alice "reverse-i-search.*hello from alice" || fail_screen alice "Ctrl-R did not find an earlier line"
keys alice C-g

step "/quit and Ctrl-D exit cleanly and leave the terminal sane"
type_line alice "/quit see you"
wait_exit alice 10
rc=$?
[ "$rc" = 0 ] || fail "alice's natter exited $rc after /quit: $(cat "$T/alice.err")"
check_sane_tty alice
wait_screen bob 'alice left #lobby \(see you\)$' || fail_screen bob "bob did not see alice leave with her reason"
keys bob C-d
wait_exit bob 10
rc=$?
[ "$rc" = 0 ] || fail "bob's natter exited $rc after Ctrl-D: $(cat "$T/bob.err")"
check_sane_tty bob
grep -qx 'hello from alice' "$T/state.alice/natter/history" ||
	fail "alice's history file does not hold her lines"
pass
