#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 21_private.sh - /msg reaches its target only and comes back to the sender; ids are shared with rooms; never in history.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

# json_ids FILE TEXT: the ids of the msg events whose text is TEXT.
json_ids() {
	grep -E '"type": *"msg"' "$1" | grep -F "\"text\":\"$2\"" | sed -E 's/.*"id": *([0-9]+).*/\1/'
}

step "start natterd, alice (text), bob (json) and carol (text)"
start_server -s "$S"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
start_client bob -s "$S" -n bob --json
wait_for "$T/bob.out" '"type":"welcome"' || fail_with "$T/bob.out" "bob did not connect"
start_client carol -s "$S" -n carol
wait_for "$T/carol.out" "^$TS -!- connected to .* as carol " || fail_with "$T/carol.out" "carol did not connect"
wait_for "$T/alice.out" "^$TS -!- carol joined #lobby" || fail_with "$T/alice.out" "alice did not see carol join"

step "alice -> bob: bob gets it as private, alice gets her copy back"
send alice "/msg bob psst, secret one"
wait_for "$T/bob.out" '"from":"alice","text":"psst, secret one","action":false,"history":false,"private":true' ||
	fail_with "$T/bob.out" "bob got no private msg event from alice"
grep -F '"text":"psst, secret one"' "$T/bob.out" | grep -q '"room":"bob"' || fail_with "$T/bob.out" "the private msg's room is not the recipient 'bob'"
wait_for "$T/alice.out" "^$TS \\[private to bob\\] <alice> psst, secret one\$" ||
	fail_with "$T/alice.out" "alice did not get '[private to bob] <alice> psst, secret one' back"

step "bob -> alice"
send bob "/msg alice got it"
wait_for "$T/alice.out" "^$TS \\[private\\] <bob> got it\$" || fail_with "$T/alice.out" "alice did not get '[private] <bob> got it'"

step "carol sees none of it (a public line from each of them comes after)"
send alice "public from alice"
send bob "public from bob"
wait_for "$T/carol.out" "^$TS <alice> public from alice\$" || fail_with "$T/carol.out" "carol did not get alice's public line"
wait_for "$T/carol.out" "^$TS <bob> public from bob\$" || fail_with "$T/carol.out" "carol did not get bob's public line"
grep -Eq "secret|got it|private" "$T/carol.out" && fail_with "$T/carol.out" "carol saw a private message meant for someone else"

step "private and room messages share one id sequence"
wait_for "$T/bob.out" '"text":"public from bob"' || fail_with "$T/bob.out" "bob's public line did not come back"
p1=$(json_ids "$T/bob.out" "psst, secret one")
p2=$(json_ids "$T/bob.out" "got it")
p3=$(json_ids "$T/bob.out" "public from alice")
[ -n "$p1" ] && [ -n "$p2" ] && [ -n "$p3" ] || fail_with "$T/bob.out" "missing ids (got '$p1' '$p2' '$p3')"
[ "$p1" -lt "$p2" ] && [ "$p2" -lt "$p3" ] || fail "ids not increasing across private and room messages: $p1 $p2 $p3"

step "an unknown nick is an error for the sender only"
send carol "/msg nosuchnick hello?"
wait_for "$T/carol.out" "^$TS -!- error 204 \\(ERR_NO_SUCH_TARGET\\): " || fail_with "$T/carol.out" "/msg to an unknown nick got no error 204"
send carol "/msg bob"
wait_for "$T/carol.err" "/msg NICK TEXT" || fail_with "$T/carol.err" "/msg without text did not print its usage"

step "a late joiner's history holds the room lines but no private ones"
start_client dave -s "$S" -n dave
wait_for "$T/dave.out" "^$TS #lobby \\(history\\) <bob> public from bob\$" || fail_with "$T/dave.out" "dave did not get #lobby's history"
grep -Eq "secret|got it" "$T/dave.out" && fail_with "$T/dave.out" "a private message was replayed as history"

for n in alice bob carol dave; do
	close_client "$n"
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/$n.err" "$n exited $rc on end of input, want 0"
done
pass
