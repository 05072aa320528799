#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 05_tcp.sh - TCP on 127.0.0.1 beside the UNIX socket, --no-unix, and refusal of a non-loopback address.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
port=$(free_port) || fail "no free TCP port found"

step "UNIX and TCP at once: a UNIX client and a TCP client chat"
start_server -s "$S" --tcp "127.0.0.1:$port"
start_client unixer -s "$S" -n unixer
wait_for "$T/unixer.out" "^$TS -!- connected to .* as unixer " || fail_with "$T/unixer.out" "UNIX client did not connect"
start_client tcper -t "127.0.0.1:$port" -n tcper
wait_for "$T/tcper.out" "^$TS -!- connected to .* as tcper in #lobby \\(2 users\\)" ||
	fail_with "$T/tcper.out" "TCP client did not print 'connected to ... as tcper in #lobby (2 users)'"
send tcper "over tcp"
send unixer "over unix"
wait_for "$T/unixer.out" "^$TS <tcper> over tcp\$" || fail_with "$T/unixer.out" "UNIX client did not get the TCP client's message"
wait_for "$T/tcper.out" "^$TS <unixer> over unix\$" || fail_with "$T/tcper.out" "TCP client did not get the UNIX client's message"
close_client tcper
rc=$?
[ "$rc" = 0 ] || fail "TCP client exited $rc on end of input, want 0"
close_client unixer
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"

step "--no-unix --tcp PORT: no socket file, TCP clients chat (host defaults to 127.0.0.1)"
port=$(free_port) || fail "no free TCP port found"
start_server --no-unix --tcp "$port"
[ -e "$XDG_RUNTIME_DIR/natter/natter.sock" ] && fail "--no-unix still created $XDG_RUNTIME_DIR/natter/natter.sock"
start_client a -t "127.0.0.1:$port" -n ann
wait_for "$T/a.out" "^$TS -!- connected to .* as ann " || fail_with "$T/a.out" "ann did not connect over TCP"
start_client b -t "$port" -n ben
wait_for "$T/b.out" "^$TS -!- connected to .* as ben " || fail_with "$T/b.out" "ben (-t PORT) did not connect over TCP"
wait_for "$T/a.out" "^$TS -!- ben joined #lobby( \\(.*\\))?\$" || fail_with "$T/a.out" "ann did not see ben join"
send b "hello ann"
wait_for "$T/a.out" "^$TS <ben> hello ann\$" || fail_with "$T/a.out" "ann did not get ben's message over TCP"
close_client a
close_client b
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"

step "--no-unix without --tcp is a usage error"
timeout 10 "$NATTERD" --no-unix >"$T/nounix.out" 2>"$T/nounix.err"
rc=$?
[ "$rc" = 2 ] || fail_with "$T/nounix.err" "natterd --no-unix (no --tcp) exited $rc, want 2 (usage)"

step "a non-loopback address is refused without --allow-remote"
port=$(free_port) || fail "no free TCP port found"
timeout 10 "$NATTERD" --no-unix --tcp "0.0.0.0:$port" >"$T/remote.out" 2>"$T/remote.err"
rc=$?
[ "$rc" = 124 ] && fail "natterd --tcp 0.0.0.0:$port served (still running after 10 s) without --allow-remote"
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail_with "$T/remote.err" "natterd --tcp 0.0.0.0:$port exited $rc, want 1 or 2 (refused)"
[ -s "$T/remote.err" ] || fail "natterd refused 0.0.0.0 but said nothing on stderr"
pass
