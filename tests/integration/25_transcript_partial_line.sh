#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 25_transcript_partial_line.sh - a transcript whose last line a crash left unfinished: cut off and reported at start, and every message acknowledged after it survives the next restart.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
LOG="$T/log"

# texts FILE: the texts of the msg events of a --json client, in order, one a line.
texts() {
	grep -E '"type": *"msg"' "$1" | sed -E 's/.*"text":"([^"]*)".*/\1/'
}

step "a transcript as kill -9 leaves it: two whole lines, then half of a third"
mkdir -p "$LOG" || fail "mkdir $LOG"
printf '%s\n%s\n%s' \
	'1 2026-12-05T12:39:51.500Z <alice> first' \
	'2 2026-12-05T12:39:51.530Z <alice> second' \
	'3 2026-12-05T12:39:51.561Z <alice>' >"$LOG/lobby.log"
partial=$(printf '%s' '3 2026-12-05T12:39:51.561Z <alice>' | wc -c)

step "natterd cuts the unfinished line and says how many bytes from which file"
start_server -s "$S" --log "$LOG"
grep -q "cut $partial bytes off the end of $LOG/lobby.log" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "natterd did not report cutting $partial bytes off $LOG/lobby.log"
grep -q "unreadable" "$SERVER_ERR" && fail_with "$SERVER_ERR" "the cut line was also counted as unreadable"

step "w sends fourth and fifth; both are acknowledged"
start_client w -s "$S" -n reader --json
send w "fourth"
send w "fifth"
wait_for "$T/w.out" '"text":"fifth"' || fail_with "$T/w.out" "w's fifth was not acknowledged"
close_client w || fail "w exited $?, want 0"
tail -c 1 "$LOG/lobby.log" | od -An -c | grep -q '\\n' || fail "the transcript does not end with a newline"

step "after a restart the history holds every whole line and every acknowledged message"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"
start_server -s "$S" --log "$LOG"
grep -q "unreadable" "$SERVER_ERR" && fail_with "$SERVER_ERR" "the restarted natterd skipped lines: $(grep unreadable "$SERVER_ERR")"
grep -q "cut .* bytes" "$SERVER_ERR" && fail_with "$SERVER_ERR" "the second start cut something again"
start_client r -s "$S" -n r --json
wait_for "$T/r.out" '"text":"fifth"' || fail_with "$T/r.out" "fifth is not in the history after the restart"
printf '%s\n' first second fourth fifth >"$T/want"
texts "$T/r.out" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "history after the restart is '$(tr '\n' '|' <"$T/got")', want 'first|second|fourth|fifth|'"
close_client r || fail "r exited $?, want 0"
pass
