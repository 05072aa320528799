#!/usr/bin/env bash
# 11_client_errors.sh - client exit codes: no server (3), invalid nick or full server (4); taken nicks get a suffix.
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

S="$T/s.sock"
start_server -s "$S"

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
