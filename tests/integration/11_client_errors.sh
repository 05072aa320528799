#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 11_client_errors.sh - client exit codes: no server (3), invalid nick or full server (4); taken nicks get a suffix; errors say what a path or address really is.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

# run_fg NAME CMD...: run a command in the foreground (bounded), stdin
# empty, output in $T/NAME.out and $T/NAME.err; returns its exit code.
run_fg() {
	local name=$1
	shift
	timeout -k 5 20 "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
}

step "client with no server: exit 3, exactly one line on stderr"
run_fg nosrv "$NATTER" --no-autostart -s "$T/nobody-home.sock" -n alice
rc=$?
[ "$rc" = 3 ] || fail_with "$T/nosrv.err" "natter with no server exited $rc, want 3"
[ "$(wc -l <"$T/nosrv.err")" = 1 ] || fail_with "$T/nosrv.err" "natter with no server printed $(wc -l <"$T/nosrv.err") lines on stderr, want exactly 1"
port=$(free_port) || fail "no free TCP port found"
run_fg nosrvtcp "$NATTER" --no-autostart -t "127.0.0.1:$port" -n alice
rc=$?
[ "$rc" = 3 ] || fail_with "$T/nosrvtcp.err" "natter -t 127.0.0.1:$port with nothing listening exited $rc, want 3"
[ "$(wc -l <"$T/nosrvtcp.err")" = 1 ] || fail_with "$T/nosrvtcp.err" "natter -t with nothing listening printed $(wc -l <"$T/nosrvtcp.err") lines on stderr, want exactly 1"

step "a directory or a regular file given as the socket is named as such (natter and natterctl)"
mkdir "$T/adir" && : >"$T/afile" || fail "cannot make the test's directory and file"
for what in adir afile; do
	kind=directory
	[ "$what" = afile ] && kind='regular file'
	run_fg "nat-$what" "$NATTER" --no-autostart -s "$T/$what" -n alice
	rc=$?
	[ "$rc" = 3 ] || fail_with "$T/nat-$what.err" "natter -s <a $kind> exited $rc, want 3"
	grep -q "$T/$what is a $kind, not a socket" "$T/nat-$what.err" ||
		fail_with "$T/nat-$what.err" "natter -s <a $kind> does not say the path is a $kind"
	grep -q 'natterd --socket' "$T/nat-$what.err" &&
		fail_with "$T/nat-$what.err" "natter -s <a $kind> suggests 'natterd --socket', which would fail on it"
	run_fg "ctl-$what" "$NT_ROOT/bin/natterctl" -c "$T/$what" stats
	rc=$?
	[ "$rc" = 3 ] || fail_with "$T/ctl-$what.err" "natterctl -c <a $kind> exited $rc, want 3"
	grep -q "$T/$what is a $kind, not a control socket" "$T/ctl-$what.err" ||
		fail_with "$T/ctl-$what.err" "natterctl -c <a $kind> does not say the path is a $kind"
	grep -q 'stale' "$T/ctl-$what.err" && fail_with "$T/ctl-$what.err" "natterctl -c <a $kind> calls it a stale socket"
done

step "natter --tcp [::1]:PORT with nothing there suggests natterd --tcp [::1]:PORT, not the IPv4 default"
run_fg nosrv6 "$NATTER" --no-autostart -t "[::1]:$port" -n alice
rc=$?
[ "$rc" = 3 ] || fail_with "$T/nosrv6.err" "natter -t [::1]:$port exited $rc, want 3"
if grep -q 'no natter server is listening' "$T/nosrv6.err"; then
	grep -qF "natterd --tcp [::1]:$port'" "$T/nosrv6.err" ||
		fail_with "$T/nosrv6.err" "natter -t [::1]:$port suggests a natterd command that does not listen on ::1"
fi
grep -qF "natterd --tcp $port'" "$T/nosrvtcp.err" ||
	fail_with "$T/nosrvtcp.err" "natter -t 127.0.0.1:$port no longer suggests the short 'natterd --tcp $port'"

S="$T/s.sock"
start_server -s "$S"

step "--nick nobody: the refusal says the nick is reserved"
start_client resv -s "$S" -n nobody
wait_client resv
rc=$?
[ "$rc" = 4 ] || fail_with "$T/resv.err" "natter -n nobody exited $rc, want 4"
grep -q "reserved" "$T/resv.err" "$T/resv.out" || fail_with "$T/resv.err" "natter -n nobody was refused without saying the nick is reserved"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ "$(id -nu 65534 2>/dev/null)" = nobody ]; then
	step "the login 'nobody' becomes 'guest', and natter says so once"
	chmod 755 "$T" && chmod 666 "$S" || fail "cannot open the test socket to nobody"
	start_client_as_nobody nob -s "$S"
	wait_for "$T/nob.out" "^$TS -!- connected to .* as guest " || fail_with "$T/nob.out" "natter run by nobody did not connect as guest"
	[ "$(grep -c "your login 'nobody' is a reserved nick; using 'guest'" "$T/nob.err")" = 1 ] ||
		fail_with "$T/nob.err" "natter run by nobody did not say once that it uses 'guest' because 'nobody' is reserved"
	close_client nob
	chmod 700 "$T"
fi

step "invalid nicks are refused at the handshake: exit 4"
i=0
for bad in 'bad nick!' 'server' "$(printf 'n%.0s' {1..25})" '-dash'; do
	i=$((i + 1))
	start_client "bad$i" -s "$S" -n "$bad"
	wait_client "bad$i"
	rc=$?
	[ "$rc" = 4 ] || fail_with "$T/bad$i.err" "natter -n '$bad' exited $rc, want 4 (refused at handshake)"
	cat "$T/bad$i.out" "$T/bad$i.err" | grep -Eiq 'ERR_NICK_INVALID|error 200|nick' ||
		fail "natter -n '$bad' was refused without showing the server's reason"
done

step "a taken nick gets the smallest free suffix, case-insensitively"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice in " || fail_with "$T/alice.out" "alice did not connect as alice"
start_client alice2 -s "$S" -n alice
wait_for "$T/alice2.out" "^$TS -!- connected to .* as alice2 in " || fail_with "$T/alice2.out" "the second 'alice' was not granted 'alice2'"
start_client alice3 -s "$S" -n ALICE
wait_for "$T/alice3.out" "^$TS -!- connected to .* as ALICE3 in " || fail_with "$T/alice3.out" "'ALICE' (alice, alice2 present) was not granted 'ALICE3'"
send alice2 "which one am I"
wait_for "$T/alice.out" "^$TS <alice2> which one am I\$" || fail_with "$T/alice.out" "alice did not see alice2's message under that nick"
for c in alice alice2 alice3; do
	close_client "$c"
done
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"

step "--max-clients 1: the second client is refused at the handshake (exit 4)"
S2="$T/full.sock"
start_server -s "$S2" --max-clients 1
start_client first -s "$S2" -n first
wait_for "$T/first.out" "^$TS -!- connected to .* as first " || fail_with "$T/first.out" "first did not connect"
timeout 20 "$RAWCLIENT" -s "$S2" --hello extra >"$T/raw.full.out" 2>&1
grep -q '^ERROR 105 ' "$T/raw.full.out" || fail_with "$T/raw.full.out" "a connection beyond --max-clients 1 got no 'ERROR 105 ...'"
start_client second -s "$S2" -n second
wait_client second
rc=$?
[ "$rc" = 4 ] || fail_with "$T/second.err" "second client on a full server exited $rc, want 4"
close_client first
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"

pass
