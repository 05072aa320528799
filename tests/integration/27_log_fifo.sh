#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 27_log_fifo.sh - a FIFO or link in the --log directory never blocks natterd: refused at start with a sentence naming it (exit 1), waited out at run time; SIGTERM works while starting.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
LOG="$T/log"

# run_fg NAME CMD...: run a command in the foreground (bounded), stdin
# empty, output in $T/NAME.out and $T/NAME.err; returns its exit code.
run_fg() {
	local name=$1
	shift
	timeout -k 5 20 "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
}

step "a FIFO named like a transcript: natterd exits 1 at once, naming it"
mkdir -p "$LOG" || fail "mkdir $LOG"
mkfifo "$LOG/dev.log" || fail "mkfifo $LOG/dev.log"
run_fg fifo "$NATTERD" -s "$S" --log "$LOG"
rc=$?
case $rc in 124 | 137) fail "natterd hung on the FIFO $LOG/dev.log (SIGTERM did not stop it either; killed after 25 s)" ;; esac
[ "$rc" = 1 ] || fail_with "$T/fifo.err" "natterd exited $rc with a FIFO in its log directory, want 1"
grep -q "transcript $LOG/dev.log is a FIFO, not a regular file" "$T/fifo.err" ||
	fail_with "$T/fifo.err" "natterd's sentence does not name $LOG/dev.log as a FIFO"
[ -e "$S" ] && fail "natterd left a socket behind after refusing to start"
rm -f "$LOG/dev.log"

step "a symbolic link named like a transcript: refused too, not followed"
ln -s /dev/zero "$LOG/dev.log" || fail "ln -s"
run_fg link "$NATTERD" -s "$S" --log "$LOG"
rc=$?
[ "$rc" = 1 ] || fail_with "$T/link.err" "natterd exited $rc with a link in its log directory, want 1"
grep -q "$LOG/dev.log is a symbolic link" "$T/link.err" || fail_with "$T/link.err" "natterd's sentence does not name the link"
rm -f "$LOG/dev.log"

step "a FIFO as the id file: not used, said so, natterd runs"
mkfifo "$LOG/msgid" || fail "mkfifo $LOG/msgid"
start_server -s "$S" --log "$LOG"
grep -q "$LOG/msgid is not a regular file" "$SERVER_ERR" || fail_with "$SERVER_ERR" "natterd did not say $LOG/msgid is not used"

step "a FIFO appearing at run time: messages wait in memory, the chat goes on"
mkfifo "$LOG/dev.log" || fail "mkfifo $LOG/dev.log"
start_client w -s "$S" -n w
send w "/join #dev"
send w "into the pipe"
wait_for "$T/w.out" "^$TS #dev <w> into the pipe\$" || fail_with "$T/w.out" "the message was not delivered"
wait_for "$SERVER_ERR" "$LOG/dev.log is not a regular file.*1 message\\(s\\) of #dev are waiting" ||
	fail_with "$SERVER_ERR" "natterd did not report the FIFO and the waiting message"
send w "still chatting"
wait_for "$T/w.out" "^$TS #dev <w> still chatting\$" || fail_with "$T/w.out" "the chat stopped"

step "the FIFO removed: the waiting messages reach the transcript, in order"
rm -f "$LOG/dev.log"
wait_for "$SERVER_ERR" "$LOG/dev.log is written again: the 2 waiting message\\(s\\) reached it" ||
	fail_with "$SERVER_ERR" "natterd did not write the waiting messages once the FIFO was gone"
sed -E 's/^[0-9]+ [^ ]+ <w> //' "$LOG/dev.log" >"$T/got"
printf '%s\n' "into the pipe" "still chatting" >"$T/want"
cmp -s "$T/want" "$T/got" || fail "$LOG/dev.log holds '$(tr '\n' '|' <"$T/got")', want 'into the pipe|still chatting|'"
close_client w || fail "w exited $?, want 0"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"

step "SIGTERM while natterd is blocked starting (opening a --trace FIFO nobody reads)"
mkfifo "$T/trace.fifo" || fail "mkfifo"
nt_spawn /dev/null "$T/blocked.out" "$T/blocked.err" "$NATTERD" -s "$S" --trace="$T/trace.fifo"
tpid=$NT_LAST_TPID
pid=$(nt_child_pid "$tpid") || fail "natterd did not start"
blocked=0
for ((i = 0; i < 100; i++)); do
	if grep -q fifo "/proc/$pid/wchan" 2>/dev/null || grep -q partner "/proc/$pid/wchan" 2>/dev/null; then
		blocked=1
		break
	fi
	sleep 0.05
done
if [ "$blocked" = 1 ]; then
	kill -TERM "$pid"
	nt_wait_exit "$tpid" 10 || fail "natterd did not stop on SIGTERM while starting"
else
	step "(not checked: /proc/$pid/wchan does not show where natterd waits)"
fi
pass
