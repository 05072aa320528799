#!/usr/bin/env bash
# 50_bench_smoke.sh - natter-bench against a real natterd and against its relay: nothing lost, nothing duplicated, exit 0 (no timing asserted).
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

step "natterd survived; natter-bench reaped its relay and removed its temporary directory"
server_alive || fail "natterd died"
left=$(find "$T" -maxdepth 1 -name "natter-bench.*" 2>/dev/null)
[ -z "$left" ] || fail "natter-bench left $left behind"
pass
