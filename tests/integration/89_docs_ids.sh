#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 89_docs_ids.sh - the message ids in the README, the manual pages and natter's own messages look like the ids a real server hands out.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

step "a real id, from a real server"
start_server -s "$T/s.sock"
start_client bot -s "$T/s.sock" -n bot --json
send bot "what is my id"
wait_for "$T/bot.out" '"type":"msg".*"text":"what is my id"' || fail_with "$T/bot.out" "the message never came back"
close_client bot || fail_with "$T/bot.err" "natter --json did not exit 0"
real=$(sed -n -E 's/.*"type":"msg","id":([0-9]+),.*/\1/p' "$T/bot.out" | head -n 1)
[ -n "$real" ] || fail_with "$T/bot.out" "no id in natter --json's msg line"
digits=${#real}
step "real ids have $digits digits (e.g. $real)"

# Each id an example shows, one "FILE: ID" a line: JSON ids, --resume
# arguments (roff writes \-\-resume), MISSED's first kept id, and the id
# that starts a transcript line.
examples() {
	grep -o -E '"id": ?[0-9]+|(\\-\\-|--)resume [0-9]+|first kept id [0-9]+|["`][0-9]{4,} [0-9]{4}\\?-' "$@" /dev/null |
		sed -E 's/ [0-9]{4}\\?-$//; s/^([^:]+):.*[^0-9]([0-9]+)$/\1: \2/'
}

step "every id in the README and the manual pages has $digits digits"
cd "$NT_ROOT" || fail "cannot cd to $NT_ROOT"
examples README.md man/*.1 >"$T/ids.txt"
[ -s "$T/ids.txt" ] || fail "found no id examples in README.md and man/*.1 (has the pattern gone stale?)"
grep -q '^README.md: ' "$T/ids.txt" || fail "found no id example in README.md"
while read -r file id; do
	[ "${#id}" = "$digits" ] || fail "$file shows the id $id; real ids look like $real"
done <"$T/ids.txt"
cd "$T" || fail "cannot cd back to $T"

step "natter's own example of an id, in the --resume error, looks real too"
timeout 10 "$NATTER" --resume not-a-number </dev/null >"$T/resume.out" 2>"$T/resume.err"
[ "$?" = 2 ] || fail_with "$T/resume.err" "natter --resume not-a-number did not exit 2"
shown=$(grep -o -E 'such as [0-9]+' "$T/resume.err" | grep -o -E '[0-9]+')
[ -z "$shown" ] || [ "${#shown}" = "$digits" ] || fail_with "$T/resume.err" "natter's --resume error gives $shown as an example id; real ids look like $real"

pass
