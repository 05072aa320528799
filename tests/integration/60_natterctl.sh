#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 60_natterctl.sh - natterctl against a real natterd: stats, who (split over many datagrams), kick, say, mute, shutdown, and no server.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

command -v socat >/dev/null 2>&1 || skip "socat is not installed"
NATTERCTL=$(nt_bin "${NATTERCTL:-$(dirname "$NATTERD")/natterctl}")
[ -x "$NATTERCTL" ] || skip "$NATTERCTL is not built (run make)"

S="$T/s.sock"
me=$(id -un)
myuid=$(id -u)
# Each line client is in 30 long-named rooms: who is about 12 datagrams, more
# than a receiving socket queues by default (net.unix.max_dgram_qlen is 10),
# so natterd's retry of sends that find natterctl's queue full gets used.
LINE_CLIENTS=48
ROOMS_EACH=30
# Each room has two of them: every /join lists its room's members, so rooms
# shared by all 48 made the joins quadratic (35 MB of listings, over the
# runner's 120 s under ASan on a loaded machine) without making who larger.
# 49_own_backlog is the test of many joins with large listings.
ROOMS=$((LINE_CLIENTS * ROOMS_EACH / 2))

# ctl NAME ARGS...: run natterctl (bounded); stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit code in NT_RC.
ctl() {
	local name=$1
	shift
	timeout 20 "$NATTERCTL" "$@" >"$T/$name.out" 2>"$T/$name.err"
	NT_RC=$?
}

# stat_of NAME KEY: the number after "KEY: " in a stats reply.
stat_of() {
	sed -n "s/^$2: \\([0-9]*\\).*/\\1/p" "$T/$1.out"
}

step "no server: natterctl says so in one sentence and exits 3"
ctl none -s "$S" stats
[ "$NT_RC" = 3 ] || fail_with "$T/none.err" "natterctl with no server exited $NT_RC, want 3"
grep -q "no control socket at $S.ctl" "$T/none.err" || fail_with "$T/none.err" "no sentence naming $S.ctl"

step "a control socket nobody answers on: a timeout sentence"
nt_spawn /dev/null "$T/recv.out" "$T/recv.err" socat -u "UNIX-RECV:$T/mute.ctl" /dev/null
for ((i = 0; i < 100; i++)); do [ -S "$T/mute.ctl" ] && break; sleep 0.05; done
ctl silent -c "$T/mute.ctl" -t 1 stats
[ "$NT_RC" = 3 ] || fail_with "$T/silent.err" "natterctl with no answer exited $NT_RC, want 3"
grep -q "no answer from natterd on $T/mute.ctl within 1 s" "$T/silent.err" ||
	fail_with "$T/silent.err" "no timeout sentence"

step "natterd with its control socket (mode 0600)"
start_server -s "$S" --rate 0
[ -S "$S.ctl" ] || fail "no control socket at $S.ctl"
[ "$(stat -c %a "$S.ctl")" = 600 ] || fail "control socket mode is $(stat -c %a "$S.ctl"), want 600"

ctl stats0 -s "$S" stats
[ "$NT_RC" = 0 ] || fail_with "$T/stats0.err" "stats exited $NT_RC"
[ "$(stat_of stats0 'messages in')" = 0 ] || fail_with "$T/stats0.out" "messages in is not 0 at start"

step "alice and bob (natter), then stats counts their messages"
start_client alice -s "$S" -n alice
wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " || fail_with "$T/alice.out" "alice did not connect"
start_client bob -s "$S" -n bob
wait_for "$T/alice.out" "-!- bob joined #lobby" || fail_with "$T/alice.out" "alice did not see bob"
send alice "one"
send bob "two"
send alice "three"
wait_for "$T/bob.out" "<alice> three" || fail_with "$T/bob.out" "bob did not get alice's messages"
ctl stats1 -s "$S" stats
[ "$(stat_of stats1 'messages in')" = 3 ] || fail_with "$T/stats1.out" "messages in is not 3"
[ "$(stat_of stats1 'messages out')" = 6 ] || fail_with "$T/stats1.out" "messages out is not 6 (3 messages to 2 members)"
grep -q '^clients: 2 (unix 2, tcp 0; line mode 0)' "$T/stats1.out" || fail_with "$T/stats1.out" "clients line wrong"

