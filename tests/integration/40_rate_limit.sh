#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 40_rate_limit.sh - a flooder is told, held back and delayed, never loses a message, and does not starve others.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
N=40 # at 5/s after a burst of 10: about six seconds of holding back

start_server -s "$S" --rate 5 --burst 10
start_client alice -s "$S" -n alice --json
wait_for "$T/alice.out" '"type":"welcome"' || fail_with "$T/alice.out" "alice did not connect"
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" "^$TS -!- connected to " || fail_with "$T/bob.out" "bob did not connect"

step "the flooder sends $N messages in one write"
args=()
for ((i = 1; i <= N; i++)); do
	args+=(--say "$(printf 'flood%03d' "$i")")
done
nt_spawn /dev/null "$T/flood.out" "$T/flood.err" "$RAWCLIENT" -s "$S" --timeout 60000 \
	--hello flooder --wait WELCOME "${args[@]}" --sleep 30000
flood=$NT_LAST_TPID
wait_for "$T/flood.out" '^NOTICE .*messages a second' 10 || fail_with "$T/flood.out" "the flooder was not told it is being slowed"

step "bob's message is not stuck behind the flood"
send bob "bob is not starved"
wait_for "$T/alice.out" '"text":"bob is not starved"' 10 || fail_with "$T/alice.out" "alice never got bob's message"
wait_for "$T/alice.out" "\"text\":\"flood$(printf '%03d' "$N")\"" 30 || fail_with "$T/alice.out" "alice never got the last flood message"
bob_line=$(grep -n '"text":"bob is not starved"' "$T/alice.out" | cut -d: -f1)
last_line=$(grep -n "\"text\":\"flood$(printf '%03d' "$N")\"" "$T/alice.out" | cut -d: -f1)
[ "$bob_line" -lt "$last_line" ] || fail "bob's message reached alice only after the whole flood (line $bob_line >= $last_line)"

step "every flood message arrived once, in order"
grep -o '"text":"flood[0-9]*"' "$T/alice.out" | sed 's/.*"flood\([0-9]*\)"/\1/' >"$T/got"
seq -f '%03g' 1 "$N" >"$T/want"
cmp -s "$T/got" "$T/want" || fail "alice saw $(wc -l <"$T/got") flood messages, not $N in order: $(diff "$T/want" "$T/got" | head -n 3 | tr '\n' ' ')"
grep -qi 'rate limited' "$SERVER_ERR" || fail_with "$SERVER_ERR" "natterd did not log the rate limiting"

step "a line-mode client over the rate is told which lines were not sent"
seq -f 'line%02g' 1 30 >"$T/lines"
timeout 20 socat -t 3 - "UNIX-CONNECT:$S" <"$T/lines" >"$T/linemode.out" 2>&1
grep -q '^error 208: ' "$T/linemode.out" || fail_with "$T/linemode.out" "no 'error 208' line for lines over the rate"
sent=$(grep -c '#lobby <root> line' "$T/linemode.out")
refused=$(grep -c '^error 208: ' "$T/linemode.out")
[ $((sent + refused)) = 30 ] || fail_with "$T/linemode.out" "$sent lines sent and $refused refused: every one of 30 must be one or the other"

step "--rate 0 turns the limit off"
kill -TERM -- "-$flood" 2>/dev/null
close_client alice
close_client bob
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC"
start_server -s "$S" --rate 0
timeout 30 "$RAWCLIENT" -s "$S" --hello free --wait WELCOME "${args[@]}" --sleep 500 --quit done --wait BYE >"$T/free.out" 2>&1
grep -q '^NOTICE .*messages a second' "$T/free.out" && fail_with "$T/free.out" "a notice came with --rate 0"
[ "$(grep -c '^MSG ' "$T/free.out")" = "$N" ] || fail_with "$T/free.out" "with --rate 0 the flooder did not get all $N echoes before BYE"
pass
