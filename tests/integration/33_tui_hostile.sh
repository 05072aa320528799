#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 33_tui_hostile.sh - a hostile server sends escape sequences in every string; the raw bytes the TUI writes to its terminal carry none of them.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/../integration/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

HOSTILE="$(dirname "$NATTERD")/tui_hostile_server"
[ -x "$HOSTILE" ] || HOSTILE="$NT_ROOT/bin/tui_hostile_server"
[ -x "$HOSTILE" ] || skip "$HOSTILE is not built (run make)"
S="$T/evil.sock"

step "start the hostile server and a TUI whose terminal output is recorded raw"
nt_spawn /dev/null "$T/hostile.out" "$T/hostile.err" "$HOSTILE" "$S"
for ((i = 0; i < 100; i++)); do
	[ -S "$S" ] && break
	sleep 0.05
done
[ -S "$S" ] || fail_with "$T/hostile.err" "the hostile server did not start"
tui_start alice -- -s "$S" -n alice
tm pipe-pane -o -t alice "cat >>$T/raw.out" || fail "tmux pipe-pane failed"
tui_go alice
wait_screen alice '<mallory> HOSTILE-DONE$' || fail_screen alice "the last hostile message never showed"

step "the hostile strings are shown, made visible"
wait_screen alice '<mallory> \^\[\[2J\^\[\[31mHOSTILE1' || fail_screen alice "ESC is not shown as ^["
wait_screen alice '\^\[\]0;TITLE-PWNED\^GHOSTILE2' || fail_screen alice "the OSC title change is not shown as text"
wait_screen alice '<U\+009B>31mHOSTILE3' || fail_screen alice "the C1 CSI is not shown as <U+009B>"
wait_screen alice 'HOSTILE4 over\^Mwrite' || fail_screen alice "the carriage return is not shown as ^M"
wait_screen alice 'HOSTILE7 bidi <U\+202E> reversed' || fail_screen alice "the bidi override is not shown as <U+202E>"
wait_screen alice '<m\^\[\[5mallory> HOSTILE8' || fail_screen alice "the escape in a sender's nick is not shown as ^["
wait_screen alice 'HOSTILE9 notice \^\[\]52;c;' || fail_screen alice "the OSC 52 clipboard write is not shown as text"
wait_screen alice 'HOSTILE10 error \^\[\[8m hidden' || fail_screen alice "the ERROR text is not made visible"
wait_screen alice 'mal\^\[\[31mlory joined #lobby\^\[\[2J' || fail_screen alice "the JOIN strings are not made visible"

step "none of the hostile sequences reached the terminal raw"
keys alice C-d
wait_exit alice 10
rc=$?
[ "$rc" = 0 ] || fail "natter exited $rc after Ctrl-D: $(cat "$T/alice.err")"
check_sane_tty alice
LC_ALL=C grep -aq 'HOSTILE-DONE' "$T/raw.out" || fail "pipe-pane did not record the session"
# Each pattern is a byte sequence that only the hostile text contains.
bad=0
for pat in '\x1b\[31mHOSTILE1' '\x1b\]0;TITLE-PWNED' '\x1b\]0;SERVER-PWNED' '\x1b\]0;LOGIN-PWNED' \
	'\xc2\x9b31mHOSTILE3' 'over\rwrite' '\x1b\[\?1049lHOSTILE5' '\x1bP\+q' '\x1b\]52;c' \
	'\x1b\[5mallory' '\x1b\[8m hidden' 'mal\x1b\[31mlory' '#lobby\x1b\[2J' 'bell\x07'; do
	if LC_ALL=C grep -aqP -- "$pat" "$T/raw.out"; then
		printf 'raw terminal output contains %s\n' "$pat"
		bad=1
	fi
done
[ "$bad" = 0 ] || fail "hostile bytes reached the terminal raw (see above)"
# Every ESC natter wrote must begin a sequence curses chose: CSI or a charset switch, never OSC, DCS or APC.
LC_ALL=C grep -aqP '\x1b[\]P_^X]' "$T/raw.out" && fail "the raw output holds an OSC/DCS/APC/PM/SOS sequence"
title=$(tm display-message -p -t alice '#{pane_title}')
case $title in
*PWNED*) fail "the pane title was changed to '$title'" ;;
esac
pass
