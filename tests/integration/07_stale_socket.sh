#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 07_stale_socket.sh - after kill -9 the socket file is stale: the next natterd on that path removes it, starts, and serves.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"

step "kill -9 natterd: the client sees the connection lost (exit 5), the socket file stays"
stop_server KILL
[ "$SERVER_RC" = 137 ] || fail "natterd did not die of SIGKILL (exit $SERVER_RC)"
wait_client alice
rc=$?
[ "$rc" = 5 ] || fail_with "$T/alice.out" "alice exited $rc after the server died, want 5 (connection lost)"
[ -S "$S" ] || fail "precondition: $S should still exist after kill -9"

step "a new natterd on the same path comes up"
start_server -s "$S"
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" "^$TS -!- connected to .* as bob " || fail_with "$T/bob.out" "bob did not connect to the restarted server"
start_client carol -s "$S" -n carol
wait_for "$T/carol.out" "^$TS -!- connected to .* as carol " || fail_with "$T/carol.out" "carol did not connect to the restarted server"
wait_for "$T/bob.out" "^$TS -!- carol joined #lobby( \\(.*\\))?\$" || fail_with "$T/bob.out" "bob did not see carol join"
send carol "fresh start"
send bob "indeed"
wait_for "$T/bob.out" "^$TS <carol> fresh start\$" || fail_with "$T/bob.out" "bob did not get carol's message"
wait_for "$T/carol.out" "^$TS <bob> indeed\$" || fail_with "$T/carol.out" "carol did not get bob's message"
close_client bob
close_client carol
stop_server TERM || fail_with "$SERVER_ERR" "restarted natterd exited $SERVER_RC on SIGTERM, want 0"
[ -e "$S" ] && fail "$S left behind after a clean shutdown"
pass
