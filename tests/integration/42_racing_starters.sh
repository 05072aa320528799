#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 42_racing_starters.sh - five servers started at once leave exactly one; kill -9 and restart is clean; the mode is exact every time.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

step "five natterd on one path at once"
pids=()
for i in 1 2 3 4 5; do
	nt_spawn /dev/null "$T/race.$i.out" "$T/race.$i.err" "$NATTERD" -s "$S" --mode 0640
	pids+=("$NT_LAST_TPID")
done
refused=0
for i in 1 2 3 4 5; do
	if nt_wait_exit "${pids[i - 1]}" 15; then
		[ "$NT_RC" = 3 ] || fail_with "$T/race.$i.err" "starter $i exited $NT_RC, want 3 (already running)"
		grep -Eq "already running at $(re_escape "$S")" "$T/race.$i.err" ||
			fail_with "$T/race.$i.err" "starter $i did not say a server is already running at $S"
		refused=$((refused + 1))
	else
		winner=${pids[i - 1]}
	fi
done
[ "$refused" = 4 ] || fail "$refused starters were refused, want 4 (one keeps running)"
timeout 10 "$RAWCLIENT" -s "$S" --hello probe --wait WELCOME --quit x --wait BYE >"$T/probe.out" 2>&1 ||
	fail_with "$T/probe.out" "the one remaining server does not serve"
[ "$(stat -c %a "$S")" = 640 ] || fail "socket mode is $(stat -c %a "$S"), want 640"

step "kill -9, then restarts: the stale socket is replaced, the mode is exact each time"
kill -KILL -- "-$winner"
nt_wait_exit "$winner" 10
[ -S "$S" ] || fail "kill -9 left no socket file; this test wants to see a stale one replaced"
for i in 1 2 3 4 5 6 7 8 9 10; do
	mode=$([ $((i % 2)) = 0 ] && echo 0600 || echo 0666)
	start_server -s "$S" --mode "$mode"
	[ "$(stat -c %a "$S")" = "${mode#0}" ] || fail "restart $i: socket mode $(stat -c %a "$S"), want ${mode#0}"
	stop_server TERM || fail_with "$SERVER_ERR" "restart $i: natterd exited $SERVER_RC"
	[ -e "$S" ] && fail "restart $i: the socket file outlived a clean shutdown"
done
pass
