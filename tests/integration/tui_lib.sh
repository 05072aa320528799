# SPDX-License-Identifier: ISC
# tui_lib.sh - sourced by the tmux tests of the full-screen client (after ../lib.sh): a private tmux server, panes, screen waits.
# shellcheck shell=bash
#
# Each natter runs in a detached tmux session of a fixed size on a private
# tmux socket; the trap kills that tmux server (and so every pane's
# processes) before lib.sh cleans up. When natter exits, the pane records
# its exit status in $T/NAME.rc and `stty -a` in $T/NAME.stty.

command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || skip "the C.UTF-8 locale is missing"

TUI_TMUX_SOCK="natter-test-$$"
TUI_COLS=${TUI_COLS:-100}
TUI_ROWS=${TUI_ROWS:-30}
export LANG=C.UTF-8 LC_ALL=C.UTF-8

# tm ARGS...: tmux on the private socket. The client FIFOs' write ends are
# closed first: a tmux server that inherited one would keep a headless
# client from ever seeing the end of its input.
tm() {
	(
		for fd in ${NT_OPEN_FDS[@]+"${NT_OPEN_FDS[@]}"}; do
			exec {fd}>&-
		done
		exec tmux -L "$TUI_TMUX_SOCK" -f /dev/null "$@"
	)
}

# Kill the private tmux server first: its panes run our clients.
# shellcheck disable=SC2154 # nt_tui_rc is set inside the trap itself
trap 'nt_tui_rc=$?; tm kill-server >/dev/null 2>&1; nt_cleanup $nt_tui_rc' EXIT

# tui_start NAME [ENV=VALUE...] -- ARGS...: natter (--no-autostart added) in a
# new detached session NAME; it starts once $T/NAME.go exists (tui_go), so
# that pipe-pane can be set up before the first byte is drawn.
tui_start() {
	local name=$1 envs=() q
	shift
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	rm -f "$T/$name.rc" "$T/$name.stty" "$T/$name.go"
	printf -v q '%q ' env "HOME=$T" "XDG_DATA_HOME=$T/data.$name" "XDG_STATE_HOME=$T/state.$name" ${envs[@]+"${envs[@]}"} \
		"$NATTER" --no-autostart "$@"
	tm new-session -d -s "$name" -x "$TUI_COLS" -y "$TUI_ROWS" \
		"while [ ! -e $T/$name.go ]; do sleep 0.02; done; $q 2>$T/$name.err; echo \$? >$T/$name.rc.tmp; stty -a >$T/$name.stty 2>&1; mv $T/$name.rc.tmp $T/$name.rc; sleep 120" ||
		fail "tmux new-session $name failed"
}

tui_go() {
	: >"$T/$1.go"
}

# tui_run NAME [ENV...] -- ARGS...: start and go at once.
tui_run() {
	tui_start "$@"
	tui_go "$1"
}

# screen NAME: the visible text of NAME's pane.
screen() {
	tm capture-pane -p -t "$1" 2>/dev/null
}

# wait_screen NAME REGEX [SECONDS]: poll (every 50 ms, default up to 10 s)
# until a line of the pane matches the extended regex.
wait_screen() {
	local name=$1 re=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		screen "$name" | grep -Eq -- "$re" && return 0
		sleep 0.05
	done
	screen "$name" | grep -Eq -- "$re"
}

# wait_screen_gone NAME REGEX [SECONDS]: poll until no line matches.
wait_screen_gone() {
	local name=$1 re=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		screen "$name" | grep -Eq -- "$re" || return 0
		sleep 0.05
	done
	return 1
}

# fail_screen NAME MESSAGE: fail, showing the pane in the log first.
fail_screen() {
	printf -- '--- screen of %s:\n' "$1" >&2
	screen "$1" | sed 's/^/    |/' >&2
	[ -s "$T/$1.err" ] && { printf -- '--- stderr of %s:\n' "$1" >&2; tail -n 20 "$T/$1.err" >&2; }
	fail "$2"
}

# type_text NAME TEXT: type literally (no Enter).
type_text() {
	tm send-keys -t "$1" -l -- "$2"
}

# type_line NAME TEXT: type and press Enter.
type_line() {
	tm send-keys -t "$1" -l -- "$2"
	tm send-keys -t "$1" Enter
}

# keys NAME KEY...: tmux key names (PageUp, M-End, C-d, ...).
keys() {
	local name=$1
	shift
	tm send-keys -t "$name" "$@"
}

# input_line NAME: the bottom row of the pane (the input line), trailing blanks cut.
input_line() {
	screen "$1" | tail -n 1 | sed 's/[[:space:]]*$//'
}

# wait_exit NAME [SECONDS]: wait until natter in NAME has exited; its status is returned.
wait_exit() {
	local name=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		if [ -s "$T/$name.rc" ]; then
			return "$(cat "$T/$name.rc")"
		fi
		sleep 0.05
	done
	return 124
}

# check_sane_tty NAME: the terminal natter left behind is cooked again (icanon, echo).
check_sane_tty() {
	if ! grep -Eq '(^|[[:space:]])icanon([[:space:]]|$)' "$T/$1.stty" ||
		! grep -Eq '(^|[[:space:]])echo([[:space:]]|$)' "$T/$1.stty"; then
		fail "the terminal is not sane after $1's natter exited: $(tr '\n' ' ' <"$T/$1.stty")"
	fi
}
