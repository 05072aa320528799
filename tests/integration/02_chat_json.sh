#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 02_chat_json.sh - three --json clients: same message ids, strictly increasing, identical on every client.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
NICKS=(alice bob carol)
ROUNDS=5
TOTAL=$((ROUNDS * ${#NICKS[@]} + 1))

# json_field NAME: that string or number field of each one-line JSON object on stdin.
json_field() {
	sed -E "s/.*\"$1\": *(\"(([^\"\\\\]|\\\\.)*)\"|([0-9]+|true|false)).*/\\2\\4/"
}

# jre TYPE KEY VALUE: an ERE for a JSON event line of TYPE whose KEY is the
# string VALUE, with the two keys in either order.
jre() {
	local t="\"type\": *\"$1\"" k="\"$2\": *\"$3\""
	printf '(%s.*%s|%s.*%s)' "$t" "$k" "$k" "$t"
}

# msgs FILE: "id from action text" for each msg event, in order.
msgs() {
	local f
	grep -E '"type": *"msg"' "$1" >"$T/msgs.tmp"
	for f in id from action text; do
		json_field "$f" <"$T/msgs.tmp" >"$T/msgs.$f"
	done
	paste -d ' ' "$T/msgs.id" "$T/msgs.from" "$T/msgs.action" "$T/msgs.text"
}

step "start natterd and three --json clients"
start_server -s "$S"
for n in "${NICKS[@]}"; do
	start_client "$n" -s "$S" -n "$n" --json
	wait_for "$T/$n.out" "$(jre welcome nick "$n")" ||
		fail_with "$T/$n.out" "$n printed no {\"type\":\"welcome\",\"nick\":\"$n\"} event"
done
wait_for "$T/alice.out" "$(jre join nick carol)" || fail_with "$T/alice.out" "alice saw no join event for carol"
wait_for "$T/bob.out" "$(jre join nick carol)" || fail_with "$T/bob.out" "bob saw no join event for carol"
grep -E '"type": *"welcome"' "$T/carol.out" | grep -Eq '"users": *3' ||
	fail_with "$T/carol.out" "carol's welcome event does not say \"users\":3"

step "everyone talks; bob also sends one /me"
for ((i = 1; i <= ROUNDS; i++)); do
	for n in "${NICKS[@]}"; do
		send "$n" "$n $i"
	done
done
send bob "/me waves"

step "every client has all $TOTAL msg events"
for n in "${NICKS[@]}"; do
	wait_count "$T/$n.out" '"type": *"msg"' "$TOTAL" ||
		fail_with "$T/$n.out" "$n has $(grep -Ec '"type": *"msg"' "$T/$n.out") msg events, want $TOTAL"
done
for n in "${NICKS[@]}"; do
	msgs "$T/$n.out" >"$T/msgs.$n"
	[ "$(wc -l <"$T/msgs.$n")" = "$TOTAL" ] ||
		fail "$n has $(wc -l <"$T/msgs.$n") msg events, want exactly $TOTAL"
	prev=0
	while read -r id _; do
		[[ $id =~ ^[0-9]+$ ]] || fail "$n: msg event without a numeric id"
		[ "$id" -gt "$prev" ] || fail "$n: msg ids not strictly increasing ($prev then $id)"
		prev=$id
	done <"$T/msgs.$n"
	for w in "${NICKS[@]}"; do
		for ((i = 1; i <= ROUNDS; i++)); do
			printf '%s false %s %s\n' "$w" "$w" "$i"
		done >"$T/want.$w"
		awk '{ print $2, $3, $4, $5 }' "$T/msgs.$n" | grep "^$w false " >"$T/got.$n.$w"
		cmp -s "$T/want.$w" "$T/got.$n.$w" ||
			fail "$n: $w's messages are not exactly \"$w 1\"..\"$w $ROUNDS\" in order: $(tr '\n' '|' <"$T/got.$n.$w")"
	done
	grep -q '^[0-9]* bob true waves$' "$T/msgs.$n" || fail "$n: bob's /me is not a msg with \"action\":true and text \"waves\""
done
if ! cmp -s "$T/msgs.alice" "$T/msgs.bob" || ! cmp -s "$T/msgs.alice" "$T/msgs.carol"; then
	fail "the clients disagree on message ids or order: $(diff "$T/msgs.alice" "$T/msgs.bob" | head -n 3 | tr '\n' '|')"
fi

step "carol leaves; alice and bob get a leave event"
close_client carol
rc=$?
[ "$rc" = 0 ] || fail "carol exited $rc on end of input, want 0"
for n in alice bob; do
	wait_for "$T/$n.out" "$(jre leave nick carol)" || fail_with "$T/$n.out" "$n saw no leave event for carol"
done
for n in alice bob; do
	close_client "$n"
	rc=$?
	[ "$rc" = 0 ] || fail "$n exited $rc on end of input, want 0"
	grep -Ev '^\{.*\}$' "$T/$n.out" | head -n 1 | grep -q . && fail "$n --json printed a line that is not a JSON object"
done
pass
