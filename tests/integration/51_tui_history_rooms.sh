#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 51_tui_history_rooms.sh - history is deduplicated per room: /join shows a room's older lines, a resume after a lost server shows every room's news.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
mkdir -p "$T/log" || fail "mkdir $T/log"
start_server -s "$S" --log "$T/log"

step "a line in #dev, then a newer one in #lobby"
start_client dan -s "$S" -n dan
wait_for "$T/dan.out" 'connected to .* as dan ' || fail_with "$T/dan.out" "dan never connected"
send dan "/join #dev"
send dan "D-old"
wait_for "$T/dan.out" 'D-old$' || fail_with "$T/dan.out" "dan's #dev line did not come back"
start_client bot -s "$S" -n bot
wait_for "$T/bot.out" 'connected to .* as bot ' || fail_with "$T/bot.out" "bot never connected"
send bot "L-new"
wait_for "$T/bot.out" '<bot> L-new$' || fail_with "$T/bot.out" "bot's line did not come back"

step "a fresh full-screen client that joins #dev shows #dev's history"
tui_run ann -- -s "$S" -n ann
wait_screen ann '<bot> L-new$' || fail_screen ann "ann did not get #lobby's history"
type_line ann "/join #dev"
wait_screen ann 'now talking in #dev$' || fail_screen ann "ann is not in #dev"
wait_screen ann '<dan> D-old$' || fail_screen ann "#dev's history (older ids than #lobby's) is missing after /join"
screen ann >"$T/ann.join.screen.log"

step "the server dies; while it is away, news in both rooms"
pid=$(tm display-message -p -t ann '#{pane_pid}')
ann_pid=$(pgrep -P "$pid" -f 'natter --no-autostart' | head -n 1)
[ -n "$ann_pid" ] || fail "cannot find ann's natter"
kill -STOP "$ann_pid" || fail "cannot stop ann's natter"
close_client dan || fail_with "$T/dan.err" "dan exited $?"
close_client bot || fail_with "$T/bot.err" "bot exited $?"
# KILL, not TERM: no BYE, the connection simply drops, as when a machine reboots.
stop_server KILL
start_server -s "$S" --log "$T/log"
start_client bot2 -s "$S" -n bot2
wait_for "$T/bot2.out" 'connected to .* as bot2 ' || fail_with "$T/bot2.out" "bot2 never connected"
send bot2 "L1"
send bot2 "/join #dev"
send bot2 "D1"
send bot2 "/join #lobby"
send bot2 "L2"
wait_for "$T/bot2.out" '<bot2> L2$' || fail_with "$T/bot2.out" "bot2's last line did not come back"
kill -CONT "$ann_pid" || fail "cannot continue ann's natter"

step "ann reconnects and gets L1, D1 and L2"
wait_screen ann 'reconnected to' 20 || fail_screen ann "ann did not reconnect"
wait_screen ann 'L2$' || fail_screen ann "ann did not get L2 after reconnecting"
wait_screen ann 'L1$' || fail_screen ann "ann did not get L1 after reconnecting"
wait_screen ann 'D1$' || fail_screen ann "ann did not get #dev's D1 (an id below #lobby's L2) after reconnecting"
n=$(screen ann | grep -c 'D-old$')
[ "$n" = 1 ] || fail_screen ann "D-old is shown $n times after the resume (a replay was not deduplicated)"
screen ann >"$T/ann.resume.screen.log"

type_line ann "/quit"
wait_exit ann 10 || fail "ann's natter exited $?"
close_client bot2 || fail_with "$T/bot2.err" "bot2 exited $?"
pass
