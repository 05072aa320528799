#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 04_commands.sh - /me, //escape, /who, /nick (taken and free) and /quit REASON as others see them; natterd -n NAME.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
start_server -s "$S" -n chatty
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" "^$TS -!- connected to .* as bob " || fail_with "$T/bob.out" "bob did not connect"
wait_for "$T/alice.out" "^$TS -!- bob joined #lobby( \\(.*\\))?\$" || fail_with "$T/alice.out" "alice did not see bob join"

step "/me is an action"
send bob "/me waves"
wait_for "$T/alice.out" "^$TS \\* bob waves\$" || fail_with "$T/alice.out" "alice did not show '* bob waves'"

step "//x sends the text /x"
send bob "//x marks the spot"
wait_for "$T/alice.out" "^$TS <bob> /x marks the spot\$" || fail_with "$T/alice.out" "alice did not show '<bob> /x marks the spot'"

step "/who lists the room"
send alice "/who"
wait_for "$T/alice.out" "^$TS -!- users in #lobby: " || fail_with "$T/alice.out" "alice's /who printed no 'users in #lobby:' line"
who=$(grep -E "^$TS -!- users in #lobby: " "$T/alice.out" | tail -n 1)
for n in alice bob; do
	grep -Eq "[: ]$n( |\$)" <<<"$who" || fail "/who line does not list $n: $who"
done

step "/nick to a taken nick is error 201, to a free one is a rename everyone sees"
send bob "/nick alice"
wait_for "$T/bob.out" "^$TS -!- error 201 \\(ERR_NICK_TAKEN\\): " || fail_with "$T/bob.out" "bob's '/nick alice' printed no 'error 201 (ERR_NICK_TAKEN): ...' line"
send bob "/nick bobby"
for n in alice bob; do
	wait_for "$T/$n.out" "^$TS -!- bob is now known as bobby\$" || fail_with "$T/$n.out" "$n did not show 'bob is now known as bobby'"
done
send bob "after the rename"
wait_for "$T/alice.out" "^$TS <bobby> after the rename\$" || fail_with "$T/alice.out" "alice did not show '<bobby> after the rename'"
grep -Eq "^$TS -!- alice is now known as" "$T/alice.out" && fail "a rejected /nick renamed someone"

step "/help lists the commands this server lets bob use: no classroom's on a plain server"
send bob "/help"
wait_for "$T/bob.err" "^/who \\[#ROOM\\|\\*\\] " || fail_with "$T/bob.err" "bob's /help does not list /who"
wait_for "$T/bob.err" "^start it with // " || fail_with "$T/bob.err" "bob's /help did not end with the // line"
grep -Eq "^/(hand|announce|kick) " "$T/bob.err" && fail_with "$T/bob.err" "/help offers classroom commands on a plain server"

step "/quit REASON: bob exits 0, alice sees the reason"
send bob "/quit gone fishing"
wait_client bob
rc=$?
[ "$rc" = 0 ] || fail_with "$T/bob.err" "bob exited $rc after /quit, want 0"
wait_for "$T/alice.out" "^$TS -!- bobby left #lobby \\(gone fishing\\)\$" || fail_with "$T/alice.out" "alice did not show 'bobby left #lobby (gone fishing)'"

step "natterd -n NAME is the server name in WELCOME"
timeout 30 "$RAWCLIENT" -s "$S" --hello rawr --wait WELCOME --quit bye --wait BYE >"$T/raw.out" 2>&1
grep -Eq '^WELCOME rawr chatty #lobby 2 ' "$T/raw.out" || fail_with "$T/raw.out" "WELCOME does not say server 'chatty' (natterd -n chatty) and 2 users"
close_client alice
rc=$?
[ "$rc" = 0 ] || fail "alice exited $rc on end of input, want 0"
pass
