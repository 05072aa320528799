#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 62_teachers.sh - natterd --teachers: roles from Unix groups (not nicks), #announcements replayed and kept across a restart, /slow, raised hands, /mute and /kick, and version 1 clients still served.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "not root, so no student can be run as another user (uid 65534)"
command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed"
setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$NATTER" 2>/dev/null ||
	skip "user 65534 cannot run $NATTER"

PUB="$T/pub"
S="$PUB/s.sock"
LOG="$T/log"
# Students (uid 65534) must reach the socket: a 0666 socket in a 0755
# directory, under a temp dir others may traverse.
chmod 0711 "$T" || fail "chmod $T failed"
mkdir -m 0755 "$PUB" || fail "mkdir $PUB failed"
E="^$TS -!- error"

step "an unknown --teachers group: natterd refuses to start, in one sentence"
nt_spawn /dev/null "$T/nogroup.out" "$T/nogroup.err" "$NATTERD" -s "$T/x.sock" --teachers no-such-group-62
nt_wait_exit "$NT_LAST_TPID" 10 || fail "natterd with an unknown group did not exit"
[ "$NT_RC" != 0 ] || fail "natterd with an unknown group exited 0"
grep -q "there is no group 'no-such-group-62' for --teachers" "$T/nogroup.err" ||
	fail_with "$T/nogroup.err" "no sentence naming the unknown group"

step "natterd --teachers root --log (socket 0666)"
start_server -s "$S" -m 0666 --teachers root --log "$LOG"

step "root is a teacher; it is entered into #announcements after #lobby"
start_client prof -s "$S" -n root/prof
wait_for "$T/prof.out" "^$TS -!- notice: you are a teacher here \\(group root\\)" ||
	fail_with "$T/prof.out" "the teacher was not told it is one"
grep -q "root/prof joined #announcements" "$T/prof.out" || fail_with "$T/prof.out" "the teacher is not in #announcements"

step "a student (uid 65534) with the teacher's nick pattern cannot /announce, /slow or /kick"
start_client_as_nobody stu -s "$S" -n root
wait_for "$T/stu.out" "^$TS -!- root joined #announcements" || fail_with "$T/stu.out" "the student is not in #announcements"

step "/help offers each what it may use: the teacher /kick, the student /hand but not /kick"
for who in prof stu; do
	send "$who" "/help"
	wait_for "$T/$who.err" "^start it with // " || fail_with "$T/$who.err" "$who's /help did not end"
	grep -Eq "^/hand \\[down" "$T/$who.err" || fail_with "$T/$who.err" "$who's /help does not offer /hand in a classroom"
done
grep -Eq "^/kick NICK" "$T/prof.err" || fail_with "$T/prof.err" "the teacher's /help does not offer /kick"
grep -Eq "^/kick NICK" "$T/stu.err" && fail_with "$T/stu.err" "the student's /help offers /kick"
grep -q "you are a teacher" "$T/stu.out" && fail_with "$T/stu.out" "the student was told it is a teacher"
send stu "/announce no school today"
wait_for "$T/stu.out" "$E 210 \\(ERR_NOT_TEACHER\\): only teachers \\(members of group root\\) may /announce\$" ||
	fail_with "$T/stu.out" "a student's /announce was not refused with the sentence"
send stu "/slow 1"
wait_for "$T/stu.out" "$E 210 \\(ERR_NOT_TEACHER\\): only teachers \\(members of group root\\) may /slow\$" ||
	fail_with "$T/stu.out" "a student's /slow was not refused"
send stu "/kick root/prof"
wait_for "$T/stu.out" "$E 210 \\(ERR_NOT_TEACHER\\): only teachers \\(members of group root\\) may /kick\$" ||
	fail_with "$T/stu.out" "a student's /kick was not refused"
send stu "/join #announcements"
send stu "can I say this here"
wait_for "$T/stu.out" "$E 211 \\(ERR_READ_ONLY\\): #announcements is read-only" ||
	fail_with "$T/stu.out" "a student's message in #announcements was not refused"
send stu "/part #announcements"
wait_for "$T/stu.out" "$E 207 \\(ERR_NOT_ALLOWED\\): everyone stays in #announcements" ||
	fail_with "$T/stu.out" "a student could part #announcements"
send stu "/join #lobby"
grep -q "no school today" "$T/prof.out" && fail_with "$T/prof.out" "the student's announcement reached the teacher"
grep -q "natterd.*refused\\|not a teacher; /announce refused" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "the refusal was not logged"

