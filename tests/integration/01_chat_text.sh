#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 01_chat_text.sh - three headless clients chat: each sees every message once, in order, plus joins and leaves.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
NICKS=(alice bob carol)
ROUNDS=6

step "start natterd and three clients"
start_server -s "$S"
n_users=0
for n in "${NICKS[@]}"; do
	n_users=$((n_users + 1))
	start_client "$n" -s "$S" -n "$n"
	wait_for "$T/$n.out" "^$TS -!- connected to .* as $n in #lobby \\($n_users users?\\)" ||
		fail_with "$T/$n.out" "$n did not print 'connected to $S as $n in #lobby ($n_users users)'"
done
wait_for "$T/alice.out" "^$TS -!- carol joined #lobby( \\(.*\\))?\$" || fail_with "$T/alice.out" "alice did not see carol join"
wait_for "$T/alice.out" "^$TS -!- bob joined #lobby( \\(.*\\))?\$" || fail_with "$T/alice.out" "alice did not see bob join"
wait_for "$T/bob.out" "^$TS -!- carol joined #lobby( \\(.*\\))?\$" || fail_with "$T/bob.out" "bob did not see carol join"

step "everyone talks, interleaved"
for n in "${NICKS[@]}"; do
	: >"$T/want.$n"
done
for ((i = 1; i <= ROUNDS; i++)); do
	for n in "${NICKS[@]}"; do
		line="$n says line $i: it's a \"quoted\" & <odd> {text} 100%"
		printf '%s\n' "$line" >>"$T/want.$n"
		send "$n" "$line"
	done
done

step "every client shows every message (its own echo too) exactly once, in order"
for reader in "${NICKS[@]}"; do
	for writer in "${NICKS[@]}"; do
		wait_for "$T/$reader.out" "^$TS <$writer> $writer says line $ROUNDS:" ||
			fail_with "$T/$reader.out" "$reader never showed $writer's last message"
	done
done
for reader in "${NICKS[@]}"; do
	for writer in "${NICKS[@]}"; do
		check_said "$T/$reader.out" "$writer" "$T/want.$writer" ||
			fail "$reader did not show $writer's $ROUNDS messages exactly once and in order"
	done
	if grep -E "^$TS -!- error" "$T/$reader.out"; then
		fail "$reader printed an error line during a normal chat"
	fi
done

step "leaving: carol, then bob; the others see it"
close_client carol
rc=$?
[ "$rc" = 0 ] || fail_with "$T/carol.err" "carol exited $rc on end of input, want 0"
for n in alice bob; do
	wait_for "$T/$n.out" "^$TS -!- carol left #lobby( \\(.*\\))?\$" ||
		fail_with "$T/$n.out" "$n did not see 'carol left #lobby'"
done
close_client bob
rc=$?
[ "$rc" = 0 ] || fail_with "$T/bob.err" "bob exited $rc on end of input, want 0"
wait_for "$T/alice.out" "^$TS -!- bob left #lobby( \\(.*\\))?\$" ||
	fail_with "$T/alice.out" "alice did not see 'bob left #lobby'"
close_client alice
rc=$?
[ "$rc" = 0 ] || fail_with "$T/alice.err" "alice exited $rc on end of input, want 0"
server_alive || fail "natterd died"
pass
