#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 13_hello_timeout.sh - a connection that never completes HELLO is closed with ERR_TIMEOUT (106) after HELLO_TIMEOUT_S.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client watch -s "$S" -n watch
wait_for "$T/watch.out" "^$TS -!- connected to .* as watch " || fail_with "$T/watch.out" "the normal client did not connect"

step "silent connection and half a header, in parallel; both must be closed with 106"
declare -A tpid
nt_spawn /dev/null "$T/silent.out" "$T/silent.err" "$RAWCLIENT" -s "$S" --timeout 25000
tpid[silent]=$NT_LAST_TPID
nt_spawn /dev/null "$T/half.out" "$T/half.err" "$RAWCLIENT" -s "$S" --timeout 25000 --raw '00 00'
tpid[half]=$NT_LAST_TPID
for c in silent half; do
	nt_wait_exit "${tpid[$c]}" 28 || fail "the $c connection was still open after 28 s"
	[ "$NT_RC" = 0 ] || fail_with "$T/$c.out" "the $c connection: rawclient exited $NT_RC, want 0 (closed by the server)"
	head -n 1 "$T/$c.out" | grep -Eq '^ERROR 106 ' || fail_with "$T/$c.out" "the $c connection was not sent 'ERROR 106 ...'"
done
send watch "still here"
wait_for "$T/watch.out" "^$TS <watch> still here\$" || fail_with "$T/watch.out" "the normal client was not served"
close_client watch
pass
