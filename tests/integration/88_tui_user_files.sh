#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 88_tui_user_files.sh - what natter leaves behind: the history moved once to $XDG_STATE_HOME, a word about the natterd it started; natterd & logs to a file, not over the terminal.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

H="$T/home"
old="$H/.local/share/natter/history"
new="$H/.local/state/natter/history"
sock="$XDG_RUNTIME_DIR/natter/natter.sock"

# adopt_server: the natterd natter started (in a session and process
# group of its own) joins the groups lib.sh kills at the end, whatever
# happens; its pid goes in spid.
adopt_server() {
	local i pg
	for ((i = 0; i < 100; i++)); do
		spid=$(pgrep -f "^natterd --socket $sock\$" | head -n 1)
		pg=$(ps -o pgid= -p "${spid:-0}" 2>/dev/null | tr -d ' ')
		if [ -n "$spid" ] && [ -n "$pg" ]; then
			NT_TPIDS+=("$pg")
			return 0
		fi
		sleep 0.05
	done
	return 1
}

step "an old history file in ~/.local/share; natter starts a server for itself"
mkdir -p "${old%/*}" || fail "cannot make $H"
printf 'an old line\n' >"$old"
# Empty XDG variables mean the defaults under HOME.
tui_run hist "HOME=$H" XDG_DATA_HOME= XDG_STATE_HOME= -- --autostart -n hist
wait_screen hist 'connected to .* as hist in #lobby' || fail_screen hist "natter did not start a server and connect"
adopt_server || fail_screen hist "natter said it connected, but no natterd runs on $sock"

step "the history moved to ~/.local/state (0700), once, and Up still finds the old line"
[ -f "$new" ] || fail "no history file at $new: $(find "$H" -type f | tr '\n' ' ')"
[ -e "$old" ] && fail "the old history file $old is still there after the move"
[ "$(stat -c %a "${new%/*}")" = 700 ] || fail "${new%/*} has mode $(stat -c %a "${new%/*}"), want 700"
keys hist Up
wait_screen hist '^> an old line$' || fail_screen hist "Up does not bring back the line from the old history file"
keys hist C-u
type_line hist "a new line"
wait_screen hist '<hist> a new line$' || fail_screen hist "the new line was not sent"

step "after /quit natter says the natterd it started still runs, and how to stop it"
type_line hist "/quit"
wait_exit hist 10
rc=$?
[ "$rc" = 0 ] || fail "natter exited $rc after /quit: $(oneline "$T/hist.err")"
grep -qx -e 'an old line' "$new" && grep -qx -e 'a new line' "$new" ||
	fail "the history at $new does not hold both the old and the new line: $(tr '\n' '|' <"$new")"
[ -e "$old" ] && fail "a history file came back at the old place $old"
want="natter: the natterd started for you is still running (pid $spid, socket $sock); stop it with: natterctl shutdown"
grep -qxF -- "$want" "$T/hist.err" || fail_with "$T/hist.err" "natter's last words are not: $want"
kill -0 "$spid" 2>/dev/null || fail "the natterd natter started (pid $spid) is not running after all"
timeout 20 "$NT_ROOT/bin/natterctl" shutdown >"$T/ctl.out" 2>"$T/ctl.err" ||
	fail_with "$T/ctl.err" "'natterctl shutdown', as natter said, did not stop the server"
for ((i = 0; i < 200; i++)); do
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$spid" 2>/dev/null && fail "natterd (pid $spid) still runs 10 s after 'natterctl shutdown'"

step "natterd & in an interactive shell logs to a file, not over the terminal"
tm new-session -d -s sh -x "$TUI_COLS" -y "$TUI_ROWS" "env -i PATH=/usr/bin:/bin HOME=$T TERM=screen PS1='$ ' bash --norc --noprofile -i" ||
	fail "tmux new-session sh failed"
bg="$T/bg.sock"
type_line sh "$NATTERD -s $bg &"
# The job's group (its own: the shell has job control) is killed at the end.
for ((i = 0; i < 100; i++)); do
	bgpid=$(pgrep -f "^$NATTERD -s $bg\$" | head -n 1)
	bgpg=$(ps -o pgid= -p "${bgpid:-0}" 2>/dev/null | tr -d ' ')
	[ -n "$bgpg" ] && NT_TPIDS+=("$bgpg") && break
	sleep 0.05
done
[ -n "$bgpg" ] || fail_screen sh "natterd & is not running"
wait_screen sh "logging to $(re_escape "$bg.log")" || fail_screen sh "natterd & did not say where its log goes"
for ((i = 0; i < 100; i++)); do
	[ -S "$bg" ] && grep -q 'listening on' "$bg.log" 2>/dev/null && break
	sleep 0.05
done
grep -q "listening on $bg" "$bg.log" || fail_screen sh "natterd & did not log 'listening on $bg' to $bg.log"
screen sh | grep -q 'info: ' && fail_screen sh "natterd & wrote its log lines over the terminal"
type_line sh "$NT_ROOT/bin/natterctl -s $bg shutdown"
for ((i = 0; i < 200; i++)); do
	kill -0 "${bgpid:-0}" 2>/dev/null || break
	sleep 0.05
done
kill -0 "${bgpid:-0}" 2>/dev/null && fail_screen sh "natterctl -s $bg shutdown, as natterd said, did not stop it"
grep -q 'stopped' "$bg.log" || fail_screen sh "natterd & did not log its end to $bg.log"
screen sh | grep -q 'info: ' && fail_screen sh "natterd & wrote log lines over the terminal on its way out"

step "a natter that started nothing says nothing about a server"
start_server -s "$T/own.sock"
start_client quiet -s "$T/own.sock" -n quiet
wait_for "$T/quiet.out" 'connected to' || fail_with "$T/quiet.out" "the headless client did not connect"
close_client quiet || fail_with "$T/quiet.err" "the headless client did not exit 0"
grep -q 'still running' "$T/quiet.err" && fail_with "$T/quiet.err" "natter talks of a server it did not start"
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM"

pass
