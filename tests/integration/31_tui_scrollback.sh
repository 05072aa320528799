#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 31_tui_scrollback.sh - the TUI's scrollback: PageUp/PageDown, the "N new" marker, top/bottom keys, /search, mentions, a flood while typing.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"

step "start natterd, a monochrome TUI (NO_COLOR, TERM=xterm-256color) and a headless feeder"
# 200 messages at once: the rate limit is not what this test is about.
start_server -s "$S" --rate 0
tui_run alice TERM=xterm-256color NO_COLOR=1 -- -s "$S" -n alice --no-bell
wait_screen alice 'connected to .* as alice' || fail_screen alice "alice's TUI never connected"
start_client feed -s "$S" -n feed
wait_screen alice 'feed joined' || fail_screen alice "alice did not see the feeder join"

step "NO_COLOR: no colour at all, the status bar in reverse video"
tm capture-pane -e -p -t alice | LC_ALL=C grep -aqP '\e\[[0-9;]*(3[0-7]|9[0-7]|4[0-7])m' &&
	fail_screen alice "colours are used although NO_COLOR is set"
tm capture-pane -e -p -t alice | LC_ALL=C grep -aqP '\e\[[0-9;]*7m(\e\[[0-9;]*m)* alice \| #lobby' ||
	fail_screen alice "the status bar is not in reverse video without colours"

step "200 messages arrive"
for ((i = 1; i <= 200; i++)); do
	printf 'message %03d\n' "$i"
done >"$T/200.txt"
send_file feed "$T/200.txt"
wait_screen alice '<feed> message 200$' 15 || fail_screen alice "message 200 never showed"

step "PageUp shows older lines and says there is more below"
keys alice PageUp
wait_screen alice '<feed> message 17[0-9]$' || fail_screen alice "PageUp did not show messages 170-179"
wait_screen_gone alice '<feed> message 200$' || fail_screen alice "message 200 is still shown after PageUp"
wait_screen alice '-- more below --' || fail_screen alice "no 'more below' marker while scrolled up"
keys alice PageUp
wait_screen alice '<feed> message 14[0-9]$' || fail_screen alice "a second PageUp did not go further back"

step "new messages while scrolled up do not move the view and are counted"
before=$(screen alice | head -n 27)
for i in 1 2 3 4 5; do
	send feed "late $i"
done
wait_screen alice '-- 5 new --' || fail_screen alice "the status bar does not say '5 new'"
[ "$(screen alice | head -n 27)" = "$before" ] || fail_screen alice "the pane moved when new lines came in"
# A join is not a message: only messages are counted.
start_client carol -s "$S" -n carol
wait_for "$T/carol.out" 'connected to .* as carol ' || fail_with "$T/carol.out" "carol never connected"
send feed "late 6"
wait_screen alice '-- 6 new --' || fail_screen alice "the status bar does not say '6 new' (5 + 1 message, carol's join aside)"
close_client carol || fail_with "$T/carol.err" "carol exited $?"

step "PageDown back to the bottom follows again"
keys alice PageDown PageDown PageDown
wait_screen alice '<feed> late 6$' || fail_screen alice "PageDown did not come back to the newest line"
wait_screen_gone alice '-- (more below|[0-9]+ new) --' || fail_screen alice "the marker stayed at the bottom"

step "Alt-Home goes to the top, Alt-End to the bottom"
keys alice M-Home
wait_screen alice '<feed> message 001$' || fail_screen alice "Alt-Home did not show the first message"
keys alice M-End
wait_screen alice '(<feed> late 6|carol left #lobby.*)$' || fail_screen alice "Alt-End did not show the newest line"

step "/search jumps to a match, Alt-p to older ones, Alt-n back"
type_line alice "/search message 04"
wait_screen alice '<feed> message 049$' || fail_screen alice "/search did not show message 049"
keys alice M-p M-p M-p
wait_screen alice '<feed> message 046$' || fail_screen alice "Alt-p did not go to older matches"
keys alice M-n
keys alice M-End

step "/search never finds its own feedback, and says when it wraps around"
type_line alice "/search nowhere 25"
wait_screen alice 'line contains "nowhere 25"' || fail_screen alice "no feedback for a search that finds nothing"
keys alice M-p
for ((i = 0; i < 200; i++)); do
	[ "$(screen alice | grep -c 'line contains "nowhere 25"')" -ge 2 ] && break
	sleep 0.05
done
[ "$(screen alice | grep -c 'line contains "nowhere 25"')" = 2 ] ||
	fail_screen alice "Alt-p did not say again that nothing matches (it found the feedback line?)"
type_line alice "/search message 00"
wait_screen alice '<feed> message 009$' || fail_screen alice "/search did not show message 009"
keys alice M-p M-p M-p M-p M-p M-p M-p M-p
wait_screen alice '<feed> message 001$' || fail_screen alice "Alt-p did not reach message 001"
keys alice M-p
keys alice M-End
wait_screen alice 'search wrapped to the newest line$' || fail_screen alice "the search did not wrap around to the newest match, or did not say so"

step "Alt-m jumps to the last line that mentions me"
send feed "hey alice, look at this"
for ((i = 1; i <= 40; i++)); do
	send feed "filler $i"
done
wait_screen alice '<feed> filler 40$' || fail_screen alice "the filler lines did not arrive"
keys alice M-m
wait_screen alice '<feed> hey alice, look at this$' || fail_screen alice "Alt-m did not jump to the mention"
keys alice M-End

step "a flood of messages keeps the typed line and the screen live"
for ((i = 1; i <= 3000; i++)); do
	printf 'flood %04d padding padding padding padding\n' "$i"
done >"$T/flood.txt"
type_text alice "typing during the flood"
send_file feed "$T/flood.txt"
type_text alice " and after"
wait_screen alice '<feed> flood 3000 padding' 30 || fail_screen alice "the flood's last line did not show"
[ "$(input_line alice)" = "> typing during the flood and after" ] ||
	fail_screen alice "the typed line became '$(input_line alice)' during the flood"

step "the scrollback is bounded (--scrollback 50): Alt-Home reaches only the last 50 lines"
keys alice C-u
type_line alice "/quit"
wait_exit alice 10 || fail "alice's natter exited $? after /quit: $(cat "$T/alice.err")"
check_sane_tty alice
tm kill-session -t alice
tui_run alice2 TERM=xterm-256color -- -s "$S" -n alice2 --scrollback 50
# The room's history fills the pane at once, so the status bar tells that alice2 is in.
wait_screen alice2 '^ alice2 \| #lobby \| connected' || fail_screen alice2 "alice2 never connected"
for ((i = 1; i <= 120; i++)); do
	printf 'bounded %03d\n' "$i"
done >"$T/120.txt"
send_file feed "$T/120.txt"
wait_screen alice2 '<feed> bounded 120$' || fail_screen alice2 "bounded 120 never showed"
keys alice2 M-Home
wait_screen alice2 '<feed> bounded 071$' || fail_screen alice2 "the top is not line 71 of 120 with 50 kept"
screen alice2 | grep -q 'bounded 070$' && fail_screen alice2 "line 70 is still kept with --scrollback 50"
keys alice2 C-d
wait_exit alice2 10 || fail "alice2's natter exited $? after Ctrl-D"
close_client feed; rc=$?
[ "$rc" = 0 ] || fail_with "$T/feed.err" "the feeder exited $rc"
pass
