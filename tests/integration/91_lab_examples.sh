#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 91_lab_examples.sh - LAB.md exercises 0 and 10-13 as printed: each example builds with its LAB.md cc line (plus -Werror) and prints the rows LAB.md shows (IPC, echo round trip, EADDRINUSE, SO_REUSEADDR through TIME_WAIT both ways, IPv6 loopback, datagram bursts, sun_path).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

LAB_MD="$NT_ROOT/LAB.md"
[ -r "$LAB_MD" ] || fail "LAB.md is missing"
command -v cc >/dev/null 2>&1 || skip "cc is not installed"

# lab_line ERE: the first line of LAB.md matching ERE, or fail (so the doc
# and this test cannot drift). Called in $(...), so callers add "|| exit 1".
lab_line() {
	local line
	line=$(grep -m 1 -E -- "$1" "$LAB_MD") || fail "LAB.md has no line matching '$1'"
	printf '%s\n' "$line"
}

# has_line FILE LINE WHAT: FILE has LINE exactly (a row LAB.md shows), or fail.
has_line() {
	grep -qxF -- "$2" "$1" || fail_with "$1" "$3: no line '$2' (from LAB.md)"
}

# LAB.md's captures were made with $LAB=/tmp/lab-daemon and P=20001; here
# the directory is $T/lab and the ports are free ones.
LAB="$T/lab"
mkdir -m 700 "$LAB" || fail "cannot make $LAB"
P=$(free_port) || fail "no free TCP port"
Q=$(free_port) || fail "no free TCP port"
[ "$P" != "$Q" ] || Q=$(free_port) || fail "no free TCP port"
[ "$P" != "$Q" ] || fail "free_port gave the same port twice"
# at_here TEXT: LAB.md's text with this run's directory and ports.
at_here() {
	local s=${1//\/tmp\/lab-daemon/$LAB}
	s=${s//20001/$P}
	printf '%s\n' "${s//20002/$Q}"
}

step "every example builds with its LAB.md cc line, warnings as errors"
for ex in ipc-compare echo-server echo-client dual-stack dgram-burst sun-path; do
	ccline=$(lab_line "^cc .* -o \"\\\$LAB/$ex\" examples/$ex\\.c\$") || exit 1
	(cd "$NT_ROOT" && LAB=$LAB bash -c "${ccline/cc /cc -Werror }") >"$T/cc-$ex.out" 2>&1 ||
		fail_with "$T/cc-$ex.out" "LAB.md's line failed: $ccline"
	[ -s "$T/cc-$ex.out" ] && fail_with "$T/cc-$ex.out" "the cc line printed warnings: $ccline"
	[ -x "$LAB/$ex" ] || fail "LAB.md's cc line made no $LAB/$ex"
done

step "exercise 0: the same messages through a variable, a pipe, a FIFO, shared memory and sockets"
timeout 20 "$LAB/ipc-compare" >"$T/ipc.out" 2>"$T/ipc.err" || fail_with "$T/ipc.err" "ipc-compare failed"
for re in '^variable   ' '^pipe       ' '^shm        ' '^stream     ' '^seqpacket  '; do
	has_line "$T/ipc.out" "$(lab_line "$re")" "ipc-compare" || exit 1
done
grep -Eq '^fifo       \[onetwothree\]   one way; a name in the file system \(/tmp/ipc-compare\.fifo\.[A-Za-z0-9]{6}, type p\)$' "$T/ipc.out" ||
	fail_with "$T/ipc.out" "no fifo row as LAB.md shows"

step "exercise 10a: an echo round trip on 0.0.0.0:$P"
start_program srv "$LAB/echo-server" "$P"
wait_for "$T/srv.out" '^echo-server: listening on ' || fail_with "$T/srv.err" "echo-server did not start"
has_line "$T/srv.out" "$(at_here "$(lab_line '^echo-server: listening on 0\.0\.0\.0:20001 .*SO_REUSEADDR on$')")" "echo-server" || exit 1
printf 'hello\nworld\n' | timeout 20 "$LAB/echo-client" 127.0.0.1 "$P" >"$T/rt.out" 2>"$T/rt.err" ||
	fail_with "$T/rt.err" "echo-client's round trip failed"
printf 'hello\nworld\n' | cmp -s - "$T/rt.out" || fail_with "$T/rt.out" "the echo did not come back as sent"
wait_for "$T/srv.out" '^echo-server: 127\.0\.0\.1:[0-9]+ left after 12 bytes$' ||
	fail_with "$T/srv.out" "no 'left after 12 bytes' line as LAB.md shows"

step "exercise 10b: EADDRINUSE from a second echo-server and from natterd"
timeout 20 "$LAB/echo-server" "$P" >"$T/second.out" 2>"$T/second.err"
rc=$?
[ "$rc" = 1 ] || fail_with "$T/second.err" "a second echo-server exited $rc, want 1"
has_line "$T/second.err" "$(at_here "$(lab_line '^echo-server: bind 0\.0\.0\.0:20001: Address already in use$')")" "second echo-server" || exit 1
timeout 20 "$NATTERD" --no-unix --tcp "127.0.0.1:$P" </dev/null >"$T/nd.out" 2>"$T/nd.err"
rc=$?
[ "$rc" = 3 ] || fail_with "$T/nd.err" "natterd on the echo server's port exited $rc, want 3"
has_line "$T/nd.err" "$(at_here "$(lab_line '^natterd: TCP address 127\.0\.0\.1:20001 is already in use')")" "natterd" || exit 1

# time_wait PORT: whether a connection from local port PORT is in TIME_WAIT (/proc/net/tcp state 06).
time_wait() {
	local hex
	printf -v hex '%04X' "$1"
	awk -v h=":$hex" 'FNR > 1 && substr($2, length($2) - 4) == h && $4 == "06" { f = 1 } END { exit !f }' /proc/net/tcp
}

# kill_server_under_client PORT NAME: a client connected to the echo server
# `srv` on PORT, the server killed, TIME_WAIT checked on the server's side.
kill_server_under_client() {
	start_program "$2" "$LAB/echo-client" 127.0.0.1 "$1"
	send "$2" "still there?"
	wait_for "$T/$2.out" '^still there\?$' || fail_with "$T/$2.err" "no echo before the server was killed"
	kill "$(nt_child_pid "${CLIENT_TPID[srv]}")" || fail "cannot kill the echo server"
	wait_client srv 10
	wait_for "$T/$2.err" '^echo-client: the server closed the connection$' ||
		fail_with "$T/$2.err" "the client did not say the server closed the connection"
	wait_client "$2" 10
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/$2.err" "echo-client exited $rc after the server closed, want 0"
	local i
	for ((i = 0; i < 40; i++)); do # the client's FIN may still be on its way
		time_wait "$1" && return 0
		sleep 0.05
	done
	fail "no TIME_WAIT connection on port $1 after the server closed first"
}

step "exercise 10c: SO_REUSEADDR through TIME_WAIT: without it EADDRINUSE, with it a start"
kill_server_under_client "$P" tw1
timeout 20 "$LAB/echo-server" "$P" --no-reuseaddr >"$T/nore.out" 2>"$T/nore.err"
rc=$?
[ "$rc" = 1 ] || fail_with "$T/nore.err" "echo-server --no-reuseaddr through TIME_WAIT exited $rc, want 1"
has_line "$T/nore.err" "$(at_here "$(lab_line '^echo-server: bind 0\.0\.0\.0:20001: Address already in use$')")" "--no-reuseaddr" || exit 1
start_program srv "$LAB/echo-server" "$P"
wait_for "$T/srv.out" '^echo-server: listening on ' || fail_with "$T/srv.err" "with SO_REUSEADDR the restart failed through TIME_WAIT"
has_line "$T/srv.out" "$(at_here "$(lab_line '^echo-server: listening on 0\.0\.0\.0:20001 .*SO_REUSEADDR on$')")" "restart" || exit 1
kill "$(nt_child_pid "${CLIENT_TPID[srv]}")" 2>/dev/null
wait_client srv 10

step "exercise 10c, the other way round: an old server without the option blocks a new one with it"
start_program srv "$LAB/echo-server" "$Q" --no-reuseaddr
wait_for "$T/srv.out" '^echo-server: listening on ' || fail_with "$T/srv.err" "echo-server --no-reuseaddr did not start"
has_line "$T/srv.out" "$(at_here "$(lab_line '^echo-server: listening on 0\.0\.0\.0:20002 .*SO_REUSEADDR off$')")" "--no-reuseaddr" || exit 1
kill_server_under_client "$Q" tw2
timeout 20 "$LAB/echo-server" "$Q" >"$T/re2.out" 2>"$T/re2.err"
rc=$?
[ "$rc" = 1 ] || fail_with "$T/re2.err" "a server with SO_REUSEADDR after one without exited $rc, want 1 (LAB.md says both need it)"
has_line "$T/re2.err" "$(at_here "$(lab_line '^echo-server: bind 0\.0\.0\.0:20002: Address already in use$')")" "both need it" || exit 1

if grep -qi '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null; then
	step "exercise 11: IPV6_V6ONLY off and on, and natter over [::1]"
	timeout 20 "$LAB/dual-stack" >"$T/dual.out" 2>"$T/dual.err" || fail_with "$T/dual.err" "dual-stack failed"
	sed -n '/^IPV6_V6ONLY=0, listening/,/^```/p' "$LAB_MD" | sed '$d' >"$T/dual.want"
	[ "$(wc -l <"$T/dual.want")" = 6 ] || fail "LAB.md's dual-stack block is not 6 lines"
	diff "$T/dual.want" "$T/dual.out" >"$T/dual.diff" || fail_with "$T/dual.diff" "dual-stack does not print LAB.md's block"
	start_server --socket "$LAB/v6.sock" --tcp "[::1]:$P"
	timeout 20 "$NATTER" --no-autostart --tcp "[::1]:$P" --nick six </dev/null >"$T/six.out" 2>"$T/six.err" ||
		fail_with "$T/six.err" "natter over [::1] failed"
	for re in '^\[[0-9:]{8}\] -!- connected to \[::1\]:20001 as six ' '^\[[0-9:]{8}\] -!- six joined #lobby \(tcp, no OS identity\)$'; do
		want=$(at_here "$(lab_line "$re")") || exit 1
		sed 's/^\[[0-9:]*\] //' "$T/six.out" >"$T/six.notime"
		grep -qxF -- "${want#\[*\] }" "$T/six.notime" || fail_with "$T/six.out" "natter over [::1] did not print '$want'"
	done
	timeout 20 "$NATTER" --no-autostart --tcp "127.0.0.1:$P" --nick four </dev/null >"$T/four.out" 2>"$T/four.err"
	rc=$?
	[ "$rc" = 3 ] || fail_with "$T/four.err" "IPv4 to a [::1] natterd exited $rc, want 3"
	has_line "$T/four.err" "$(at_here "$(lab_line '^natter: no natter server is listening on 127\.0\.0\.1:20001')")" "IPv4 to [::1]" || exit 1
	stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM"
else
	step "::1 is not configured on this host: exercise 11 is left out"
fi

step "exercise 12: a datagram burst: UNIX non-blocking (EAGAIN), blocking (waits, none lost), UDP (silent loss)"
timeout 30 "$LAB/dgram-burst" >"$T/burst.out" 2>"$T/burst.err" || fail_with "$T/burst.err" "dgram-burst failed"
line=$(grep '^UNIX, non-blocking sender: ' "$T/burst.out") || fail_with "$T/burst.out" "no non-blocking line"
[[ $line =~ ^UNIX,\ non-blocking\ sender:\ ([0-9]+)\ sent,\ ([0-9]+)\ refused\ with\ EAGAIN\;\ received\ ([0-9]+),\ in\ order,\ none\ lost$ ]] ||
	fail_with "$T/burst.out" "the non-blocking line is not as LAB.md shows: $line"
sent=${BASH_REMATCH[1]} again=${BASH_REMATCH[2]} got=${BASH_REMATCH[3]}
if [ $((sent + again)) != 1000 ] || [ "$again" = 0 ] || [ "$got" != "$sent" ]; then
	fail_with "$T/burst.out" "non-blocking: $sent sent + $again EAGAIN should be 1000, some EAGAIN, all sent received"
fi
if [ "$(cat /proc/sys/net/unix/max_dgram_qlen 2>/dev/null)" = 10 ]; then
	has_line "$T/burst.out" "$(lab_line '^UNIX, non-blocking sender: ')" "with max_dgram_qlen 10 as in LAB.md" || exit 1
fi
grep -Eq '^UNIX, blocking sender: 1000 sent, send\(\) waited for room [1-9][0-9]* times$' "$T/burst.out" ||
	fail_with "$T/burst.out" "the blocking sender did not wait at least once"
has_line "$T/burst.out" "$(lab_line '^UNIX, blocking sender: received ')" "blocking sender" || exit 1
line=$(grep '^UDP 127.0.0.1, blocking sender: ' "$T/burst.out") || fail_with "$T/burst.out" "no UDP line"
[[ $line =~ ^UDP\ 127\.0\.0\.1,\ blocking\ sender:\ 1000\ sent,\ 0\ failed\;\ received\ ([0-9]+),\ ([0-9]+)\ lost\ without\ a\ word ]] ||
	fail_with "$T/burst.out" "the UDP line is not as LAB.md shows: $line"
[ $((BASH_REMATCH[1] + BASH_REMATCH[2])) = 1000 ] || fail_with "$T/burst.out" "UDP: received + lost is not 1000"

step "exercise 13: sun_path: a short path binds, a long one is refused by sun-path and natterd; bind never replaces a file"
(cd "$LAB" && "$LAB/sun-path" "$LAB/short.sock") >"$T/sp.out" 2>&1 || fail_with "$T/sp.out" "sun-path refused a short path"
want=$(at_here "$(lab_line '^bound /tmp/lab-daemon/short\.sock ')") || exit 1
want=${want/(26 bytes/($((${#LAB} + 11)) bytes} # the byte count follows the directory
has_line "$T/sp.out" "$want" "sun-path short" || exit 1
long="$LAB/$(printf '%0100d' 0)"
"$LAB/sun-path" "$long.sock" >"$T/spl.out" 2>&1
rc=$?
[ "$rc" = 1 ] || fail_with "$T/spl.out" "sun-path on a ${#long}-byte path exited $rc, want 1"
want=$(at_here "$(lab_line '^sun-path: /tmp/lab-daemon/0+\.sock: ')") || exit 1
has_line "$T/spl.out" "${want/: 121 bytes/: $((${#long} + 5)) bytes}" "sun-path long" || exit 1
timeout 20 "$NATTERD" --socket "$long.sock" </dev/null >"$T/ndl.out" 2>"$T/ndl.err"
rc=$?
[ "$rc" = 2 ] || fail_with "$T/ndl.err" "natterd on a long path exited $rc, want 2 (a usage error)"
want=$(at_here "$(lab_line "^natterd: socket path '/tmp/lab-daemon/0+\\.sock' is 121 bytes")") || exit 1
has_line "$T/ndl.err" "${want/ is 121 bytes/ is $((${#long} + 5)) bytes}" "natterd long path" || exit 1
[ -e "$long.sock" ] && fail "a refused long path still made a file"
: >"$LAB/taken.sock"
"$LAB/sun-path" "$LAB/taken.sock" >"$T/taken.out" 2>&1
rc=$?
[ "$rc" = 1 ] || fail_with "$T/taken.out" "sun-path on an existing file exited $rc, want 1"
has_line "$T/taken.out" "$(at_here "$(lab_line '^sun-path: bind /tmp/lab-daemon/taken\.sock: Address already in use$')")" "taken.sock" || exit 1
pass
