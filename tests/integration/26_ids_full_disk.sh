#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 26_ids_full_disk.sh - message ids never go back: not after a full log disk (ulimit -f) and kill -9, not when --log starts on an empty directory; lines the disk refused are written once it has room.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
LOG="$T/log"

# msgs FILE: "id text history" for each msg event of a --json client, in order.
msgs() {
	grep -E '"type": *"msg"' "$1" |
		sed -E 's/.*"id":([0-9]+),.*"text":"([^"]*)",.*"history":(true|false).*/\1 \2 \3/'
}

# id_of FILE TEXT: the id of the (one) message whose text is TEXT.
id_of() {
	msgs "$1" | awk -v t="$2" '$2 == t { print $1; exit }'
}

# said_ok NAME TEXT: wait until client NAME (--json) got its own TEXT back.
said_ok() {
	wait_for "$T/$1.out" "\"text\":\"$2\"" || fail_with "$T/$1.out" "$1's '$2' was not acknowledged"
}

command -v prlimit >/dev/null || skip "prlimit (util-linux) is not installed"

step "without --log, then with --log on an empty directory: ids still grow"
start_server -s "$S"
start_client a -s "$S" -n a --json
send a "before"
said_ok a before
close_client a || fail "a exited $?, want 0"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"
start_server -s "$S" --log "$T/empty"
start_client b -s "$S" -n b --json
send b "after"
said_ok b after
close_client b || fail "b exited $?, want 0"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"
before=$(id_of "$T/a.out" before)
after=$(id_of "$T/b.out" after)
[ "$after" -gt "$before" ] || fail "the first id with --log on an empty directory ($after) is not above the last one without ($before)"

step "a transcript of 1000 old lines, and a file size limit 1500 bytes above it"
mkdir -p "$LOG" || fail "mkdir $LOG"
awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "%d 2026-01-01T00:00:00.000Z <old> old%d\n", i, i }' >"$LOG/lobby.log"
limit=$(($(wc -c <"$LOG/lobby.log") + 1500))
SERVER_PREFIX=(prlimit "--fsize=$limit:")

step "40 messages acknowledged while the transcript fills up"
start_server -s "$S" --log "$LOG" --rate 0
start_client w -s "$S" -n w --json
for i in $(seq 1 40); do
	send w "m$i"
done
said_ok w m40
last=$(id_of "$T/w.out" m40)
wait_for "$SERVER_ERR" "cannot write $LOG/lobby.log: File too large; raise the file size limit \\(ulimit -f\\) natterd runs under; [0-9]+ message\\(s\\) of #lobby are waiting in memory" ||
	fail_with "$SERVER_ERR" "natterd did not report the transcript it cannot write and the waiting messages"
kept=$(grep -c ' <w> m' "$LOG/lobby.log")
[ "$kept" -lt 40 ] || fail "the file size limit did not stop the transcript ($kept of 40 lines written)"
step "the transcript holds $kept of the 40; natterd is killed (-9) and restarted on the still-full disk"
stop_server KILL
close_client w
start_server -s "$S" --log "$LOG" --rate 0

step "the next id is above the last acknowledged one ($last), and --resume $last gets it"
start_client p -s "$S" -n p --json
send p "next"
said_ok p next
next=$(id_of "$T/p.out" next)
[ "$next" -gt "$last" ] || fail "the id after the restart ($next) is not above the last acknowledged one ($last)"
start_client r -s "$S" -n r --json --resume "$last"
wait_for "$T/r.out" '"text":"next"' || fail_with "$T/r.out" "natter --resume $last did not get the message sent after the restart"
close_client r || fail "r exited $?, want 0"

step "five more wait in memory; the limit is lifted; all of them reach the transcript, in order"
for i in 1 2 3 4 5; do
	send p "q$i"
done
said_ok p q5
wait_for "$SERVER_ERR" "[0-9]+ message\\(s\\) of #lobby are waiting in memory" || fail_with "$SERVER_ERR" "the restarted natterd did not report waiting messages"
prlimit --pid "$SERVER_PID" --fsize=unlimited: || fail "prlimit --pid $SERVER_PID failed"
wait_for "$SERVER_ERR" "$LOG/lobby.log is written again: the [0-9]+ waiting message\\(s\\) reached it" ||
	fail_with "$SERVER_ERR" "natterd did not write the waiting messages once the limit was lifted"
close_client p || fail "p exited $?, want 0"

step "after another restart, --resume $last replays exactly what was acknowledged since"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"
SERVER_PREFIX=()
start_server -s "$S" --log "$LOG" --rate 0
grep -q unreadable "$SERVER_ERR" && fail_with "$SERVER_ERR" "the transcript has broken lines"
start_client h -s "$S" -n h --json --resume "$last"
wait_for "$T/h.out" '"text":"q5"' || fail_with "$T/h.out" "the messages written after the limit was lifted are not in the history"
for t in next q1 q2 q3 q4 q5; do printf '%s %s true\n' "$(id_of "$T/p.out" "$t")" "$t"; done >"$T/want"
msgs "$T/h.out" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "resumed h got '$(tr '\n' '|' <"$T/got")', want '$(tr '\n' '|' <"$T/want")'"
close_client h || fail "h exited $?, want 0"
pass
