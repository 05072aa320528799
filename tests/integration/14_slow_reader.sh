#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 14_slow_reader.sh - a client that never reads is dropped as too slow; a normal reader gets every message in order; natterd lives on.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
N=6000 # x ~440 bytes of MSG: well past the 1 MiB --max-queue default plus socket buffers

# --rate 0: natterd's flood limit (default 5 messages a second) would hold the
# writer back; this test is about the output queue of a reader.
start_server -s "$S" --rate 0
start_client reader -s "$S" -n reader
wait_for "$T/reader.out" "^$TS -!- connected to .* as reader " || fail_with "$T/reader.out" "reader did not connect"
nt_spawn /dev/null "$T/slow.out" "$T/slow.err" "$RAWCLIENT" -s "$S" --timeout 60000 --no-read --hello slowpoke
slow=$NT_LAST_TPID
wait_for "$T/reader.out" "^$TS -!- slowpoke joined #lobby( \\(.*\\))?\$" || fail_with "$T/reader.out" "the slow client never joined"
start_client writer -s "$S" -n writer
wait_for "$T/reader.out" "^$TS -!- writer joined #lobby( \\(.*\\))?\$" || fail_with "$T/reader.out" "the writer never joined"

# In chunks, each sent once the reader has shown the last: the reader, a
# normal client, is then never more than a chunk (about 440 KB) behind
# however slowly a loaded machine runs it, while the client that never
# reads falls further behind with every chunk.
CHUNK=1000
step "writer sends $N messages of 400+ bytes in chunks of $CHUNK, then end of input"
pad=$(printf 'x%.0s' {1..400})
for ((i = 1; i <= N; i++)); do
	printf 'm%05d %s\n' "$i" "$pad"
done >"$T/want"
split -l "$CHUNK" -d -a 3 "$T/want" "$T/chunk."
for ((c = 0; c < N / CHUNK; c++)); do
	send_file writer "$T/chunk.$(printf '%03d' "$c")" || fail "could not write the writer's input"
	wait_for "$T/reader.out" "^$TS <writer> m$(printf '%05d' $(((c + 1) * CHUNK))) " 30 ||
		fail_with "$T/reader.out" "the reader never showed message $(((c + 1) * CHUNK))"
done
close_client writer 25
rc=$?
[ "$rc" = 0 ] || fail_with "$T/writer.err" "writer exited $rc after end of input, want 0 (all $N accepted)"

step "the slow client was disconnected"
nt_wait_exit "$slow" 20 || fail_with "$SERVER_ERR" "the client that never reads is still connected after $N messages"
[ "$NT_RC" = 0 ] || fail_with "$T/slow.out" "the slow client's rawclient exited $NT_RC, want 0 (server hung up)"
grep -qx HANGUP "$T/slow.out" || fail_with "$T/slow.out" "the slow client's rawclient did not see the server hang up"
grep -Eq "^$TS -!- slowpoke left #lobby \\(too slow" "$T/reader.out" || grep -qi 'too slow' "$SERVER_ERR" ||
	fail_with "$T/reader.out" "neither a 'slowpoke left #lobby (too slow...)' notice nor 'too slow' on natterd's stderr"

step "the normal reader got all $N messages, in order"
wait_for "$T/reader.out" "^$TS <writer> m$(printf '%05d' "$N") " 20 || fail_with "$T/reader.out" "the reader never showed the last message"
check_said "$T/reader.out" writer "$T/want" || fail "the reader did not show the writer's $N messages exactly once, in order"

step "natterd still serves"
server_alive || fail_with "$SERVER_ERR" "natterd died"
start_client late -s "$S" -n late
wait_for "$T/late.out" "^$TS -!- connected to .* as late in #lobby \\(2 users\\)" || fail_with "$T/late.out" "a new client could not join afterwards (want 2 users: reader, late)"
send late "anyone?"
wait_for "$T/reader.out" "^$TS <late> anyone\\?\$" || fail_with "$T/reader.out" "the reader did not get the late client's message"
close_client late
close_client reader
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
