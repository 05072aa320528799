#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 20_rooms.sh - rooms keep their traffic to themselves; /rooms, /topic (members and a later joiner), /part, /who #room, /away.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

# barrier FROM TO TEXT: FROM says TEXT in its current room and TO waits for it.
# The server sends each client its messages in id order, so anything FROM
# said before has reached TO by then, if it was ever going to.
barrier() {
	send "$1" "$3"
	wait_for "$T/$2.out" "^$TS (#[^ ]+ )?<$1> $(re_escape "$3")\$" ||
		fail_with "$T/$2.out" "$2 never got $1's '$3'"
}

step "start natterd and three clients"
start_server -s "$S"
for n in alice bob carol; do
	start_client "$n" -s "$S" -n "$n"
	wait_for "$T/$n.out" "^$TS -!- connected to .* as $n " || fail_with "$T/$n.out" "$n did not connect"
done
wait_for "$T/alice.out" "^$TS -!- carol joined #lobby \\(login [^)]+\\)\$" ||
	fail_with "$T/alice.out" "alice did not see 'carol joined #lobby (login ...)'"

step "alice and bob /join #dev; the room becomes current"
for n in alice bob; do
	send "$n" "/join #dev"
	wait_for "$T/$n.out" "^$TS -!- now talking in #dev\$" || fail_with "$T/$n.out" "$n's /join #dev did not make #dev current"
done
wait_for "$T/alice.out" "^$TS -!- bob joined #dev \\(login [^)]+\\)\$" || fail_with "$T/alice.out" "alice did not see bob join #dev"
grep -Eq "^$TS -!- users in #dev: alice\$" "$T/alice.out" || fail_with "$T/alice.out" "alice's JOIN did not list #dev's users"

step "a message in #dev reaches #dev's members only"
send alice "dev secret"
wait_for "$T/bob.out" "^$TS #dev <alice> dev secret\$" || fail_with "$T/bob.out" "bob did not get '#dev <alice> dev secret'"
wait_for "$T/alice.out" "^$TS #dev <alice> dev secret\$" || fail_with "$T/alice.out" "alice's own #dev message did not come back"
send alice "/join #lobby"
wait_for "$T/alice.out" "^$TS -!- now talking in #lobby\$" || fail_with "$T/alice.out" "/join #lobby (a room alice is in) did not switch back"
barrier alice carol "lobby marker"
grep -q "dev secret" "$T/carol.out" && fail_with "$T/carol.out" "carol, not in #dev, got a #dev message"
grep -Eq "^$TS #dev " "$T/carol.out" && fail_with "$T/carol.out" "carol, not in #dev, shows #dev traffic"
grep -Eq "^$TS <alice> lobby marker\$" "$T/bob.out" || fail_with "$T/bob.out" "bob (in #lobby too) did not get the #lobby message unprefixed"

step "/topic in #dev: members see it, /rooms lists names, counts and topics"
send bob "/topic release on friday"
for n in alice bob; do
	wait_for "$T/$n.out" "^$TS -!- topic of #dev: release on friday \\(set by bob\\)\$" ||
		fail_with "$T/$n.out" "$n did not see bob's topic for #dev"
done
send bob "/topic"
wait_count "$T/bob.out" "^$TS -!- topic of #dev: release on friday" 2 || fail_with "$T/bob.out" "bob's /topic (no text) did not show the topic"
send carol "/topic"
wait_for "$T/carol.out" "^$TS -!- #lobby has no topic\$" || fail_with "$T/carol.out" "carol's /topic in #lobby did not say it has none"
send carol "/rooms"
wait_for "$T/carol.out" "^$TS -!- rooms: " || fail_with "$T/carol.out" "/rooms printed no 'rooms:' line"
rooms=$(grep -E "^$TS -!- rooms: " "$T/carol.out" | tail -n 1)
grep -q "#lobby (3)" <<<"$rooms" || fail "/rooms does not show '#lobby (3)': $rooms"
grep -q "#dev (2): release on friday" <<<"$rooms" || fail "/rooms does not show '#dev (2): release on friday': $rooms"
grep -q "dev secret" "$T/carol.out" && fail_with "$T/carol.out" "carol got #dev traffic before joining"

