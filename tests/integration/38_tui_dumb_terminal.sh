#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 38_tui_dumb_terminal.sh - a terminal that cannot move the cursor (TERM=dumb), or one terminfo does not know, is refused in one sentence that suggests --headless (exit 2), and no server is started or asked.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=SCRIPTDIR/tui_lib.sh
. "$NT_ROOT/tests/integration/tui_lib.sh"

S="$T/s.sock"
start_server -s "$S"
start_client watch -s "$S" -n watch

step "TERM=dumb: one sentence on stderr, exit status 2, nobody joined"
tui_run dumb TERM=dumb -- -s "$S" -n dumb
wait_exit dumb 10
rc=$?
[ "$rc" = 2 ] || fail_screen dumb "natter exited $rc with TERM=dumb, not 2 (usage)"
[ "$(wc -l <"$T/dumb.err")" = 1 ] || fail "stderr is not one line: $(cat "$T/dumb.err")"
grep -qx "natter: the terminal 'dumb' cannot move the cursor; use natter --headless, or set TERM (e.g. TERM=xterm-256color)" "$T/dumb.err" ||
	fail "unexpected stderr with TERM=dumb: $(cat "$T/dumb.err")"
check_sane_tty dumb

step "a TERM terminfo does not know: the same kind of sentence"
tui_run odd TERM=no-such-terminal-38 -- -s "$S" -n odd
wait_exit odd 10
rc=$?
[ "$rc" = 2 ] || fail_screen odd "natter exited $rc with an unknown TERM, not 2"
grep -q "^natter: the terminal type 'no-such-terminal-38' is not in the terminfo database; use natter --headless" "$T/odd.err" ||
	fail "unexpected stderr with an unknown TERM: $(cat "$T/odd.err")"

step "--headless still works there"
start_client head -s "$S" -n head
wait_for "$T/head.out" 'connected to .* as head' || fail_with "$T/head.out" "headless natter did not connect"
close_client head || fail_with "$T/head.err" "headless natter exited $?"
close_client watch || fail_with "$T/watch.err" "watch exited $?"
grep -Eq '(dumb|odd) joined' "$T/watch.out" && fail_with "$T/watch.out" "a refused terminal still joined the server"
pass
