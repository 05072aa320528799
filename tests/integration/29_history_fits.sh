#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 29_history_fits.sh - a room's kept history larger than --max-queue: a newcomer gets the newest part that fits (older ones counted in MISSED when resuming) and is never dropped as too slow for replies it had no chance to read.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
start_server -s "$S" --max-queue 65536 --history 200 --rate 0

step "150 messages of 900 bytes (about 140 KB) are kept in #lobby"
long=$(printf '%0900d' 0 | tr 0 h)
args=()
for ((i = 1; i <= 150; i++)); do
	args+=(--say "$i $long" --wait MSG) # paced: its own echoes must not pile up past 64 KiB
done
timeout -k 5 60 "$RAWCLIENT" -s "$S" --timeout 40000 --hello poster "${args[@]}" --quit done >"$T/poster.out" 2>&1
grep -q "^MSG [0-9]* #lobby poster 0 150 h" "$T/poster.out" || fail_with "$T/poster.out" "the poster's 150th message was not echoed"
first=$(sed -n 's/^MSG \([0-9]*\) #lobby poster 0 1 h.*/\1/p' "$T/poster.out")

step "a newcomer gets the newest history that fits in half the queue, then the next message"
timeout -k 5 60 "$RAWCLIENT" -s "$S" --timeout 30000 --hello late --wait WELCOME \
	--say "late is here" --wait MSG --quit bye >"$T/late.out" 2>&1
grep -q '^BYE too slow' "$T/late.out" && fail_with "$T/late.out" "the newcomer was dropped as too slow for its history"
grep -q '^MSG [0-9]* #lobby late 0 late is here$' "$T/late.out" || fail_with "$T/late.out" "the newcomer did not stay to speak"
n=$(grep -c '^MSG [0-9]* #lobby poster 2 ' "$T/late.out")
[ "$n" -gt 0 ] && [ "$n" -lt 150 ] || fail_with "$T/late.out" "the newcomer got $n history lines, want some but not all 150"
grep -q "^MSG [0-9]* #lobby poster 2 150 h" "$T/late.out" || fail_with "$T/late.out" "the history replay lost its newest message"

step "natter resuming from the first message hears, in MISSED, of the ones left out"
printf '' | timeout -k 5 30 "$NATTER" --no-autostart --headless --json -s "$S" -n resumer --resume "$first" >"$T/res.out" 2>"$T/res.err"
grep -q '"type":"missed","room":"#lobby","count":[1-9]' "$T/res.out" || fail_with "$T/res.out" "no MISSED for the history left out"
grep -q '"type":"bye".*too slow' "$T/res.out" && fail_with "$T/res.out" "the resuming client was dropped as too slow"
pass