step "a later joiner gets the topic and the room's history"
send carol "/join dev"
wait_for "$T/carol.out" "^$TS -!- now talking in #dev\$" || fail_with "$T/carol.out" "carol's /join dev did not enter #dev"
wait_for "$T/carol.out" "^$TS -!- topic of #dev: release on friday \\(set by bob\\)\$" || fail_with "$T/carol.out" "carol was not told #dev's topic"
wait_for "$T/carol.out" "^$TS #dev \\(history\\) <alice> dev secret\$" || fail_with "$T/carol.out" "carol did not get #dev's history, marked (history)"
barrier carol alice "carol in dev"
grep -Eq "^$TS #dev <carol> carol in dev\$" "$T/alice.out" || fail "alice did not see carol's line as a #dev message"

step "/part: bob leaves #dev with a reason, falls back to #lobby"
send bob "/part see you"
for n in alice carol; do
	wait_for "$T/$n.out" "^$TS -!- bob left #dev \\(see you\\)\$" || fail_with "$T/$n.out" "$n did not see 'bob left #dev (see you)'"
done
wait_for "$T/bob.out" "^$TS -!- now talking in #lobby\$" || fail_with "$T/bob.out" "bob's /part did not fall back to #lobby"
barrier carol alice "after bob left"
grep -q "after bob left" "$T/bob.out" && fail_with "$T/bob.out" "bob still gets #dev messages after /part"
barrier bob carol "bob back in lobby"

step "/away, then /who #dev shows logins, rooms and the away message"
send alice "/away lunch"
wait_for "$T/alice.out" "^$TS -!- notice: you are marked as away: lunch\$" || fail_with "$T/alice.out" "/away got no notice"
send carol "/who #dev"
wait_for "$T/carol.out" "^$TS -!- alice \\(login " || fail_with "$T/carol.out" "/who #dev printed no per-user lines"
grep -Eq "^$TS -!- users in #dev: alice carol\$" "$T/carol.out" || fail_with "$T/carol.out" "/who #dev did not list 'alice carol'"
grep -Eq "^$TS -!- alice \\(login [a-z_][a-z0-9_-]*, idle [0-9]+[smhd], in #lobby #dev, away: lunch\\)\$" "$T/carol.out" ||
	fail_with "$T/carol.out" "alice's /who line lacks login, idle, rooms or away message"
grep -Eq "^$TS -!- carol \\(login [a-z_][a-z0-9_-]*, idle [0-9]+[smhd], in #lobby #dev\\)\$" "$T/carol.out" ||
	fail_with "$T/carol.out" "carol's /who line is not 'carol (login ..., idle ..., in #lobby #dev)'"
# The listing that comes with /join has no per-user lines.
grep -Eq "^$TS -!- bob \\(login " "$T/bob.out" && fail_with "$T/bob.out" "an automatic listing printed per-user lines"

step "a private message to someone away tells the sender"
send bob "/msg alice are you there?"
wait_for "$T/bob.out" "^$TS -!- notice: alice is away: lunch\$" || fail_with "$T/bob.out" "bob was not told that alice is away"
send alice "/away"
wait_for "$T/alice.out" "^$TS -!- notice: you are no longer marked as away\$" || fail_with "$T/alice.out" "/away with no text did not mark alice back"

step "everyone quits cleanly"
for n in alice bob carol; do
	close_client "$n"
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/$n.err" "$n exited $rc on end of input, want 0"
done
grep -E "^$TS -!- error" "$T/alice.out" "$T/bob.out" "$T/carol.out" && fail "a client printed an error"
pass
