#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 49_own_backlog.sh - a client whose requests, read in one pass, ask for more replies than --max-queue is held back (not dropped) until it has read them: line mode and native.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
MEMBERS=12
ROOMS=30
WHOS=40
# Each /join lists the room's members, and each member line carries its 31
# long room names (about 1 KB), so one write of NICK and 30 /joins asks for
# about 30 x 12 KB: more than --max-queue. natterd reads such a write in one
# read(); before backpressure it queued every reply before its first writev
# and dropped the client as "too slow" though it never had a chance to read.
start_server -s "$S" --rate 0 --max-queue 262144 --soft-queue 65536

# joins_of NICK: NICK's first line and its 30 /join lines, as one --text argument.
joins_of() {
	local r out="NICK $1\\n"
	for ((r = 0; r < ROOMS; r++)); do
		out+=$(printf '/join #a-room-with-a-long-name-%02d\\n' "$r")
	done
	printf '%s' "$out"
}

last_room=$(printf '#a-room-with-a-long-name-%02d' $((ROOMS - 1)))
step "$MEMBERS line clients, each sending NICK and $ROOMS /joins in one write"
for ((i = 0; i < MEMBERS; i++)); do
	n=$(printf 'member_%02d' "$i")
	nt_spawn /dev/null "$T/$n.out" "$T/$n.err" "$RAWCLIENT" -s "$S" --timeout 80000 \
		--text "$(joins_of "$n")" --sleep 80000
	# One at a time, so each later member's listings are larger than the last.
	wait_for "$T/$n.out" "$(re_escape "$last_room") -- $n .*joined" 20 ||
		fail_with "$T/$n.out" "$n did not join its $ROOMS rooms (dropped as too slow?)"
done

step "a last line client: its replies add up to more than --max-queue"
nt_spawn /dev/null "$T/last.out" "$T/last.err" "$RAWCLIENT" -s "$S" --timeout 80000 \
	--text "$(joins_of last)" --sleep 80000
wait_for "$T/last.out" "$(re_escape "$last_room") -- last .*joined" 20 ||
	fail_with "$T/last.out" "the last line client did not join its $ROOMS rooms"
grep -q 'too slow' "$T/last.out" && fail_with "$T/last.out" "the last line client was dropped as too slow"
[ "$(grep -c -- '-- member_00 ' "$T/last.out")" -ge "$ROOMS" ] ||
	fail_with "$T/last.out" "the last line client did not get every room's member listing"

step "a native client sends $WHOS WHO requests in one write and reads the replies"
who=$(printf '00 00 00 03 12 00 00 %.0s' $(seq "$WHOS"))
timeout 60 "$RAWCLIENT" -s "$S" --timeout 40000 --hello native --wait WELCOME --raw "$who" \
	--ping 4242 --wait PONG --quit done --wait BYE >"$T/native.out" 2>&1
grep -q '^BYE too slow' "$T/native.out" && fail_with "$T/native.out" "the native client was dropped as too slow"
grep -q '^PONG 4242' "$T/native.out" || fail_with "$T/native.out" "the native client's PING after its WHOs was not answered"
[ "$(grep -c '^WHOREPLY' "$T/native.out")" -ge "$WHOS" ] ||
	fail_with "$T/native.out" "the native client got $(grep -c '^WHOREPLY' "$T/native.out") WHOREPLY frames, want $WHOS or more"
grep -q '^BYE ' "$T/native.out" || fail_with "$T/native.out" "the native client's QUIT was not answered with BYE"

step "natterd dropped nobody as too slow"
grep -q 'too slow' "$SERVER_ERR" && fail_with "$SERVER_ERR" "natterd dropped a client as too slow"
server_alive || fail_with "$SERVER_ERR" "natterd died"
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