step "a teacher's announcement reaches everyone, and a student who joins later gets it replayed"
send prof "/announce homework is due on friday"
wait_for "$T/stu.out" "^$TS #announcements <root/prof> homework is due on friday\$" ||
	fail_with "$T/stu.out" "the student did not get the announcement"
start_client_as_nobody late -s "$S" -n late
wait_for "$T/late.out" "^$TS #announcements \\(history\\) <root/prof> homework is due on friday\$" ||
	fail_with "$T/late.out" "the late student did not get the announcement replayed"
grep -q "teacher root/prof (login root) announces in #announcements" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "the announcement was not logged as a teacher action"

step "line mode (a student with socat): the same commands, and plain lines still go to #lobby"
timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups "$RAWCLIENT" -s "$S" \
	--text 'NICK liner\n/announce nope\n/hand down\nplain line\n/quit\n' >"$T/line.out" 2>&1
grep -q "^[0-9:]* #announcements (history) <root/prof> homework is due on friday\$" "$T/line.out" ||
	fail_with "$T/line.out" "the line client was not shown the announcement"
grep -q "^error 210: only teachers (members of group root) may /announce\$" "$T/line.out" ||
	fail_with "$T/line.out" "the line client's /announce was not refused"
grep -q -- "-- your hand was not raised\$" "$T/line.out" || fail_with "$T/line.out" "the line client's /hand down was not answered"
wait_for "$T/prof.out" "^$TS <liner> plain line\$" || fail_with "$T/prof.out" "the line client's plain line did not go to #lobby"

step "slow mode: a student's second message at once is refused, a teacher's is not"
send prof "/slow 600"
wait_for "$T/stu.out" "^$TS -!- notice: root/prof \\(teacher\\) set slow mode in #lobby: one message every 600 s\$" ||
	fail_with "$T/stu.out" "the student was not told about slow mode"
send stu "first question"
send stu "second question"
wait_for "$T/stu.out" "$E 212 \\(ERR_SLOW_MODE\\): #lobby is in slow mode: one message every 600 s; wait [0-9]+ s\$" ||
	fail_with "$T/stu.out" "the student's second message was not refused"
wait_for "$T/prof.out" "^$TS <root> first question\$" || fail_with "$T/prof.out" "the student's first message was refused"
send prof "teacher one"
send prof "teacher two"
wait_for "$T/stu.out" "^$TS <root/prof> teacher two\$" || fail_with "$T/stu.out" "a teacher was held to slow mode"
grep -q "second question" "$T/prof.out" && fail_with "$T/prof.out" "the refused message was delivered"
send prof "/slow 0"
wait_for "$T/stu.out" "turned slow mode off in #lobby" || fail_with "$T/stu.out" "slow mode was not turned off"

step "raised hands: queued in order, teachers notified, /hand next calls on the first"
send stu "/hand"
wait_for "$T/stu.out" "notice: your hand is raised: you are number 1 in the queue" || fail_with "$T/stu.out" "the first hand is not number 1"
wait_for "$T/prof.out" "notice: root raised a hand \\(number 1 in the queue\\)" || fail_with "$T/prof.out" "the teacher was not told of the hand"
send late "/hand"
wait_for "$T/late.out" "notice: your hand is raised: you are number 2 in the queue" || fail_with "$T/late.out" "the second hand is not number 2"
send stu "/hand"
wait_for "$T/stu.out" "notice: your hand is already raised: you are number 1 in the queue" ||
	fail_with "$T/stu.out" "raising a hand twice was not answered"
send stu "/hands"
wait_for "$T/stu.out" "$E 210 \\(ERR_NOT_TEACHER\\): only teachers \\(members of group root\\) may /hands\$" ||
	fail_with "$T/stu.out" "a student's /hands was not refused"
send prof "/hands"
wait_for "$T/prof.out" "notice: 2 hands raised, oldest first: 1\\. root \\([0-9]+ s\\), 2\\. late \\([0-9]+ s\\)\$" ||
	fail_with "$T/prof.out" "/hands does not list the queue in order"
send prof "/hand next"
wait_for "$T/stu.out" "notice: root/prof \\(teacher\\) calls on you\$" || fail_with "$T/stu.out" "the first student was not called on"
wait_for "$T/prof.out" "notice: root/prof \\(teacher\\) called on root, who waited [0-9]+ s; 1 hand is still raised" ||
	fail_with "$T/prof.out" "the teacher was not told whom it called on"
