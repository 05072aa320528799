#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 34_tui_signals.sh - SIGTERM, SIGQUIT (Ctrl-\) and SIGHUP (the terminal closing) end the TUI politely; SIGABRT and SIGSEGV kill it but leave the terminal sane and the shell's screen back.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client watch -s "$S" -n watch

# natter_pid NAME: the pid of the natter running in NAME's pane.
natter_pid() {
	local pane pid
	pane=$(tm display-message -p -t "$1" '#{pane_pid}')
	pid=$(pgrep -P "$pane" -f 'natter --no-autostart' | head -n 1)
	[ -n "$pid" ] || fail "cannot find $1's natter process"
	printf '%s\n' "$pid"
}

# check_shell_screen NAME: the pane left the alternate screen and shows the cursor again.
check_shell_screen() {
	local flags
	flags=$(tm display-message -p -t "$1" 'alternate=#{alternate_on} cursor=#{cursor_flag}')
	[ "$flags" = "alternate=0 cursor=1" ] || fail_screen "$1" "after $1's natter died the pane has $flags"
}

step "SIGTERM quits politely: the others see the leave, the terminal is sane"
tui_run bob -- -s "$S" -n bob
wait_screen bob 'connected to .* as bob' || fail_screen bob "bob's TUI never connected"
kill -TERM "$(natter_pid bob)"
wait_exit bob 10
rc=$?
[ "$rc" = 0 ] || fail "natter exited $rc after SIGTERM: $(cat "$T/bob.err")"
check_sane_tty bob
wait_for "$T/watch.out" 'bob left' || fail_with "$T/watch.out" "watch did not see bob leave"

step "SIGQUIT (Ctrl-\\) does the same: status 0, terminal sane, shell screen back"
tui_run quinn -- -s "$S" -n quinn
wait_screen quinn 'connected to .* as quinn' || fail_screen quinn "quinn's TUI never connected"
keys quinn "C-\\"
wait_exit quinn 10
rc=$?
[ "$rc" = 0 ] || fail "natter exited $rc after Ctrl-\\: $(cat "$T/quinn.err")"
check_sane_tty quinn
check_shell_screen quinn
wait_for "$T/watch.out" 'quinn left' || fail_with "$T/watch.out" "watch did not see quinn leave"

step "SIGABRT kills natter, but the terminal is cooked again and the shell's screen is back"
tui_run abby -- -s "$S" -n abby
wait_screen abby 'connected to .* as abby' || fail_screen abby "abby's TUI never connected"
kill -ABRT "$(natter_pid abby)"
wait_exit abby 10
rc=$?
[ "$rc" = 134 ] || fail "natter exited $rc after SIGABRT, not 134 (killed by SIGABRT)"
check_sane_tty abby
check_shell_screen abby

# Under AddressSanitizer SIGSEGV is the sanitizer's to report.
if [ -z "${ASAN_OPTIONS:-}" ]; then
	step "SIGSEGV the same"
	tui_run sam -- -s "$S" -n sam
	wait_screen sam 'connected to .* as sam' || fail_screen sam "sam's TUI never connected"
	kill -SEGV "$(natter_pid sam)"
	wait_exit sam 10
	rc=$?
	[ "$rc" = 139 ] || fail "natter exited $rc after SIGSEGV, not 139 (killed by SIGSEGV)"
	check_sane_tty sam
	check_shell_screen sam
fi

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
