#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 84_lab_commands.sh - LAB.md's core student path works as printed: a 0660 class server in a setgid directory, line mode over socat (/help row for row) and nc -N, a SAY traced with LAB.md's hex row, natter-mini built with LAB.md's cc line, natterctl stats, a stale socket replaced, a lying frame, the captures' version, cleanup on SIGTERM.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

LAB_MD="$NT_ROOT/LAB.md"
[ -r "$LAB_MD" ] || fail "LAB.md is missing"
NATTERCTL=$(nt_bin "${NATTERCTL:-$(dirname "$NATTERD")/natterctl}")
[ -x "$NATTERCTL" ] || skip "$NATTERCTL is not built (run make)"


# lab_line ERE: the first line of LAB.md matching ERE, or fail (so the doc and
# this test cannot drift). Called in $(...), so callers add "|| exit 1".
lab_line() {
	local line
	line=$(grep -m 1 -E -- "$1" "$LAB_MD") || fail "LAB.md has no line matching '$1'"
	printf '%s\n' "$line"
}

step "teacher's setup: a setgid class directory, natterd --mode 0660"
CLASS_DIR="$T/srv"
mkdir "$CLASS_DIR" || fail "cannot make $CLASS_DIR"
chmod 2750 "$CLASS_DIR" || fail "cannot chmod $CLASS_DIR"
CLASS="$CLASS_DIR/natter.sock"
start_server --socket "$CLASS" --mode 0660 --name sockets-101 --trace
[ "$(stat -c %a "$CLASS")" = 660 ] || fail "the class socket's mode is $(stat -c %a "$CLASS"), want 660"
[ "$(stat -c %g "$CLASS")" = "$(stat -c %g "$CLASS_DIR")" ] || fail "the class socket did not take the setgid directory's group"
[ "$(stat -c %a "$CLASS.ctl")" = 600 ] || fail "the control socket's mode is $(stat -c %a "$CLASS.ctl"), want 600"
wait_for "$SERVER_ERR" "info: listening on $(re_escape "$CLASS")\$" || fail_with "$SERVER_ERR" "no 'listening on' line"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$NATTER" 2>/dev/null; then
	step "as uid 65534: refused outside the class group, served inside it"
	chmod 0755 "$T"
	gid=$(stat -c %g "$CLASS_DIR")
	timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups "$NATTER" --no-autostart --socket "$CLASS" --nick outsider \
		</dev/null >"$T/outsider.out" 2>"$T/outsider.err"
	rc=$?
	[ "$rc" = 3 ] || fail_with "$T/outsider.err" "a user outside the group exited $rc, want 3"
	grep -q "^natter: permission denied connecting to $(re_escape "$CLASS"): " "$T/outsider.err" ||
		fail_with "$T/outsider.err" "no permission-denied sentence for a user outside the group"
	timeout 20 setpriv --reuid=65534 --regid=65534 --groups="$gid" "$NATTER" --no-autostart --socket "$CLASS" --nick student \
		</dev/null >"$T/student.out" 2>"$T/student.err"
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/student.err" "a student in the group exited $rc, want 0"
	grep -Eq "^$TS -!- connected to $(re_escape "$CLASS") as student in #lobby" "$T/student.out" ||
		fail_with "$T/student.out" "the student in the group did not connect"
else
	step "not root (or no setpriv): the second-user part is left out"
fi

if command -v socat >/dev/null 2>&1; then
	step "exercise 2: line mode with socat, /help exactly as LAB.md prints it"
	# -t 10: after its input ends socat waits (bounded) for the server to close.
	printf 'NICK ada-socat\nhello from a line client\n/help\n/quit bye\n' |
		timeout 20 socat -t 10 - "UNIX-CONNECT:$CLASS" >"$T/socat.out" 2>"$T/socat.err"
	grep -q '^-- welcome to sockets-101, you are ada-socat (' "$T/socat.out" || fail_with "$T/socat.out" "no line-mode welcome"
	grep -Eq '^[0-9:]{8} #lobby <ada-socat> hello from a line client$' "$T/socat.out" ||
		fail_with "$T/socat.out" "the line client's message did not come back as a line"
	grep -q '^bye: quit$' "$T/socat.out" || fail_with "$T/socat.out" "no 'bye: quit' line"
	help_re='^-- (/[a-z]+ |A line not starting|start it with //)'
	grep -E -- "$help_re" "$LAB_MD" >"$T/help.want"
	[ "$(wc -l <"$T/help.want")" -ge 10 ] || fail "LAB.md shows fewer than 10 /help lines"
	grep -E -- "$help_re" "$T/socat.out" >"$T/help.got"
	diff "$T/help.want" "$T/help.got" >"$T/help.diff" || fail_with "$T/help.diff" "line mode's /help differs from LAB.md's (< LAB.md, > server)"

	if command -v nc >/dev/null 2>&1 && nc -h 2>&1 | grep -qE -- '^[[:space:]]*-N[[:space:]]'; then
		step "exercise 2: nc -N ends at the end of its input (LAB.md's one-shot line)"
		printf 'NICK nc-user\nhello from nc\n' | timeout 20 nc -N -U "$CLASS" >"$T/nc.out" 2>"$T/nc.err"
		rc=$?
		[ "$rc" = 0 ] || fail_with "$T/nc.err" "nc -N -U exited $rc, want 0 (LAB.md says it ends by itself)"
		grep -Eq '^[0-9:]{8} #lobby <nc-user> hello from nc$' "$T/nc.out" || fail_with "$T/nc.out" "nc's line did not come back"
	else
		step "no OpenBSD nc with -N: LAB.md's nc line is left out"
	fi

	step "exercise 2: a PING frame by hand gets a PONG with the same token"
	printf '\x00\x00\x00\x09\x05\x00\x00\x00\x00\x00\x00\x00\x2a' | timeout 20 socat - "UNIX-CONNECT:$CLASS" | od -An -tx1 |
		tr -s ' \n' ' ' >"$T/pong.hex"
	grep -q '^ 00 00 00 09 06 00 00 00 00 00 00 00 2a $' "$T/pong.hex" || fail "the PONG is not as LAB.md shows: $(cat "$T/pong.hex")"
