#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 24_identity.sh - natterd --identity strict: nick = login (or login/suffix) over UNIX, refused otherwise (exit 4); logins come from SO_PEERCRED; TCP has none.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

me=$(id -un) || fail "id -un failed"
PUB="$T/pub"
S="$PUB/s.sock"
port=$(free_port) || fail "no free TCP port"

# Another user (nobody) must reach the socket: a 0666 socket in a 0755
# directory, under a temp dir others may traverse.
chmod 0711 "$T" || fail "chmod $T failed"
mkdir -m 0755 "$PUB" || fail "mkdir $PUB failed"

step "natterd --identity strict (socket 0666, and TCP on $port)"
start_server -s "$S" -m 0666 --tcp "127.0.0.1:$port" --identity strict

step "a nick that is not the login is refused with exit 4"
nt_spawn /dev/null "$T/wrong.out" "$T/wrong.err" "$NATTER" --no-autostart -s "$S" -n "not$me"
nt_wait_exit "$NT_LAST_TPID" 10 || fail "natter with a foreign nick did not exit"
[ "$NT_RC" = 4 ] || fail_with "$T/wrong.err" "natter with nick not$me exited $NT_RC, want 4"
grep -q "login name '$me'" "$T/wrong.err" || fail_with "$T/wrong.err" "the refusal does not name the login '$me'"

step "LOGIN and LOGIN/suffix are accepted; JOIN shows the login"
start_client main -s "$S" -n "$me"
wait_for "$T/main.out" "^$TS -!- connected to .* as $me in " || fail_with "$T/main.out" "nick $me (the login) was not accepted"
start_client laptop -s "$S" -n "$me/laptop"
wait_for "$T/laptop.out" "^$TS -!- connected to .* as $me/laptop in " || fail_with "$T/laptop.out" "nick $me/laptop was not accepted"
wait_for "$T/main.out" "^$TS -!- $me/laptop joined #lobby \\(login $me\\)\$" ||
	fail_with "$T/main.out" "the JOIN line does not show '(login $me)'"

step "/nick to another user's name is refused; to a suffix it is allowed"
send laptop "/nick someoneelse"
wait_for "$T/laptop.out" "^$TS -!- error 207 \\(ERR_NOT_ALLOWED\\): " || fail_with "$T/laptop.out" "/nick to a foreign name was not refused"
send laptop "/nick $me/desk"
wait_for "$T/main.out" "^$TS -!- $me/laptop is now known as $me/desk\$" || fail_with "$T/main.out" "/nick $me/desk was refused"

step "TCP clients are not bound, and are shown without an OS identity"
start_client tcp -t "127.0.0.1:$port" -n guesty
wait_for "$T/tcp.out" "^$TS -!- connected to .* as guesty in " || fail_with "$T/tcp.out" "a TCP client was held to the identity rule"
wait_for "$T/main.out" "^$TS -!- guesty joined #lobby \\(tcp, no OS identity\\)\$" ||
	fail_with "$T/main.out" "the TCP client's JOIN does not say '(tcp, no OS identity)'"
send main "/who"
wait_for "$T/main.out" "^$TS -!- guesty \\(tcp, no OS identity, idle [0-9]+[smhd], in #lobby\\)\$" ||
	fail_with "$T/main.out" "/who does not show the TCP client as '(tcp, no OS identity, ...)'"
grep -Eq "^$TS -!- $me/desk \\(login $me, idle [0-9]+[smhd], in #lobby\\)\$" "$T/main.out" ||
	fail_with "$T/main.out" "/who does not show '$me/desk (login $me, ...)'"

step "another OS user gets its own login from SO_PEERCRED"
if [ "$(id -u)" != 0 ]; then
	step "skipped: not root, so no client can be run as another user"
elif ! command -v setpriv >/dev/null 2>&1; then
	step "skipped: setpriv is not installed"
elif ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$NATTER" 2>/dev/null; then
	step "skipped: user 65534 cannot run $NATTER"
else
	other=$(getent passwd 65534 | cut -d: -f1)
	[ -n "$other" ] || fail "uid 65534 has no name"
	# "nobody" itself is a reserved nick, so the suffix form is the way in.
	start_client_as_nobody nob -s "$S" -n "$other/test"
	wait_for "$T/main.out" "^$TS -!- $other/test joined #lobby \\(login $other\\)\$" ||
		fail_with "$T/nob.err" "the other user's JOIN does not show '(login $other)'"
	start_client_as_nobody nob2 -s "$S" -n "$me"
	wait_client nob2 10
	rc=$?
	[ "$rc" = 4 ] || fail_with "$T/nob2.err" "user $other taking the nick $me exited $rc, want 4"
	close_client nob
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/nob.err" "the $other client exited $rc, want 0"
fi

for n in main laptop tcp; do
	close_client "$n"
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/$n.err" "$n exited $rc on end of input, want 0"
done
pass
