#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 71_lab_faults.sh - a client with --lab-faults (bytewise, merge, delay, drop mid-frame) is served correctly, in order, while others chat on; a drop is logged in a plain sentence.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
N=8 # messages each faulty client sends

# barrier FROM TEXT: FROM says TEXT and rx sees it: the server is serving FROM and rx right now.
barrier() {
	send "$1" "$2"
	wait_for "$T/rx.out" "^$TS <$1> $(re_escape "$2")\$" || fail_with "$T/rx.out" "rx never got $1's '$2'"
}

# faulty NAME FAULTS: NAME runs with --lab-faults=FAULTS and --trace, says N
# lines once connected, and quits; carol is served meanwhile; rx gets
# exactly NAME's lines, in order, and NAME exits 0 (the server confirmed
# every line with its BYE).
faulty() {
	local name=$1 faults=$2 i rc
	step "--lab-faults=$faults: $N messages arrive whole and in order; carol is served meanwhile"
	start_client "$name" -s "$S" -n "$name" --lab-faults="$faults" --trace="$T/$name.trace"
	wait_for "$T/$name.out" "^$TS -!- connected to .* as $name " || fail_with "$T/$name.err" "$name did not connect"
	grep -q "^natter: lab faults on ($faults): this client's writes to the server misbehave on purpose\$" "$T/$name.err" ||
		fail_with "$T/$name.err" "$name did not say at start that lab faults are on"
	: >"$T/$name.want"
	for ((i = 1; i <= N; i++)); do
		send "$name" "$name message $i"
		printf '%s message %s\n' "$name" "$i" >>"$T/$name.want"
	done
	barrier carol "carol while $name writes"
	close_client "$name" 60
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/$name.err" "$name exited $rc, want 0 (every message confirmed)"
	barrier carol "carol after $name"
	check_said "$T/rx.out" "$name" "$T/$name.want" || fail "rx did not get exactly $name's $N messages in order"
}

step "natterd (tracing to a file), rx (receives) and carol (chats throughout)"
start_server -s "$S" --trace="$T/server.trace"
for n in rx carol; do
	start_client "$n" -s "$S" -n "$n"
	wait_for "$T/$n.out" "^$TS -!- connected to .* as $n " || fail_with "$T/$n.out" "$n did not connect"
done

# Five to twenty milliseconds between bytes: the server really reads these frames in pieces.
faulty bytes "bytewise,delay=5"
grep -q 'lab fault bytewise: the next frame ([0-9]* bytes) goes out one byte per write()' "$T/bytes.trace" ||
	fail_with "$T/bytes.trace" "the bytewise client's trace does not say its frames go out a byte at a time"
step "each bytewise SAY is one whole frame on the server's trace"
for ((i = 1; i <= N; i++)); do
	c=$(grep -c " in  #[0-9]* bytes (unix)  SAY target=\"#lobby\" flags=0 text=\"bytes message $i\"  tag=[0-9]*  (35 bytes)\$" "$T/server.trace")
	[ "$c" = 1 ] || fail_with "$T/server.trace" "the server traced 'bytes message $i' $c times as a whole frame, want once"
done
grep -q 'bytes (unix)  (incomplete)' "$T/server.trace" && fail_with "$T/server.trace" "the server traced a piece of a frame as a frame"

faulty merged "merge=4"
grep -q "lab fault merge=4: the next 4 frames ([0-9]* bytes) go out in one write()" "$T/merged.trace" ||
	fail_with "$T/merged.trace" "the merging client's trace does not show 4 frames in one write()"

faulty slow "delay=50"
faulty mixed "bytewise,merge=3,delay=2"

step "--lab-faults=drop=3: HELLO and 2 SAYs whole, half of the third SAY, then the connection is closed"
start_client dropper -s "$S" -n dropper --lab-faults=drop=3
wait_for "$T/dropper.out" "^$TS -!- connected to .* as dropper " || fail_with "$T/dropper.err" "dropper did not connect"
for ((i = 1; i <= 4; i++)); do
	send dropper "drop $i"
done
wait_client dropper 20
rc=$?
[ "$rc" = 5 ] || fail_with "$T/dropper.err" "dropper exited $rc, want 5 (connection lost)"
# SAY "#lobby" "drop 3": 4 + 1 + 8 + 1 + 8 = 22 bytes, half of them 11.
grep -q "lab fault drop=3: wrote 13 of the 26 bytes of frame 4 to .* and closed the connection on purpose" "$T/dropper.err" ||
	fail_with "$T/dropper.err" "dropper did not say it closed after 13 of 26 bytes"
wait_for "$SERVER_ERR" "client [0-9]+ dropper: connection closed in the middle of a frame: only 13 of its 26 bytes had arrived; the partial frame was discarded" ||
	fail_with "$SERVER_ERR" "the server did not log the mid-frame close in a plain sentence"
wait_for "$T/rx.out" "^$TS -!- dropper left #lobby \\(connection lost\\)\$" || fail_with "$T/rx.out" "rx did not see dropper leave"
printf 'drop 1\ndrop 2\n' >"$T/dropper.want"
check_said "$T/rx.out" dropper "$T/dropper.want" || fail "rx did not get exactly dropper's 2 whole messages"

step "the others carry on; the server is still up"
barrier carol "carol after the drop"
send rx "rx is fine"
wait_for "$T/carol.out" "^$TS <rx> rx is fine\$" || fail_with "$T/carol.out" "carol did not get rx's line after the drop"
server_alive || fail_with "$SERVER_ERR" "natterd is gone"
for n in rx carol; do
	close_client "$n" || fail_with "$T/$n.err" "$n did not exit cleanly"
done
pass
