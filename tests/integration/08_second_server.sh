#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 08_second_server.sh - a second natterd on a live server's path exits 3 naming the path and pid; the first keeps serving.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

# check_second ERRFILE PATH: the refusal names the path and the first server's pid.
check_second() {
	local rc=$1 err=$2 path=$3
	[ "$rc" = 3 ] || fail_with "$err" "second natterd on $path exited $rc, want 3"
	grep -qF -- "$path" "$err" || fail_with "$err" "second natterd's message does not name $path"
	grep -Eq "(^|[^0-9])$SERVER_PID([^0-9]|\$)" "$err" ||
		fail_with "$err" "second natterd's message does not name the running server's pid $SERVER_PID"
}

step "explicit path"
S="$T/s.sock"
start_server -s "$S"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
timeout 10 "$NATTERD" -s "$S" >"$T/second.out" 2>"$T/second.err"
check_second $? "$T/second.err" "$S"

step "the first natterd still serves old and new clients"
[ -S "$S" ] || fail "the second natterd removed $S"
start_client bob -s "$S" -n bob
wait_for "$T/bob.out" "^$TS -!- connected to .* as bob in #lobby \\(2 users\\)" || fail_with "$T/bob.out" "bob could not join the first server"
send bob "still here?"
wait_for "$T/alice.out" "^$TS <bob> still here\\?\$" || fail_with "$T/alice.out" "alice did not get bob's message"
close_client bob
close_client alice
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"

step "default path (\$XDG_RUNTIME_DIR/natter/natter.sock)"
D="$XDG_RUNTIME_DIR/natter/natter.sock"
start_server
if [ "$SERVER_SOCK" != "$D" ] || [ ! -S "$D" ]; then
	fail "natterd without -s did not create $D"
fi
timeout 10 "$NATTERD" >"$T/second2.out" 2>"$T/second2.err"
check_second $? "$T/second2.err" "$D"
start_client carol -n carol
wait_for "$T/carol.out" "^$TS -!- connected to .* as carol " || fail_with "$T/carol.out" "carol (no -s) did not connect to the default path"
close_client carol
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
