#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 09_shutdown_signals.sh - SIGTERM and SIGINT: clients get the BYE, natterd exits 0, socket and lock files are gone.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

for sig in TERM INT; do
	step "SIG$sig"
	S="$T/$sig.sock"
	start_server -s "$S"
	for c in "a$sig" "b$sig"; do
		start_client "$c" -s "$S" -n "$([ "$c" = "a$sig" ] && echo alice || echo bob)"
		wait_for "$T/$c.out" "^$TS -!- connected to " || fail_with "$T/$c.out" "$c did not connect"
	done
	wait_for "$T/a$sig.out" "^$TS -!- bob joined #lobby( \\(.*\\))?\$" || fail_with "$T/a$sig.out" "alice did not see bob join"
	# A protocol-level view of the same shutdown.
	nt_spawn /dev/null "$T/raw$sig.out" "$T/raw$sig.err" "$RAWCLIENT" -s "$S" --timeout 30000 --hello rawwy --wait WELCOME
	raw_tpid=$NT_LAST_TPID
	wait_for "$T/raw$sig.out" '^WELCOME ' || fail_with "$T/raw$sig.out" "rawclient got no WELCOME"
	wait_for "$T/a$sig.out" "^$TS -!- rawwy joined #lobby( \\(.*\\))?\$" || fail_with "$T/a$sig.out" "alice did not see rawwy join"

	stop_server "$sig"
	[ "$SERVER_RC" = 0 ] || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIG$sig, want 0"
	for c in "a$sig" "b$sig"; do
		wait_for "$T/$c.out" "^$TS -!- disconnected: server shutting down\$" ||
			fail_with "$T/$c.out" "$c did not print 'disconnected: server shutting down'"
		wait_client "$c"
		rc=$?
		[ "$rc" = 5 ] || fail_with "$T/$c.err" "$c exited $rc when the server shut down, want 5"
	done
	nt_wait_exit "$raw_tpid" 10 || fail "rawclient still connected after natterd exited"
	[ "$NT_RC" = 0 ] || fail_with "$T/raw$sig.out" "rawclient exited $NT_RC, want 0 (server closed)"
	tail -n 2 "$T/raw$sig.out" | head -n 1 | grep -qx 'BYE server shutting down code=2' ||
		fail_with "$T/raw$sig.out" "the last frame before the close was not 'BYE server shutting down code=2'"
	[ -e "$S" ] && fail "socket file $S left behind after SIG$sig"
	[ -e "$S.lock" ] && fail "lock file $S.lock left behind after SIG$sig"
done
pass
