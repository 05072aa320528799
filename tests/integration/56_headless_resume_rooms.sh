#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 56_headless_resume_rooms.sh - headless --resume ID resumes every room the script joins, not only #lobby: exactly the missed messages, no duplicates.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

# msgs FILE: "room text history" for each msg event of a --json client, in order.
msgs() {
	grep -E '"type": *"msg"' "$1" |
		sed -E 's/.*"room":"([^"]*)",.*"text":"([^"]*)",.*"history":(true|false).*/\1 \2 \3/'
}

step "bot is in #lobby and #dev and sees l1, d1"
start_server -s "$S"
start_client p -s "$S" -n poster
send p "/join #dev"
wait_for "$T/p.out" 'now talking in #dev|current' || true
start_client bot -s "$S" -n bot --json
send bot "/join #dev"
wait_for "$T/bot.out" '"type":"current","room":"#dev"' || fail_with "$T/bot.out" "bot never got into #dev"
send p "/join #lobby"
send p "l1"
send p "/join #dev"
send p "d1"
wait_for "$T/bot.out" '"text":"d1"' || fail_with "$T/bot.out" "bot never saw d1"
wait_for "$T/bot.out" '"text":"l1"' || fail_with "$T/bot.out" "bot never saw l1"
last=$(grep -E '"type": *"msg"' "$T/bot.out" | sed -E 's/.*"id":([0-9]+),.*/\1/' | sort -n | tail -n 1)
[ -n "$last" ] || fail "no message id in bot's output"
close_client bot || fail "bot exited $?, want 0"

step "while bot is away: l2 in #lobby, d2 and d3 in #dev"
send p "/join #lobby"
send p "l2"
send p "/join #dev"
send p "d2"
send p "d3"
wait_for "$T/p.out" '<poster> d3' || fail_with "$T/p.out" "poster never saw d3"

step "bot comes back with --resume $last and joins #dev: exactly l2, d2, d3"
start_client bot2 -s "$S" -n bot --json --resume "$last"
send bot2 "/join #dev"
send bot2 "/join #ops"
wait_for "$T/bot2.out" '"type":"current","room":"#ops"' || fail_with "$T/bot2.out" "bot2 never got into #ops"
close_client bot2 || fail "bot2 exited $?, want 0"
printf '%s\n' "#lobby l2 true" "#dev d2 true" "#dev d3 true" >"$T/want"
msgs "$T/bot2.out" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "bot2 got [$(tr '\n' ',' <"$T/got")], want exactly [$(tr '\n' ',' <"$T/want")]"
close_client p || fail "poster exited $?, want 0"
pass
