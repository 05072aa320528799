#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 58_headless_keepalive.sh - a headless client PINGs a frozen server (kill -STOP) and exits 5 when it stays unanswered, instead of hanging; a live one is left alone.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

# Never leave natterd stopped, whatever happens.
# shellcheck disable=SC2154 # nt_rc is set inside the trap itself
trap 'nt_rc=$?; [ -n "${SERVER_PID:-}" ] && kill -CONT "$SERVER_PID" 2>/dev/null; nt_cleanup $nt_rc' EXIT

S="$T/s.sock"
start_server -s "$S"

step "a quiet but live server is PINGed and answers: the client stays"
start_program live env NATTER_PING_MS=200 "$NATTER" --no-autostart -s "$S" -n live --trace="$T/live.trace"
wait_for "$T/live.out" 'connected to .* as live ' || fail_with "$T/live.err" "live never connected"
wait_count "$T/live.trace" 'PONG' 2 || fail_with "$T/live.trace" "live got no PONG for its PINGs"
close_client live || fail "live exited $?, want 0"
start_client patient -s "$S" -n patient
wait_for "$T/patient.out" 'connected to .* as patient ' || fail_with "$T/patient.err" "patient never connected"

step "natterd stopped: the client gives up and exits 5"
start_program bot env NATTER_PING_MS=200 "$NATTER" --no-autostart -s "$S" -n bot
wait_for "$T/bot.out" 'connected to .* as bot ' || fail_with "$T/bot.err" "bot never connected"
kill -STOP "$SERVER_PID" || fail "cannot stop natterd"
send bot "hello?"
wait_client bot 20
rc=$?
kill -CONT "$SERVER_PID"
[ "$rc" = 5 ] || fail_with "$T/bot.err" "bot exited $rc with natterd frozen, want 5"
grep -q 'has not answered a PING for 1 s' "$T/bot.err" || fail_with "$T/bot.err" "bot did not say why it gave up"

step "natterd resumed: a client with the default interval (10 s) rode out the short freeze"
send patient "after"
wait_for "$T/patient.out" '<patient> after' || fail_with "$T/patient.out" "patient's line after the freeze did not come back"
close_client patient || fail "patient exited $?, want 0"
pass
