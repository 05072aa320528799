#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 72_example_client.sh - examples/natter-mini.c builds warning-free with its one cc line and chats both ways with natter through a real natterd.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "$CC is not installed"

step "the one line of examples/README.md, with -Werror"
"$CC" -std=c11 -Wall -Wextra -Werror -o "$T/natter-mini" "$NT_ROOT/examples/natter-mini.c" 2>"$T/cc.err" ||
	fail_with "$T/cc.err" "examples/natter-mini.c does not compile warning-free"

step "natterd and alice (natter); alice talks first, so mini's first read holds several frames"
start_server -s "$S"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
for i in 1 2 3; do
	send alice "before mini $i"
done
wait_for "$T/alice.out" "^$TS <alice> before mini 3\$" || fail_with "$T/alice.out" "alice's lines did not come back"

step "mini connects: WELCOME, then the history, in order"
start_program mini "$T/natter-mini" "$S" mini
wait_for "$T/mini.out" '^-- connected as mini$' || fail_with "$T/mini.out" "natter-mini printed no '-- connected as mini'"
wait_for "$T/mini.out" '^<alice> before mini 3$' || fail_with "$T/mini.out" "natter-mini did not show #lobby's history"
printf '<alice> before mini %s\n' 1 2 3 >"$T/history.want"
grep '^<alice> before' "$T/mini.out" | cmp -s - "$T/history.want" || fail_with "$T/mini.out" "natter-mini's history is not alice's 3 lines in order"

step "both ways, actions, and an escape sequence shown as ^["
send mini "hello from mini"
wait_for "$T/alice.out" "^$TS <mini> hello from mini\$" || fail_with "$T/alice.out" "alice did not get mini's line"
wait_for "$T/mini.out" '^<mini> hello from mini$' || fail_with "$T/mini.out" "mini's own line did not come back"
send alice "hi mini"
wait_for "$T/mini.out" '^<alice> hi mini$' || fail_with "$T/mini.out" "natter-mini did not print '<alice> hi mini'"
send alice "/me waves"
wait_for "$T/mini.out" '^\* alice waves$' || fail_with "$T/mini.out" "natter-mini did not print the action"
long=$(printf '%04000d' 0 | tr 0 y)
send alice "$long"
wait_for "$T/mini.out" "^<alice> $long\$" || fail_with "$T/mini.out" "natter-mini did not print a 4000-byte message whole"
# A tab is the one control character the server lets through in text: mini shows it as ^I.
send alice $'tab\there'
wait_for "$T/mini.out" '^<alice> tab' || fail_with "$T/mini.out" "natter-mini did not print alice's tab line"
if LC_ALL=C grep -q -P '[\x00-\x09\x0b-\x1f\x7f]' "$T/mini.out"; then
	fail_with "$T/mini.out" "natter-mini printed a raw control character"
fi
grep -q '^<alice> tab^Ihere$' "$T/mini.out" || fail_with "$T/mini.out" "natter-mini did not show the tab as ^I"

step "end of input: mini sends its last line and QUIT, gets BYE, exits 0"
printf 'no newline at the end' >&"${CLIENT_FD[mini]}"
close_client mini
rc=$?
[ "$rc" = 0 ] || fail_with "$T/mini.err" "natter-mini exited $rc, want 0"
wait_for "$T/alice.out" "^$TS <mini> no newline at the end\$" || fail_with "$T/alice.out" "mini's last line (no newline) was lost"
wait_for "$T/alice.out" "^$TS -!- mini left #lobby" || fail_with "$T/alice.out" "alice did not see mini leave"
close_client alice || fail_with "$T/alice.err" "alice did not exit cleanly"
pass
