#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 52_tui_rendering.sh - the full-screen pane: history marked and dated, day lines, long words and Japanese wrapped in place, mentions visible without colour.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
mkdir -p "$T/log" || fail "mkdir $T/log"
# A transcript from long ago: its line comes back as #lobby's history.
printf '1 2023-11-14T22:13:20.000Z <old> from the archive\n' >"$T/log/lobby.log"
start_server -s "$S" --log "$T/log"
start_client bot -s "$S" -n bot
wait_for "$T/bot.out" 'connected to .* as bot ' || fail_with "$T/bot.out" "bot never connected"

step "history is announced, dated and preceded by its day"
tui_run alice TZ=UTC NO_COLOR=1 -- -s "$S" -n alice
wait_screen alice 'connected to .* as alice' || fail_screen alice "alice's TUI never connected"
wait_screen alice '^-- history of #lobby --$' || fail_screen alice "no line says where #lobby's history starts"
wait_screen alice '^-- Tuesday 14 November 2023 --$' || fail_screen alice "no day line before the 2023 message"
wait_screen alice '^\[14 Nov 2023 22:13\] <old> from the archive$' || fail_screen alice "the old message does not show its date"
# The history line is drawn dim (SGR 2) and today's lines are not.
dim=$'\e\\[([0-9]*;)*2[;m]'
tm capture-pane -p -e -t alice | grep -a 'from the archive' | grep -Eq "$dim" ||
	fail_screen alice "the history line is not drawn dim"

step "a long word and Japanese text start on the line of their nick"
long=$(printf 'x%.0s' $(seq 1 150))
send bot "$long"
wait_screen alice '^\[[0-9]{2}:[0-9]{2}\] <bot> xxxxxxxxxx' || fail_screen alice "the long word left its first line empty"
today=$(TZ=UTC date '+%A %-d %B %Y')
wait_screen alice "^-- $today --\$" || fail_screen alice "no day line for today between the old message and a new one"
jp=$(printf '日本語の文章%.0s' $(seq 1 12))
send bot "$jp"
wait_screen alice '^\[[0-9]{2}:[0-9]{2}\] <bot> 日本語' || fail_screen alice "the Japanese text left its first line empty"
tm capture-pane -p -e -t alice | grep -a '<bot> 日本語' | grep -Eq "$dim" && fail_screen alice "a live line is drawn dim"

step "without colour a mention still marks the nick"
send bot "hello alice, look here"
wait_screen alice '<bot> hello alice, look here$' || fail_screen alice "the mention did not arrive"
line=$(tm capture-pane -p -e -t alice | grep -a 'hello alice, look here')
# Follow the SGR sequences up to the nick: reverse video (7) must be on there.
before=${line%%bot*} rev=0
while [[ $before == *$'\e['* ]]; do
	before=${before#*$'\e['}
	IFS=';' read -ra params <<<"${before%%m*}"
	[ ${#params[@]} = 0 ] && params=(0)
	for p in "${params[@]}"; do
		case $p in 0 | '' | 27) rev=0 ;; 7) rev=1 ;; esac
	done
done
[ "$rev" = 1 ] || fail "the mention's nick is not in reverse video without colour: $(printf '%q' "$line")"

screen alice >"$T/alice.screen.log"
type_line alice "/quit"
wait_exit alice 10 || fail "alice's natter exited $?"
close_client bot || fail_with "$T/bot.err" "bot exited $?"
pass
