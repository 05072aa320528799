#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 35_tui_rooms.sh - rooms in the TUI: /join switches the status bar, lines from other rooms and private messages say where they belong.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
tui_run alice -- -s "$S" -n alice
wait_screen alice 'connected to .* as alice' || fail_screen alice "alice's TUI never connected"
start_client bob -s "$S" -n bob
wait_screen alice 'bob joined #lobby' || fail_screen alice "alice did not see bob join"

step "/join makes the new room current, in the status bar too"
type_line alice "/join #dev"
wait_screen alice 'now talking in #dev$' || fail_screen alice "no 'now talking in #dev'"
wait_screen alice '^ alice \| #dev \| connected \| 1 user' || fail_screen alice "the status bar does not show #dev with 1 user"
n=$(screen alice | grep -c 'users in #dev')
[ "$n" = 1 ] || fail_screen alice "the #dev member list is shown $n times"

step "a line in another room is tagged with it; a private message is marked"
send bob "lobby talk"
wait_screen alice '<bob> \[#lobby\] lobby talk$' || fail_screen alice "the #lobby line is not tagged [#lobby]"
send bob "/msg alice psst"
wait_screen alice '<bob> \(private\) psst$' || fail_screen alice "the private message is not marked"
type_line alice "in dev"
wait_screen alice '<alice> in dev$' || fail_screen alice "alice's line in #dev did not come back"
said "$T/bob.out" alice | grep -qx 'in dev' && fail_with "$T/bob.out" "bob, who is not in #dev, got alice's #dev line"

step "/topic and /rooms answer in the window"
type_line alice "/topic all about dev"
wait_screen alice '#dev topic: all about dev \(set by alice\)$' || fail_screen alice "the topic is not shown"
type_line alice "/rooms"
wait_screen alice '#dev \(1\) all about dev$' || fail_screen alice "/rooms does not list #dev with its topic"

step "messages in the other room are counted in the status bar; Alt-Left/Alt-Right switch rooms"
send bob "one"
send bob "two"
wait_screen alice '^ alice \| #dev \| #lobby 3 \| connected' || fail_screen alice "the status bar does not count 3 new #lobby messages"

step "a mention in the other room and a private message are counted apart"
send bob "alice: are you there?"
wait_screen alice '^ alice \| #dev \| #lobby 4! \| connected' || fail_screen alice "the status bar does not mark #lobby's mention ('#lobby 4!')"
send bob "/msg alice psst again"
wait_screen alice '^ alice \| #dev \| private 1, #lobby 4! \| connected' || fail_screen alice "the status bar does not count the private message"
keys alice M-Left
wait_screen alice 'now talking in #lobby$' || fail_screen alice "Alt-Left did not switch to #lobby"
wait_screen alice '^ alice \| #lobby \| private 1 \| connected' || fail_screen alice "the status bar does not show #lobby after switching (or still counts it)"
type_line alice "back in the lobby"
wait_for "$T/bob.out" "^$TS <alice> back in the lobby\$" || fail_with "$T/bob.out" "after Alt-Left alice's line did not go to #lobby"
wait_screen alice '^ alice \| #lobby \| connected' || fail_screen alice "saying something did not clear the private count"
screen alice >"$T/alice.screen.log"
keys alice M-Right
wait_screen alice '^ alice \| #dev \| connected' || fail_screen alice "Alt-Right did not switch back to #dev"

type_line alice "/quit"
wait_exit alice 10 || fail "alice's natter exited $?"
check_sane_tty alice
close_client bob || fail_with "$T/bob.err" "bob exited $?"
pass
