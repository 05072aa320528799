#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 46_batch_order.sh - messages batched per room (server/batch.c) still arrive exactly once and in id order, interleaved with other rooms and private messages.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

command -v socat >/dev/null 2>&1 || skip "socat is not installed"

S="$T/s.sock"
ROUNDS=300

step "recv (natter --json) in #a and #b"
start_server -s "$S" --rate 0
start_client recv -s "$S" -n recv --json
send recv "/join #a"
send recv "/join #b"
wait_for "$T/recv.out" '"type": *"join".*"room": *"#b".*"nick": *"recv"' ||
	fail_with "$T/recv.out" "recv did not get into #b"

# One write carries everything, so natterd reads it in one or a few passes:
# runs of #a messages (one batch) are broken by #b and private messages.
step "a line client sends $ROUNDS rounds of #a, #a, #b, private in one write"
{
	printf 'NICK snd\n/join #a\n/join #b\n'
	for ((i = 1; i <= ROUNDS; i++)); do
		printf '/msg #a a%d\n/msg #a A%d\n/msg #b b%d\n/msg recv p%d\n' "$i" "$i" "$i" "$i"
	done
} >"$T/snd.in"
want=$((ROUNDS * 4))
nt_spawn "$T/snd.in" "$T/snd.out" "$T/snd.err" socat -t 5 - "UNIX-CONNECT:$S"
wait_count "$T/recv.out" '"type": *"msg".*"from": *"snd"' "$want" 20 ||
	fail_with "$T/recv.out" "recv did not get all $want messages"

step "every message once, ids strictly increasing across rooms and private messages"
grep -E '"type": *"msg".*"from": *"snd"' "$T/recv.out" |
	sed -E 's/.*"id": *([0-9]+).*"text": *"([^"]*)".*/\1 \2/' >"$T/got"
[ "$(wc -l <"$T/got")" = "$want" ] || fail_with "$T/got" "want exactly $want messages"
awk 'NR > 1 && $1 <= prev { print "id " $1 " (" $2 ") after " prev; bad = 1 } { prev = $1 }
     END { exit bad }' "$T/got" >"$T/order" || fail_with "$T/order" "ids out of order"
for ((i = 1; i <= ROUNDS; i++)); do
	printf 'a%d\nA%d\nb%d\np%d\n' "$i" "$i" "$i" "$i"
done >"$T/want"
cut -d ' ' -f 2 "$T/got" | diff -u "$T/want" - >"$T/diff" || fail_with "$T/diff" "texts not in the order sent"
step "a message and QUIT read in one pass: the sender still gets its own copy before BYE"
printf 'last words\n' | timeout 20 "$NATTER" -s "$S" -n fay >"$T/fay.out" 2>"$T/fay.err" ||
	fail_with "$T/fay.err" "fay exited $?, want 0"
grep -Eq "^$TS <fay> last words\$" "$T/fay.out" || fail_with "$T/fay.out" "fay did not see her own message before BYE"
close_client recv
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
