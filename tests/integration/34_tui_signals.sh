#!/usr/bin/env bash
# 34_tui_signals.sh - Ctrl-C, SIGTERM and a SIGHUP (the terminal closing) end the TUI politely and leave the terminal sane.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client watch -s "$S" -n watch

step "Ctrl-C quits politely: the others see the leave, the terminal is sane"
tui_run alice -- -s "$S" -n alice
wait_screen alice 'connected to .* as alice' || fail_screen alice "alice's TUI never connected"
type_text alice "unsent words"
keys alice C-c
wait_exit alice 10
rc=$?
[ "$rc" = 0 ] || fail "natter exited $rc after Ctrl-C: $(cat "$T/alice.err")"
check_sane_tty alice
wait_for "$T/watch.out" 'alice left' || fail_with "$T/watch.out" "watch did not see alice leave"

step "SIGTERM does the same"
tui_run bob -- -s "$S" -n bob
wait_screen bob 'connected to .* as bob' || fail_screen bob "bob's TUI never connected"
pid=$(tm display-message -p -t bob '#{pane_pid}')
natter_pid=$(pgrep -P "$pid" -f 'natter --no-autostart' | head -n 1)
[ -n "$natter_pid" ] || fail "cannot find bob's natter process"
kill -TERM "$natter_pid"
wait_exit bob 10
rc=$?
[ "$rc" = 0 ] || fail "natter exited $rc after SIGTERM: $(cat "$T/bob.err")"
check_sane_tty bob
wait_for "$T/watch.out" 'bob left' || fail_with "$T/watch.out" "watch did not see bob leave"

step "the terminal going away (the tmux window is killed) ends natter"
tui_run carol -- -s "$S" -n carol
wait_screen carol 'connected to .* as carol' || fail_screen carol "carol's TUI never connected"
tm kill-session -t carol
wait_for "$T/watch.out" 'carol left' || fail_with "$T/watch.out" "natter did not leave when its terminal closed"
for ((i = 0; i < 100; i++)); do
	pgrep -f "natter --no-autostart -s $S -n carol" >/dev/null || break
	sleep 0.05
done
pgrep -f "natter --no-autostart -s $S -n carol" >/dev/null && fail "natter still runs after its terminal closed"
close_client watch || fail_with "$T/watch.err" "watch exited $?"
pass
