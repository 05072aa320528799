#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 48_held_pings.sh - a held-back flooder that answers every PING is not dropped for silence: the PING clock runs only while natterd reads it.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
N=24 # at --rate 2 after a burst of 1: held back for 11.5 s, well over --ping-interval + --ping-timeout

start_server -s "$S" --rate 2 --burst 1 --ping-interval 1 --ping-timeout 5
start_client watch -s "$S" -n watch
wait_for "$T/watch.out" "^$TS -!- connected to " || fail_with "$T/watch.out" "watch did not connect"
# natter answers every PING it reads; its PONGs queue behind its own flood.
start_client flooder -s "$S" -n flooder
wait_for "$T/watch.out" "^$TS -!- flooder joined #lobby" || fail_with "$T/watch.out" "the flooder never joined"

step "the flooder sends $N messages at once, over --rate 2 --burst 1"
seq -f 'held%02g' 1 "$N" >"$T/want"
send_file flooder "$T/want" || fail "could not write the flooder's input"
wait_for "$T/flooder.out" "^$TS -!- notice: you are sending more than 2 messages a second" ||
	fail_with "$T/flooder.out" "the flooder was never held back"

step "all $N arrive, in order, and the flooder is still connected"
# Either event ends the wait: the last message, or the flooder leaving.
wait_for "$T/watch.out" "^$TS (<flooder> held$N|-!- flooder left .*)\$" 60 ||
	fail_with "$T/watch.out" "watch got neither the flooder's last message nor its leaving"
grep -Eq "^$TS -!- flooder left" "$T/watch.out" && fail_with "$T/watch.out" "the held-back flooder was dropped"
check_said "$T/watch.out" flooder "$T/want" || fail "watch did not get the flooder's $N messages exactly once, in order"
grep -q 'no answer to PING' "$T/flooder.out" "$SERVER_ERR" &&
	fail_with "$SERVER_ERR" "the held-back flooder was dropped for not answering a PING"
send flooder "still here"
wait_for "$T/watch.out" "^$TS <flooder> still here\$" 20 || fail_with "$T/watch.out" "the flooder's next message did not arrive"

close_client flooder
close_client watch
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