else
	step "socat is not installed: exercise 2 is left out"
fi

step "exercise 3: ada says hi after WELCOME; the server's trace shows LAB.md's rows"
start_client ada --socket "$CLASS" --nick ada
wait_for "$T/ada.out" "^$TS -!- connected to .* as ada " || fail_with "$T/ada.out" "ada did not connect"
send ada "hi"
wait_for "$T/ada.out" "^$TS <ada> hi\$" || fail_with "$T/ada.out" "ada's hi did not come back"
row0=$(lab_line '^    0000  00 00 00 12  +length prefix = 18: ') || exit 1
row4=$(lab_line '^    0004  10 00 06 23 6c 6f 62 62  79 00 00 02 68 69 00 00 ') || exit 1
row14=$(lab_line '^    0014  01 10  ') || exit 1
for want in "$row0" "$row4" "$row14"; do
	grep -qxF -- "$want" "$SERVER_ERR" || fail_with "$SERVER_ERR" "the server's trace has no line '$want' (from LAB.md)"
done
wait_for "$SERVER_ERR" ' in  #[0-9]+ ada \(unix\)  SAY target="#lobby" flags=0 text="hi"  tag=272  \(22 bytes\)$' ||
	fail_with "$SERVER_ERR" "no 'in ... SAY ... tag=272 (22 bytes)' trace header"

step "exercise 5: natter-mini built with LAB.md's one cc line, then a chat"
command -v cc >/dev/null 2>&1 || skip "cc is not installed"
ccline=$(lab_line '^cc .*examples/natter-mini\.c$') || exit 1
mkdir "$T/clone" || fail "cannot make $T/clone"
ln -s "$NT_ROOT/examples" "$T/clone/examples" || fail "cannot link $T/clone/examples"
(cd "$T/clone" && bash -c "$ccline") >"$T/cc.out" 2>&1 || fail_with "$T/cc.out" "LAB.md's line failed: $ccline"
[ -s "$T/cc.out" ] && fail_with "$T/cc.out" "LAB.md says the cc line prints nothing, but it did: $ccline"
[ -x "$T/clone/natter-mini" ] || fail "LAB.md's cc line made no ./natter-mini"
mkfifo "$T/mini.in" || fail "mkfifo failed"
exec {mini_fd}<>"$T/mini.in"
NT_OPEN_FDS+=("$mini_fd")
CLIENT_FD[mini]=$mini_fd
nt_spawn "$T/mini.in" "$T/mini.out" "$T/mini.err" "$T/clone/natter-mini" "$CLASS" mini
CLIENT_TPID[mini]=$NT_LAST_TPID
wait_for "$T/mini.out" '^-- connected as mini$' || fail_with "$T/mini.out" "natter-mini printed no '-- connected as mini'"
wait_for "$T/mini.out" '^<ada> hi$' || fail_with "$T/mini.out" "natter-mini did not show the history"
send mini "hello from mini"
wait_for "$T/ada.out" "^$TS <mini> hello from mini\$" || fail_with "$T/ada.out" "ada did not get mini's line"
close_client mini
rc=$?
[ "$rc" = 0 ] || fail_with "$T/mini.err" "natter-mini exited $rc, want 0"
wait_for "$T/ada.out" "^$TS -!- mini left #lobby" || fail_with "$T/ada.out" "ada did not see mini leave"

