#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 39_tui_complete.sh - Tab cycles through candidates in place (Shift-Tab back) and never lists them in the conversation: nicks, #rooms (joined and from /rooms), commands; the classroom's only on a classroom server, the teachers' only to a teacher.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client bob -s "$S" -n bob
start_client bot -s "$S" -n bot
# Both in #lobby before alice comes, so her entry's listing names them (not a race).
for n in bob bot; do
	wait_for "$T/$n.out" "^$TS -!- connected to .* as $n " || fail_with "$T/$n.out" "$n did not connect"
done
tui_run alice -- -s "$S" -n alice
wait_screen alice 'users in #lobby: .*bot' || fail_screen alice "alice's TUI never saw bob and bot"

# expect_input NAME TEXT WHAT: the input line becomes "> TEXT" (trailing blanks aside: the
# pane does not keep them).
expect_input() {
	local want="> ${2%% }" i
	for ((i = 0; i < 200; i++)); do
		[ "$(input_line "$1")" = "$want" ] && return 0
		sleep 0.05
	done
	fail_screen "$1" "$3: the input line is '$(input_line "$1")', not '$want'"
}

step "Tab cycles through nicks in place; Shift-Tab goes back; no list in the conversation"
type_text alice "bo"
keys alice Tab
expect_input alice "bob: " "first Tab"
keys alice Tab
expect_input alice "bot: " "second Tab"
keys alice BTab
expect_input alice "bob: " "Shift-Tab"
type_text alice "hi"
keys alice Enter
wait_for "$T/bob.out" '<alice> bob: hi$' || fail_with "$T/bob.out" "the completed line did not arrive"
screen alice | grep -Eq -- '-!- +bob: +bot' && fail_screen alice "completion wrote the candidates into the conversation"

step "#rooms: those we are in, and those /rooms listed"
send bob "/join #dev"
send bot "/join #design"
type_line alice "/join #lab"
wait_screen alice 'alice joined #lab' || fail_screen alice "alice did not join #lab"
type_text alice "come to #l"
keys alice Tab
expect_input alice "come to #lab " "#l + Tab"
keys alice C-u
type_line alice "/rooms"
wait_screen alice '#design' || fail_screen alice "/rooms did not list #design"
type_text alice "/join #de"
keys alice Tab
expect_input alice "/join #design " "#de + Tab"
keys alice Tab
expect_input alice "/join #dev " "#de + Tab, Tab"
keys alice C-u
type_text alice "/part la"
keys alice Tab
expect_input alice "/part #lab " "/part la + Tab"
keys alice C-u

step "commands: the classroom's are not offered on an ordinary server"
type_text alice "/ha"
keys alice Tab
expect_input alice "/ha" "/ha + Tab on an ordinary server"
keys alice C-u
type_text alice "/cl"
keys alice Tab
expect_input alice "/clear " "/cl + Tab"
keys alice C-u
type_line alice "/quit"
wait_exit alice 10 || fail "natter exited $? after /quit: $(cat "$T/alice.err")"
close_client bob
close_client bot

step "on a classroom server: /hand is offered, the teachers' commands are not"
group=
for g in $(getent group | cut -d: -f1); do
	id -Gn | tr ' ' '\n' | grep -qx "$g" || { group=$g; break; }
done
[ -n "$group" ] || skip "no group that this user is not in, for natterd --teachers"
C="$T/c.sock"
start_server -s "$C" --teachers "$group"
tui_run stu -- -s "$C" -n stu
wait_screen stu 'stu joined #announcements' || fail_screen stu "stu was not put in #announcements"
type_text stu "/ha"
keys stu Tab
expect_input stu "/hand " "/ha + Tab on a classroom server"
keys stu C-u
type_text stu "/ann"
keys stu Tab
expect_input stu "/ann" "/ann + Tab (a teacher's command)"
keys stu C-u
type_line stu "/quit"
wait_exit stu 10 || fail "natter exited $? after /quit: $(cat "$T/stu.err")"
stop_server

step "a teacher (WELCOME's roles, protocol 3) is offered the teachers' commands"
start_server -s "$C" --teachers "$(id -gn)"
tui_run tea -- -s "$C" -n tea
wait_screen tea 'tea joined #announcements' || fail_screen tea "tea was not put in #announcements"
type_text tea "/ann"
keys tea Tab
expect_input tea "/announce " "/ann + Tab for a teacher"
keys tea C-u
type_line tea "/quit"
wait_exit tea 10 || fail "natter exited $? after /quit: $(cat "$T/tea.err")"
pass
