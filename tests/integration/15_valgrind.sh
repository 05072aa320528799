#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 15_valgrind.sh - natterd under valgrind through a chat, hostile frames and SIGTERM: no errors, no definite leaks, exit 0.
# natter-test: valgrind-only
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

command -v valgrind >/dev/null 2>&1 || skip "valgrind is not installed"
grep -qa '__asan_init' "$NATTERD" && skip "$NATTERD is an AddressSanitizer build; valgrind cannot run it"

S="$T/s.sock"
SERVER_PREFIX=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--log-file="$T/valgrind.log")
START_TIMEOUT=30
start_server -s "$S"

step "three clients chat, rename, list, act"
for n in alice bob carol; do
	start_client "$n" -s "$S" -n "$n"
	wait_for "$T/$n.out" "^$TS -!- connected to .* as $n " 20 || fail_with "$T/$n.out" "$n did not connect"
done
for ((i = 1; i <= 5; i++)); do
	for n in alice bob carol; do
		send "$n" "$n says $i"
	done
done
send bob "/nick robert"
send carol "/me is here"
send alice "/who"
for n in alice bob carol; do
	wait_for "$T/$n.out" "^$TS <carol> carol says 5\$" 20 || fail_with "$T/$n.out" "$n never got carol's last message"
done
wait_for "$T/alice.out" "^$TS -!- bob is now known as robert\$" 20 || fail_with "$T/alice.out" "alice did not see the rename"

step "hostile frames on the side"
timeout 30 "$RAWCLIENT" -s "$S" --raw '00 01 00 01' >"$T/raw1.out" 2>&1
timeout 30 "$RAWCLIENT" -s "$S" --text 'GET / HTTP/1.0\r\n\r\n' >"$T/raw2.out" 2>&1
timeout 30 "$RAWCLIENT" -s "$S" --timeout 2000 --hello mal --wait WELCOME --say-hex 'c3 28' --wait ERROR \
	--raw '00 00 00 10 10 00' >"$T/raw3.out" 2>&1
grep -q '^ERROR 202 ' "$T/raw3.out" || fail_with "$T/raw3.out" "bad UTF-8 under valgrind got no ERROR 202"
timeout 30 "$RAWCLIENT" -s "$S" --trickle --hello trick --wait WELCOME --say 'one byte at a time' --wait MSG \
	--quit bye --wait BYE >"$T/raw4.out" 2>&1
grep -q '^BYE quit' "$T/raw4.out" || fail_with "$T/raw4.out" "byte-by-byte session under valgrind did not end with 'BYE quit'"

step "one client quits, then SIGTERM"
close_client carol 20
rc=$?
[ "$rc" = 0 ] || fail "carol exited $rc on end of input, want 0"
wait_for "$T/alice.out" "^$TS -!- carol left #lobby" 20 || fail_with "$T/alice.out" "alice did not see carol leave"
stop_server TERM 60
case $SERVER_RC in
0) ;;
99) fail_with "$T/valgrind.log" "valgrind found memory errors or definite leaks in natterd (exit 99)" ;;
*) fail_with "$T/valgrind.log" "natterd under valgrind exited $SERVER_RC on SIGTERM, want 0" ;;
esac
for n in alice bob; do
	wait_client "$n" 20
done
pass
