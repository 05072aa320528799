#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 03_echo_eof.sh - 100 lines then end of input: the writer has seen its own echo of all 100 when it exits 0, and so does a reader.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
N=100

start_server -s "$S"
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" "^$TS -!- connected to .* as bob " || fail_with "$T/bob.out" "bob did not connect"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
wait_for "$T/bob.out" "^$TS -!- alice joined #lobby( \\(.*\\))?\$" || fail_with "$T/bob.out" "bob did not see alice join"

# At natterd's default --rate (5 a second after a burst of 10) the server
# holds alice's input back and accepts it over ~18 s (PROTOCOL.md 3.9); the
# client must keep waiting for the BYE that confirms it all.
step "alice writes $N lines in one go, then end of input"
for ((i = 1; i <= N; i++)); do
	printf 'message %03d of %d\n' "$i" "$N"
done >"$T/want"
send_file alice "$T/want" || fail "could not write alice's input"
close_client alice 28
rc=$?
[ "$rc" = 0 ] || fail_with "$T/alice.err" "alice exited $rc after end of input, want 0"

step "alice waited for the BYE, so all $N echoes were already shown when she exited"
check_said "$T/alice.out" alice "$T/want" ||
	fail "alice exited before showing the echo of all $N of her messages (QUIT/BYE confirmation broken)"

step "bob shows all $N, in order, then alice leaving"
wait_for "$T/bob.out" "^$TS <alice> message $N of $N\$" || fail_with "$T/bob.out" "bob never showed alice's last message"
check_said "$T/bob.out" alice "$T/want" || fail "bob did not show alice's $N messages exactly once, in order"
wait_for "$T/bob.out" "^$TS -!- alice left #lobby" || fail_with "$T/bob.out" "bob did not see alice leave"
n_left=$(grep -n -E "^$TS -!- alice left #lobby" "$T/bob.out" | head -n 1 | cut -d: -f1)
n_last=$(grep -n -E "^$TS <alice> message $N of $N\$" "$T/bob.out" | cut -d: -f1)
[ "$n_left" -gt "$n_last" ] || fail "bob saw alice leave (line $n_left) before her last message (line $n_last)"

close_client bob
rc=$?
[ "$rc" = 0 ] || fail "bob exited $rc on end of input, want 0"
pass
