#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 50_bench_smoke.sh - natter-bench against a real natterd and against its relay, with native and line-mode receivers, several senders and rooms: nothing lost, nothing duplicated, exit 0 (no timing asserted).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

BENCH="$(dirname "$NATTERD")/natter-bench"
[ -x "$BENCH" ] || BENCH="$NT_ROOT/bin/natter-bench"
[ -x "$BENCH" ] || skip "$BENCH is not built (run make)"

S="$T/s.sock"
RECEIVERS=5
MESSAGES=300

# check_run NAME: the run's JSON (in $T/NAME.json) reports success and zero loss/duplicates.
check_run() {
	local out="$T/$1.json"
	grep -q '"ok":true' "$out" || fail_with "$out" "$1: natter-bench did not report ok"
	grep -q '"lost":[1-9]' "$out" && fail_with "$out" "$1: messages were lost"
	grep -q '"duplicated":[1-9]' "$out" && fail_with "$out" "$1: messages were duplicated"
	[ "$(grep -c '"target":"natter"' "$out")" -ge 1 ] || fail_with "$out" "$1: no natter result"
	return 0
}

step "start natterd without its rate limit"
start_server -s "$S" --rate 0

step "$MESSAGES messages to $RECEIVERS receivers through natterd"
TMPDIR="$T" timeout -k 5 60 "$BENCH" -s "$S" -n "$RECEIVERS" -m "$MESSAGES" --stall 20 --json -q \
	>"$T/natter.json" 2>"$T/bench-natter.err"
rc=$?
[ "$rc" = 0 ] || fail_with "$T/bench-natter.err" "natter-bench exited $rc, want 0"
check_run natter
grep -q "\"deliveries\":$((RECEIVERS * MESSAGES))," "$T/natter.json" ||
	fail_with "$T/natter.json" "natter: want $((RECEIVERS * MESSAGES)) deliveries"

step "the same load, and again through the built-in relay"
TMPDIR="$T" timeout -k 5 60 "$BENCH" -s "$S" -n "$RECEIVERS" -m "$MESSAGES" --baseline relay --stall 20 --json -q \
	>"$T/relay.json" 2>"$T/bench-relay.err"
rc=$?
[ "$rc" = 0 ] || fail_with "$T/bench-relay.err" "natter-bench --baseline relay exited $rc, want 0"
check_run relay
grep -q '"target":"relay","transport":"unix","ok":true' "$T/relay.json" ||
	fail_with "$T/relay.json" "no successful relay result"

step "line-mode receivers and native ones, side by side, through natterd and the relay"
TMPDIR="$T" timeout -k 5 60 "$BENCH" -s "$S" -n "$RECEIVERS" -m "$MESSAGES" --line --baseline relay --stall 20 --json -q \
	>"$T/line.json" 2>"$T/bench-line.err"
rc=$?
[ "$rc" = 0 ] || fail_with "$T/bench-line.err" "natter-bench --line exited $rc, want 0"
check_run line
grep -q '"line":true' "$T/line.json" || fail_with "$T/line.json" "the run was not in line mode"
grep -q "\"target\":\"natter\",\"transport\":\"unix\",\"ok\":true,\"error\":\"\",\"sent\":$MESSAGES,\"deliveries\":$((RECEIVERS * MESSAGES))," "$T/line.json" ||
	fail_with "$T/line.json" "line mode: want $((RECEIVERS * MESSAGES)) deliveries through natterd"
grep -q '"target":"relay","transport":"unix","ok":true' "$T/line.json" ||
	fail_with "$T/line.json" "no successful line-mode relay result"

step "3 senders in 2 rooms (6 receivers), through natterd and the relay"
TMPDIR="$T" timeout -k 5 60 "$BENCH" -s "$S" -n 6 -S 3 --rooms 2 -m "$MESSAGES" --baseline relay --stall 20 --json -q \
	>"$T/rooms.json" 2>"$T/bench-rooms.err"
rc=$?
[ "$rc" = 0 ] || fail_with "$T/bench-rooms.err" "natter-bench -S 3 --rooms 2 exited $rc, want 0"
check_run rooms
# Messages 0, 2, 3, 5, ... come from senders 0 and 2 (room 1, 3 receivers), 1, 4, ... from sender 1 (room 2, 3 receivers).
grep -q "\"deliveries\":$((3 * MESSAGES))," "$T/rooms.json" ||
	fail_with "$T/rooms.json" "rooms: want $((3 * MESSAGES)) deliveries (each message reaches the 3 receivers of its room)"
grep -q '"target":"relay","transport":"unix","ok":true' "$T/rooms.json" ||
	fail_with "$T/rooms.json" "no successful rooms relay result"

step "natterd survived; natter-bench reaped its relay and removed its temporary directory"
server_alive || fail "natterd died"
left=$(find "$T" -maxdepth 1 -name "natter-bench.*" 2>/dev/null)
[ -z "$left" ] || fail "natter-bench left $left behind"
pass
