#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 10_socket_mode.sh - the socket file is 0600 by default and exactly --mode otherwise, whatever the umask.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

step "default: 0600 even with umask 000, in a 0700 directory"
umask 000
start_server
D="$XDG_RUNTIME_DIR/natter"
mode=$(stat -c %a "$D/natter.sock") || fail "no socket at $D/natter.sock"
[ "$mode" = 600 ] || fail "default socket mode is $mode, want 600"
dmode=$(stat -c %a "$D")
[ "$dmode" = 700 ] || fail "socket directory $D has mode $dmode, want 700"
start_client alice -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect to the default socket"
close_client alice
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"

umask 077
for m in 0666 0660; do
	step "--mode $m with umask 077"
	S="$T/m$m.sock"
	start_server -s "$S" --mode "$m"
	mode=$(stat -c %a "$S") || fail "no socket at $S"
	[ "$mode" = "${m#0}" ] || fail "--mode $m gave socket mode $mode"
	stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
done

step "an invalid --mode is a usage error"
timeout 10 "$NATTERD" -s "$T/bad.sock" --mode 999 >"$T/badmode.out" 2>"$T/badmode.err"
rc=$?
[ "$rc" = 2 ] || fail_with "$T/badmode.err" "natterd --mode 999 exited $rc, want 2 (usage)"
[ -e "$T/bad.sock" ] && fail "natterd --mode 999 created $T/bad.sock"
pass