step "exercise 8: natterctl stats and who"
timeout 20 "$NATTERCTL" -s "$CLASS" stats >"$T/stats.out" 2>"$T/stats.err" || fail_with "$T/stats.err" "natterctl stats failed"
grep -Eq '^natterd [0-9.]+, pid [0-9]+, up ' "$T/stats.out" || fail_with "$T/stats.out" "no natterd/pid/up line"
grep -q '^clients: 1 (unix 1, tcp 0; line mode 0)$' "$T/stats.out" || fail_with "$T/stats.out" "stats does not count ada alone"
timeout 20 "$NATTERCTL" -s "$CLASS" who >"$T/who.out" 2>"$T/who.err" || fail_with "$T/who.err" "natterctl who failed"
grep -Eq '^ada +[^ ]+ +[0-9]+ +unix ' "$T/who.out" || fail_with "$T/who.out" "who does not list ada on unix"
grep -q '^1 registered client(s)$' "$T/who.out" || fail_with "$T/who.out" "who does not end with '1 registered client(s)'"
close_client ada || fail_with "$T/ada.err" "ada did not exit cleanly"

step "exercise 7a: kill -9 leaves the socket; a client is told nobody runs; a new server replaces it"
stop_server KILL
[ "$SERVER_RC" = 137 ] || fail "natterd did not die of SIGKILL (exit $SERVER_RC)"
[ -S "$CLASS" ] || fail "after kill -9 the socket file is gone; LAB.md says it stays"
timeout 20 "$NATTER" --no-autostart --socket "$CLASS" </dev/null >"$T/stale.out" 2>"$T/stale.err"
rc=$?
[ "$rc" = 3 ] || fail_with "$T/stale.err" "natter on a stale socket exited $rc, want 3"
grep -q "^natter: no natter server is running at $(re_escape "$CLASS")" "$T/stale.err" ||
	fail_with "$T/stale.err" "no 'no natter server is running' sentence"
start_server --socket "$CLASS" --mode 0660 --name sockets-101
wait_for "$SERVER_ERR" "info: removing stale socket $(re_escape "$CLASS") left by a server that is gone\$" ||
	fail_with "$SERVER_ERR" "the new server did not say it removed the stale socket"

step "exercise 7b: a second server on the same path exits 3 naming the first"
timeout 20 "$NATTERD" --socket "$CLASS" </dev/null >"$T/second.out" 2>"$T/second.err"
rc=$?
[ "$rc" = 3 ] || fail_with "$T/second.err" "a second natterd exited $rc, want 3"
grep -q "^natterd: a natter server (pid $SERVER_PID) is already running at $(re_escape "$CLASS"); " "$T/second.err" ||
	fail_with "$T/second.err" "the second server did not name the running one's pid"

step "exercise 7e: a SAY that lies about its fields, rows as LAB.md shows"
"$RAWCLIENT" -s "$CLASS" --hello ok --raw "00 00 00 02 10 00" 2>"$T/lie.err" | sed 's/^WELCOME ok sockets-101 /WELCOME ok natterd /' >"$T/lie.out"
for re in '^WELCOME ok natterd #lobby 1 v[0-9]+$' '^ERROR 101 SAY frame is truncated' '^CLOSED$'; do
	want=$(lab_line "$re") || exit 1
	grep -qxF -- "$want" "$T/lie.out" || fail_with "$T/lie.out" "rawclient did not print '$want' (from LAB.md)"
done

step "LAB.md's captures name this build's version and protocol"
version=$("$NATTER" --version 2>&1 | head -n 1) # "natter 0.2.0 (protocol 3)"
[[ $version =~ ^natter\ ([0-9]+\.[0-9]+\.[0-9]+)\ \(protocol\ ([0-9]+)\)$ ]] || fail "natter --version printed '$version'"
version=${BASH_REMATCH[1]} proto=${BASH_REMATCH[2]}
lab_line "^natterd $(re_escape "$version"), pid [0-9]+, up " >/dev/null || exit 1
lab_line " in  #[0-9]+ \(unix\)  HELLO version=$proto nick=\"dropper\" client=\"natter/$(re_escape "$version")\"" >/dev/null || exit 1
lab_line "^WELCOME ok natterd #lobby 1 v$proto\$" >/dev/null || exit 1
grep -nE 'natter(d)?[/ ][0-9]+\.[0-9]+\.[0-9]+' "$LAB_MD" | grep -vF "$version" >"$T/oldver" &&
	fail_with "$T/oldver" "LAB.md shows a version other than $version"
grep -nE 'version=[0-9]+ ' "$LAB_MD" | grep -v "version=$proto " >"$T/oldproto" &&
	fail_with "$T/oldproto" "LAB.md shows a protocol version other than $proto"

step "exercise 14: SIGTERM removes both socket files"
stop_server TERM
[ "$SERVER_RC" = 0 ] || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC after SIGTERM, want 0"
wait_for "$SERVER_ERR" 'info: stopped$' || fail_with "$SERVER_ERR" "no 'stopped' line"
[ -e "$CLASS" ] && fail "the socket file is still there after SIGTERM"
[ -e "$CLASS.ctl" ] && fail "the control socket file is still there after SIGTERM"
pass