step "$LINE_CLIENTS line-mode clients in $ROOMS_EACH long-named rooms each"
for ((i = 0; i < LINE_CLIENTS; i++)); do
	n=$(printf 'line_client_number_%03d' "$i")
	start_program "$n" socat - "UNIX-CONNECT:$S"
	lines="NICK $n"
	for ((r = 0; r < ROOMS_EACH; r++)); do
		printf -v room '#a-room-with-a-long-name-%03d' $(((i * ROOMS_EACH + r) % ROOMS))
		lines+=$'\n'"/join $room"
	done
	send "$n" "$lines"
done
last=$(printf 'line_client_number_%03d' $((LINE_CLIENTS - 1)))
printf -v last_room '#a-room-with-a-long-name-%03d' $(((LINE_CLIENTS * ROOMS_EACH - 1) % ROOMS))
wait_for "$T/$last.out" "$last_room -- $last .*joined" 60 ||
	fail_with "$T/$last.out" "the last line client did not join its rooms"

step "who lists everyone, in a reply larger than one datagram"
ctl who -s "$S" who
[ "$NT_RC" = 0 ] || fail_with "$T/who.err" "who exited $NT_RC"
for ((i = 0; i < LINE_CLIENTS; i++)); do
	n=$(printf 'line_client_number_%03d' "$i")
	grep -Eq "^$n +$me +$myuid +unix\+line .* no +#lobby(,#a-room-with-a-long-name-[0-9]{3}){$ROOMS_EACH}\$" "$T/who.out" ||
		fail_with "$T/who.out" "who does not list $n with its rooms"
done
grep -Eq "^alice +$me +$myuid +unix +[0-9]+s +[0-9]+ no +#lobby\$" "$T/who.out" || fail_with "$T/who.out" "who does not list alice"
grep -q "^$((LINE_CLIENTS + 2)) registered client(s)\$" "$T/who.out" || fail_with "$T/who.out" "who's count is wrong"
size=$(wc -c <"$T/who.out")
[ "$size" -gt $((3 * 4096)) ] || fail "who reply is $size bytes: too small to need several datagrams"
step "who: $size bytes, so at least $((size / 4096 + 1)) datagrams, reassembled"

step "say: every client gets the notice"
ctl say -s "$S" say "the lab closes at five"
[ "$NT_RC" = 0 ] || fail_with "$T/say.err" "say exited $NT_RC"
grep -q "^notice sent to $((LINE_CLIENTS + 2)) client(s)\$" "$T/say.out" || fail_with "$T/say.out" "say reply wrong"
wait_for "$T/alice.out" "^$TS -!- notice: the lab closes at five\$" || fail_with "$T/alice.out" "alice did not get the notice"
wait_for "$T/bob.out" "^$TS -!- notice: the lab closes at five\$" || fail_with "$T/bob.out" "bob did not get the notice"
wait_for "$T/$last.out" "^[0-9:]{8} -- the lab closes at five\$" || fail_with "$T/$last.out" "a line client did not get the notice"

step "mute bob: his messages are refused with error 209; unmute restores them"
ctl mute -s "$S" mute bob
[ "$NT_RC" = 0 ] || fail_with "$T/mute.err" "mute exited $NT_RC"
wait_for "$T/bob.out" "^$TS -!- notice: you were muted by $me" || fail_with "$T/bob.out" "bob was not told he was muted"
send bob "can anyone hear me"
wait_for "$T/bob.out" "^$TS -!- error 209 \(ERR_MUTED\): you are muted" || fail_with "$T/bob.out" "bob's message was not refused"
send bob "/msg alice privately then"
wait_count "$T/bob.out" "error 209 \(ERR_MUTED\)" 2 || fail_with "$T/bob.out" "bob's private message was not refused"
grep -q "muted  *#lobby\|yes" "$T/who.out" >/dev/null
ctl who2 -s "$S" who
grep -Eq "^bob +$me .* yes +#lobby\$" "$T/who2.out" || fail_with "$T/who2.out" "who does not show bob muted"
ctl unmute -s "$S" unmute bob
wait_for "$T/bob.out" "^$TS -!- notice: you were unmuted by $me" || fail_with "$T/bob.out" "bob was not told he was unmuted"
send bob "back again"
wait_for "$T/alice.out" "<bob> back again" || fail_with "$T/alice.out" "bob's message after unmute did not arrive"
grep -q "can anyone hear me\|privately then" "$T/alice.out" && fail_with "$T/alice.out" "a muted message reached alice"

