#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 22_history_resume.sh - history for late joiners (--history 5), resuming by id across a restart with --log (no gap, no duplicate), MISSED, a transcript replaced by a link.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
LOG="$T/log"
KEEP=5

# msgs FILE: "id text history" for each msg event of a --json client, in order.
msgs() {
	grep -E '"type": *"msg"' "$1" |
		sed -E 's/.*"id":([0-9]+),.*"text":"([^"]*)",.*"history":(true|false).*/\1 \2 \3/'
}

# id_of FILE TEXT: the id of the (one) message whose text is TEXT.
id_of() {
	msgs "$1" | awk -v t="$2" '$2 == t { print $1; exit }'
}

# wait_texts FILE TEXT...: wait for a msg event with each TEXT in a --json client's output.
wait_texts() {
	local f=$1 t
	shift
	for t in "$@"; do
		wait_for "$f" "\"text\":\"$t\"" || fail_with "$f" "${f##*/} never got '$t'"
	done
}

step "natterd --history $KEEP --log: w writes m1..m8"
start_server -s "$S" --history "$KEEP" --log "$LOG"
start_client w -s "$S" -n w --json
for i in 1 2 3 4 5 6 7 8; do
	send w "m$i"
done
wait_texts "$T/w.out" m8

step "a late joiner gets the last $KEEP, oldest first, marked as history"
start_client late -s "$S" -n late
wait_for "$T/late.out" "^$TS #lobby \\(history\\) <w> m8\$" || fail_with "$T/late.out" "late did not get m8 as history"
printf 'm%s\n' 4 5 6 7 8 >"$T/want.late"
sed -n -E "s/^$TS #lobby \\(history\\) <w> (.*)\$/\\1/p" "$T/late.out" >"$T/got.late"
cmp -s "$T/want.late" "$T/got.late" || fail "late's history is not m4..m8 in order: $(tr '\n' ' ' <"$T/got.late")"
[ -z "$(said "$T/late.out" w)" ] || fail_with "$T/late.out" "history was shown as live messages"
close_client late || fail "late exited $?, want 0"

step "alice sees everything so far, notes the last id, and leaves"
start_client alice -s "$S" -n alice --json
wait_texts "$T/alice.out" m8
last=$(msgs "$T/alice.out" | awk 'END { print $1 }')
[ "$last" = "$(id_of "$T/w.out" m8)" ] || fail "alice's last id $last is not m8's id"
close_client alice || fail "alice exited $?, want 0"

step "while alice is away w writes n1..n3; then the server restarts"
for i in 1 2 3; do
	send w "n$i"
done
wait_texts "$T/w.out" n3
close_client w || fail "w exited $?, want 0"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"
start_server -s "$S" --history "$KEEP" --log "$LOG"
grep -q "the newest id $(id_of "$T/w.out" n3); ids continue after" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "the restarted natterd did not read n3's id back as the newest"

step "after the restart ids continue above the old ones"
start_client w2 -s "$S" -n w --json
send w2 "p1"
send w2 "p2"
wait_texts "$T/w2.out" p1 p2
n3=$(id_of "$T/w.out" n3)
p1=$(id_of "$T/w2.out" p1)
[ -n "$p1" ] && [ "$p1" -gt "$n3" ] || fail "p1's id '$p1' after the restart is not above n3's $n3"

step "alice resumes from her last id: exactly n1..n3, p1, p2"
start_client alice2 -s "$S" -n alice --json --resume "$last"
wait_texts "$T/alice2.out" p2
{
	for t in n1 n2 n3; do printf '%s %s true\n' "$(id_of "$T/w.out" "$t")" "$t"; done
	for t in p1 p2; do printf '%s %s true\n' "$(id_of "$T/w2.out" "$t")" "$t"; done
} >"$T/want.alice"
msgs "$T/alice2.out" >"$T/got.alice"
cmp -s "$T/want.alice" "$T/got.alice" ||
	fail "resumed alice got '$(tr '\n' '|' <"$T/got.alice")', want '$(tr '\n' '|' <"$T/want.alice")'"
grep -q '"type":"missed"' "$T/alice2.out" && fail_with "$T/alice2.out" "a resume within the kept history reported missed messages"
close_client alice2 || fail "alice2 exited $?, want 0"

step "resuming from further back than the history keeps: the missed notice"
old=$((last - 3))
start_client old -s "$S" -n old --resume "$old"
first=$(id_of "$T/w.out" n1)
wait_for "$T/old.out" "^$TS -!- missed: 3 message\\(s\\) in #lobby are no longer kept \\(first kept id $first\\)\$" ||
	fail_with "$T/old.out" "no 'missed: 3 message(s) in #lobby ... (first kept id $first)' line"
wait_for "$T/old.out" "^$TS #lobby \\(history\\) <w> p2\$" || fail_with "$T/old.out" "old did not get the kept history after the notice"
[ "$(grep -c '(history)' "$T/old.out")" = "$KEEP" ] || fail_with "$T/old.out" "old did not get exactly the $KEEP kept messages"
close_client old || fail "old exited $?, want 0"
close_client w2 || fail "w2 exited $?, want 0"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"

step "a transcript replaced by a link (to /dev/full): not followed, said so, the chat goes on"
# A real full disk is in 26_ids_full_disk (ulimit -f) and 28_log_enospc (a tmpfs).
FULL="$T/full"
start_server -s "$S" --log "$FULL"
ln -s /dev/full "$FULL/lobby.log" || fail "cannot link $FULL/lobby.log to /dev/full"
start_client f -s "$S" -n f
send f "into the void"
wait_for "$T/f.out" "^$TS <f> into the void\$" || fail_with "$T/f.out" "the message was not delivered with the transcript failing"
wait_for "$SERVER_ERR" "$FULL/lobby.log is a symbolic link; natterd does not follow links .* 1 message\\(s\\) of #lobby are waiting" ||
	fail_with "$SERVER_ERR" "natterd did not report the link on stderr"
send f "still chatting"
wait_for "$T/f.out" "^$TS <f> still chatting\$" || fail_with "$T/f.out" "the chat stopped after the write error"
close_client f || fail "f exited $?, want 0"
server_alive || fail "natterd died with its transcript a link"
pass
