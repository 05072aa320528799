#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 47_rate_drain.sh - a held-back flooder is drained at --rate (woken when its next token is due, not once a housekeeping tick), and never faster.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
RATE=200
BURST=1
N=400 # (N - BURST) / RATE: 2 s at the rate; 400 s when drained BURST a tick (the bug)

start_server -s "$S" --rate "$RATE" --burst "$BURST"
start_client watch -s "$S" -n watch --json
wait_for "$T/watch.out" '"type": *"welcome"' || fail_with "$T/watch.out" "watch did not connect"

step "a flooder sends $N messages at --rate $RATE --burst $BURST, then QUIT"
args=()
for ((i = 1; i <= N; i++)); do
	args+=(--say "$(printf 'd%03d' "$i")")
done
# A liveness bound only (30 times the nominal 2 s), never a measure of speed.
timeout 90 "$RAWCLIENT" -s "$S" --timeout 60000 --hello flooder --wait WELCOME "${args[@]}" \
	--quit done --wait BYE >"$T/flood.out" 2>&1
rc=$?
[ "$(grep -c '^MSG ' "$T/flood.out")" = "$N" ] ||
	fail_with "$T/flood.out" "the flooder got $(grep -c '^MSG ' "$T/flood.out") of its $N echoes before giving up (rawclient exit $rc): the held-back input was not drained at the rate"
grep -q '^NOTICE .*messages a second' "$T/flood.out" || fail_with "$T/flood.out" "the flooder was never held back (no NOTICE)"
grep -q '^BYE ' "$T/flood.out" || fail_with "$T/flood.out" "no BYE after the flood's QUIT"

step "every message reached watch once, in order, and never faster than the rate"
wait_count "$T/watch.out" '"text": *"d[0-9]+"' "$N" 20 || fail_with "$T/watch.out" "watch did not get all $N messages"
grep -o '"text": *"d[0-9]*"' "$T/watch.out" | sed 's/.*"d\([0-9]*\)"/\1/' >"$T/got"
seq -f '%03g' 1 "$N" >"$T/want"
cmp -s "$T/got" "$T/want" || fail "watch saw the flood out of order or with gaps: $(diff "$T/want" "$T/got" | head -n 3 | tr '\n' ' ')"
# The server's own stamps: the last message cannot be accepted before the
# bucket allowed it, (N - BURST) / RATE s after the first (a lower bound,
# which a loaded machine only makes easier to meet). 2 ms of slack for the
# wall clock's rounding.
first=$(grep -m 1 '"text": *"d001"' "$T/watch.out" | sed -n 's/.*"time": *\([0-9]*\).*/\1/p')
last=$(grep -m 1 "\"text\": *\"d$N\"" "$T/watch.out" | sed -n 's/.*"time": *\([0-9]*\).*/\1/p')
[ -n "$first" ] && [ -n "$last" ] || fail_with "$T/watch.out" "no time stamps on the messages"
min=$(((N - BURST) * 1000 / RATE - 2))
[ $((last - first)) -ge "$min" ] || fail "$N messages were accepted within $((last - first)) ms: faster than --rate $RATE allows ($min ms at least)"

close_client watch
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
