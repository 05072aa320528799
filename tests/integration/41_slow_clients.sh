#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 41_slow_clients.sh - a slowloris (frame left unfinished) and a reader above the soft queue cap are dropped; others go on.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
# The hard cap is raised so that only the soft one can be what drops the reader.
start_server -s "$S" --rate 0 --frame-timeout 2 --soft-queue 8192 --soft-queue-time 2 --max-queue 4194304
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to " || fail_with "$T/alice.out" "alice did not connect"

step "a client that starts a frame and never finishes it is dropped"
timeout 30 "$RAWCLIENT" -s "$S" --timeout 15000 --hello loris --wait WELCOME --raw '00 00 00 40 10 00' \
	--sleep 12000 >"$T/loris.out" 2>&1
grep -Eq '^ERROR 106 .*unfinished' "$T/loris.out" || fail_with "$T/loris.out" "the slowloris got no ERROR 106 about an unfinished frame"
grep -q '^CLOSED' "$T/loris.out" || fail_with "$T/loris.out" "the slowloris was not disconnected"
wait_for "$T/alice.out" "^$TS -!- loris left #lobby \\(timed out\\)" || fail_with "$T/alice.out" "alice did not see the slowloris leave"

step "a reader above the soft cap for its time limit is dropped"
nt_spawn /dev/null "$T/lazy.out" "$T/lazy.err" "$RAWCLIENT" -s "$S" --timeout 30000 --no-read --hello lazy
lazy=$NT_LAST_TPID
wait_for "$T/alice.out" "^$TS -!- lazy joined #lobby" || fail_with "$T/alice.out" "the lazy reader never joined"
start_client writer -s "$S" -n writer
wait_for "$T/alice.out" "^$TS -!- writer joined #lobby" || fail_with "$T/alice.out" "the writer never joined"
pad=$(printf 'y%.0s' {1..300})
for ((i = 1; i <= 2500; i++)); do
	printf 's%04d %s\n' "$i" "$pad"
done >"$T/want"
# In chunks of 25 (under 8 KB), each sent once alice has shown the last, so
# alice never has more than the soft cap waiting however slowly a loaded
# machine runs her; the lazy reader's queue only grows.
split -l 25 -d -a 3 "$T/want" "$T/chunk."
for ((c = 0; c < 100; c++)); do
	send_file writer "$T/chunk.$(printf '%03d' "$c")"
	wait_for "$T/alice.out" "^$TS <writer> s$(printf '%04d' $(((c + 1) * 25))) " 20 ||
		fail_with "$T/alice.out" "alice never showed message $(((c + 1) * 25))"
done
nt_wait_exit "$lazy" 20 || fail_with "$SERVER_ERR" "the lazy reader was never dropped"
grep -Eq 'too slow: more than 8192 bytes were waiting to be read for 2 s' "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "natterd did not log the soft-cap drop"
wait_for "$T/alice.out" "^$TS <writer> s2500 " 20 || fail_with "$T/alice.out" "alice did not get every message"
check_said "$T/alice.out" writer "$T/want" || fail "alice's copy of the writer's messages is not exact"
close_client writer
close_client alice
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC"
pass
