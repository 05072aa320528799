#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 45_vanishing_peers.sh - peers that reset (RST) or vanish mid-broadcast, and a client that never answers PING: others lose nothing.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
N=3000
start_server -s "$S" --rate 0 --ping-interval 1 --ping-timeout 1
start_client reader -s "$S" -n reader
wait_for "$T/reader.out" "^$TS -!- connected to " || fail_with "$T/reader.out" "reader did not connect"
start_client writer -s "$S" -n writer
wait_for "$T/reader.out" "^$TS -!- writer joined #lobby" || fail_with "$T/reader.out" "writer did not join"

step "$N messages while 40 peers join, read a little and reset or vanish"
pad=$(printf 'z%.0s' {1..200})
for ((i = 1; i <= N; i++)); do
	printf 'v%04d %s\n' "$i" "$pad"
done >"$T/want"
send_file writer "$T/want" &
feeder=$!
for ((i = 0; i < 40; i++)); do
	if ((i % 2)); then
		"$RAWCLIENT" -s "$S" --timeout 5000 --hello "rst$i" --wait WELCOME --sleep 20 --reset >/dev/null 2>&1 &
	else
		# Killed without a goodbye while frames are queued for it (in a
		# subshell, so the kill is not announced on this script's stderr).
		(timeout -s KILL 0.3 "$RAWCLIENT" -s "$S" --timeout 5000 --no-read --hello "gone$i" >/dev/null 2>&1 || true) 2>/dev/null &
	fi
done
wait_for "$T/reader.out" "^$TS <writer> v$(printf '%04d' "$N") " 60 || fail_with "$T/reader.out" "the reader never got the last message"
check_said "$T/reader.out" writer "$T/want" || fail "the reader did not get all $N messages exactly once, in order"
wait "$feeder" 2>/dev/null
server_alive || fail_with "$SERVER_ERR" "natterd died"

step "a registered client that never answers PING is dropped"
timeout 20 "$RAWCLIENT" -s "$S" --timeout 10000 --hello mute --wait WELCOME --sleep 8000 >"$T/mute.out" 2>&1 &
mute=$!
wait_for "$T/reader.out" "^$TS -!- mute left #lobby \\(timed out\\)" 15 ||
	fail_with "$T/reader.out" "the client that never answers PING was not dropped as timed out"
wait "$mute" 2>/dev/null
grep -q '^PING ' "$T/mute.out" || fail_with "$T/mute.out" "the silent client was never sent a PING"
grep -q '^ERROR 106 ' "$T/mute.out" || fail_with "$T/mute.out" "the silent client got no ERROR 106"
server_alive || fail_with "$SERVER_ERR" "natterd died"
close_client writer
close_client reader
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC"
pass