grep -q "calls on you" "$T/late.out" && fail_with "$T/late.out" "the second student was called on first"

step "a student who leaves leaves the queue"
close_client late
wait_for "$T/prof.out" "^$TS -!- late left #lobby" || fail_with "$T/prof.out" "the late student did not leave"
send prof "/hands"
wait_for "$T/prof.out" "notice: no hands are raised\$" || fail_with "$T/prof.out" "a disconnected student is still in the queue"

step "/mute, /unmute and /kick by a teacher; not of another teacher"
send prof "/mute root"
wait_for "$T/stu.out" "notice: you were muted by root/prof" || fail_with "$T/stu.out" "the student was not muted"
send stu "am I muted"
wait_for "$T/stu.out" "$E 209 \\(ERR_MUTED\\)" || fail_with "$T/stu.out" "a muted student could speak"
send prof "/unmute root"
wait_for "$T/stu.out" "notice: you were unmuted by root/prof" || fail_with "$T/stu.out" "the student was not unmuted"
start_client ta -s "$S" -n root/ta
wait_for "$T/ta.out" "notice: you are a teacher here" || fail_with "$T/ta.out" "the second root client is not a teacher"
send prof "/kick root/ta"
wait_for "$T/prof.out" "$E 207 \\(ERR_NOT_ALLOWED\\): root/ta is a teacher; teachers cannot kick teachers" ||
	fail_with "$T/prof.out" "a teacher could kick a teacher"
send prof "/kick root enough for today"
wait_client stu 10
rc=$?
[ "$rc" = 6 ] || fail_with "$T/stu.err" "the kicked student exited $rc, want 6 (kicked: BYE code 3)"
grep -q "you were kicked by root/prof: enough for today" "$T/stu.err" "$T/stu.out" ||
	fail_with "$T/stu.err" "the student was not told who kicked it"
wait_for "$T/prof.out" "^$TS -!- root left #lobby \\(kicked by root/prof: enough for today\\)" ||
	fail_with "$T/prof.out" "the room did not hear of the kick"
grep -q "teacher root/prof (login root) kicks root" "$SERVER_ERR" || fail_with "$SERVER_ERR" "the kick was not logged"

step "a version 1 HELLO still registers and chats; version 2 requests are not its to send"
"$RAWCLIENT" -s "$S" --hello-v 1 oldie --wait WELCOME --say "old client here" --wait MSG --quit bye --wait BYE \
	>"$T/v1.out" 2>&1 || fail_with "$T/v1.out" "the version 1 client failed"
grep -q "^WELCOME oldie .* v1\$" "$T/v1.out" || fail_with "$T/v1.out" "WELCOME does not say version 1"
grep -q "^MSG [0-9]* #lobby oldie 0 old client here\$" "$T/v1.out" || fail_with "$T/v1.out" "the version 1 client could not chat"
wait_for "$T/prof.out" "^$TS <oldie> old client here\$" || fail_with "$T/prof.out" "the version 1 client was not heard"
"$RAWCLIENT" -s "$S" --hello-v 1 oldie --wait WELCOME --raw '00 00 00 04 19 00 01 78' --wait ERROR \
	>"$T/v1b.out" 2>&1
grep -q "^ERROR 103 ANNOUNCE is a protocol version 2 request" "$T/v1b.out" ||
	fail_with "$T/v1b.out" "a version 1 client's ANNOUNCE was not ERR_UNKNOWN_TYPE"

step "with --log the announcement survives a restart and is replayed"
close_client prof
close_client ta
stop_server || fail "natterd exited $SERVER_RC on SIGTERM"
start_server -s "$S" -m 0666 --teachers root --log "$LOG"
start_client_as_nobody after -s "$S" -n after
wait_for "$T/after.out" "^$TS #announcements \\(history\\) <root/prof> homework is due on friday\$" ||
	fail_with "$T/after.out" "the announcement was not replayed after a restart"
close_client after
stop_server || fail "natterd exited $SERVER_RC on SIGTERM"

step "without --teachers: no #announcements, and nobody is a teacher"
start_server -s "$S" -m 0666
start_client plain -s "$S" -n root/plain
send plain "/announce hello"
wait_for "$T/plain.out" "$E 210 \\(ERR_NOT_TEACHER\\): this server has no teachers" ||
	fail_with "$T/plain.out" "/announce without --teachers was not refused"
grep -q "#announcements" "$T/plain.out" && fail_with "$T/plain.out" "#announcements exists without --teachers"
close_client plain

pass