step "kick bob: he sees why and exits; alice sees him leave with the reason"
ctl kick -s "$S" kick bob please stop
[ "$NT_RC" = 0 ] || fail_with "$T/kick.err" "kick exited $NT_RC"
wait_for "$T/bob.out" "^$TS -!- disconnected: you were kicked by $me: please stop\$" ||
	fail_with "$T/bob.out" "bob did not see why he was kicked"
wait_client bob 10
[ $? != 124 ] || fail "bob's natter did not exit after the kick"
wait_for "$T/alice.out" "^$TS -!- bob left #lobby \(kicked by $me: please stop\)\$" ||
	fail_with "$T/alice.out" "alice did not see bob leave with the reason"

step "errors: an unknown nick (exit 1), an unknown command and missing arguments (exit 2)"
ctl nobody -s "$S" kick nobody
[ "$NT_RC" = 1 ] || fail_with "$T/nobody.err" "kick nobody exited $NT_RC, want 1"
grep -q "^natterctl: nobody is called 'nobody' here" "$T/nobody.err" || fail_with "$T/nobody.err" "no sentence for an unknown nick"
ctl bogus -s "$S" frobnicate
[ "$NT_RC" = 2 ] || fail_with "$T/bogus.err" "an unknown command exited $NT_RC, want 2"
ctl noarg -s "$S" mute
[ "$NT_RC" = 2 ] || fail_with "$T/noarg.err" "mute without a nick exited $NT_RC, want 2"

step "a datagram from a socket with no address: done, but no answer can reach it (logged)"
printf '5 stats' | timeout 5 socat -u - "UNIX-SENDTO:$S.ctl" || fail "socat could not send to $S.ctl"
wait_for "$SERVER_ERR" "control: that request came from a socket with no address \\(it did not bind\\)" ||
	fail_with "$SERVER_ERR" "the unanswerable request was not logged"
step "... while one that binds gets the reply's datagram: header line, then text"
printf '6 stats' | timeout 5 socat - "UNIX-SENDTO:$S.ctl,bind=$T/me.sock" >"$T/socat.out" 2>"$T/socat.err"
head -n 1 "$T/socat.out" | grep -qx '6 0 end ok' || fail_with "$T/socat.out" "no '6 0 end ok' header from a bound socat"

step "every request is logged with the requester"
for what in "asked stats" "asked who" "asked say: notice to" "asked mute: muted bob" \
	"asked unmute: unmuted bob" "asked kick: kicked bob \(serial [0-9]+\)" "asked kick: error: nobody"; do
	grep -Eq "control: uid $myuid \($me, pid [0-9]+\) $what" "$SERVER_ERR" || fail_with "$SERVER_ERR" "no log line for '$what'"
done

step "shutdown with a message: clients see it, natterd exits 0, both sockets are gone"
ctl down -s "$S" shutdown back in five minutes
[ "$NT_RC" = 0 ] || fail_with "$T/down.err" "shutdown exited $NT_RC"
wait_for "$T/alice.out" "^$TS -!- disconnected: back in five minutes\$" || fail_with "$T/alice.out" "alice did not get the shutdown message"
nt_wait_exit "$SERVER_TPID" 10 || fail "natterd still running after shutdown"
[ "$NT_RC" = 0 ] || fail_with "$SERVER_ERR" "natterd exited $NT_RC after shutdown, want 0"
[ ! -e "$S" ] || fail "the chat socket $S is still there"
[ ! -e "$S.ctl" ] || fail "the control socket $S.ctl is still there"
grep -q "natterctl (uid $myuid, pid [0-9]*): shutting down" "$SERVER_ERR" || fail_with "$SERVER_ERR" "shutdown not logged"

pass
