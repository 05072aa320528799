#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 43_connection_limits.sh - --max-clients, --max-per-uid and a low descriptor limit: refusals are clear, nothing spins, chat goes on.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

step "--max-per-uid 3: the fourth connection of one user is refused"
start_server -s "$S" --max-per-uid 3
for i in 1 2 3; do
	start_client "u$i" -s "$S" -n "u$i"
	wait_for "$T/u$i.out" "^$TS -!- connected to " || fail_with "$T/u$i.out" "u$i did not connect"
done
timeout 10 "$RAWCLIENT" -s "$S" --hello u4 --wait WELCOME >"$T/u4.out" 2>&1
grep -Eq '^ERROR 105 .*too many connections' "$T/u4.out" || fail_with "$T/u4.out" "the fourth connection got no ERROR 105"
for i in 1 2 3; do close_client "u$i"; done
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC"

step "a descriptor limit of 64, 30 open transcripts, and a storm of 150 connections"
# --max-clients is sized from the limit, so only descriptors used for other
# things (here one transcript per room) can make accept() fail with EMFILE.
SERVER_PREFIX=(prlimit --nofile=64:64)
start_server -s "$S" --rate 0 --log "$T/logs"
SERVER_PREFIX=()
start_client alice -s "$S" -n alice
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" "^$TS -!- connected to " || fail_with "$T/bob.out" "bob did not connect"
for ((i = 0; i < 30; i++)); do
	send alice "/join #r$i"
	send alice "opening the transcript of #r$i"
done
send alice "/join #lobby"
wait_for "$T/alice.out" "#r29 <alice> opening the transcript" 20 || fail_with "$T/alice.out" "alice's 30 rooms were not all written"
[ "$(find "$T/logs" -name 'r*.log' | wc -l)" = 30 ] || fail "30 transcripts were not created"
cpu() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
storm=()
for ((i = 0; i < 150; i++)); do
	nt_spawn /dev/null /dev/null /dev/null "$RAWCLIENT" -s "$S" --timeout 8000 --hello "s$i" --sleep 6000
	storm+=("$NT_LAST_TPID")
done
sleep 1
before=$(cpu)
sleep 3
after=$(cpu)
ticks=$((after - before))
hz=$(getconf CLK_TCK)
printf 'natterd CPU during 3 s of a held connect storm: %d ticks (%d per second)\n' "$ticks" "$hz"
# A server that spun on accept would burn about 3 s of CPU here.
[ "$ticks" -lt $((hz * 3 / 2)) ] || fail "natterd used $ticks CPU ticks in 3 s under the storm: is accept spinning?"
grep -q 'out of file descriptors' "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "the storm never made accept() run out of descriptors (EMFILE): the test did not test the reserve"
send alice "still here"
wait_for "$T/bob.out" "^$TS <alice> still here\$" 10 || fail_with "$T/bob.out" "chat stopped during the storm"
for p in "${storm[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
close_client alice
close_client bob
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC"
pass
