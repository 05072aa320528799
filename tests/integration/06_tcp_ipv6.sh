#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 06_tcp_ipv6.sh - TCP over [::1], and --tcp twice (IPv4 + IPv6): clients chat (skipped where ::1 is unavailable).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

grep -qi '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null || skip "::1 is not configured on this host"
port=$(free_port) || fail "no free TCP port found"

start_server --no-unix --tcp "[::1]:$port"
start_client a -t "[::1]:$port" -n ann
wait_for "$T/a.out" "^$TS -!- connected to .* as ann " || fail_with "$T/a.out" "ann did not connect to [::1]:$port"
start_client b -t "[::1]:$port" -n ben
wait_for "$T/b.out" "^$TS -!- connected to .* as ben in #lobby \\(2 users\\)" || fail_with "$T/b.out" "ben did not connect to [::1]:$port"
send b "hello over v6"
wait_for "$T/a.out" "^$TS <ben> hello over v6\$" || fail_with "$T/a.out" "ann did not get ben's message over IPv6"
close_client b
rc=$?
[ "$rc" = 0 ] || fail "ben exited $rc on end of input, want 0"
close_client a
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"

step "--tcp given twice: 127.0.0.1 and [::1] at once"
p4=$(free_port) || fail "no free TCP port found"
p6=$(free_port) || fail "no free TCP port found"
start_server --no-unix --tcp "127.0.0.1:$p4" --tcp "[::1]:$p6"
start_client v4 -t "127.0.0.1:$p4" -n four
wait_for "$T/v4.out" "^$TS -!- connected to .* as four " || fail_with "$T/v4.out" "IPv4 client did not connect to 127.0.0.1:$p4"
start_client v6 -t "[::1]:$p6" -n six
wait_for "$T/v6.out" "^$TS -!- connected to .* as six in #lobby \\(2 users\\)" || fail_with "$T/v6.out" "IPv6 client did not join [::1]:$p6 beside the IPv4 one"
send v4 "from four"
wait_for "$T/v6.out" "^$TS <four> from four\$" || fail_with "$T/v6.out" "the IPv6 client did not get the IPv4 client's message"
close_client v6
close_client v4
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
