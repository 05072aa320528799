#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 81_socket_activation.sh - natterd on sockets passed with LISTEN_FDS/LISTEN_PID: chat over them, never unlink them, refuse what is not a listener.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

# The launcher beside the natterd under test (bin/ or bin/asan/), like rawclient.
ACTIVATE="$(dirname "$NATTERD")/activate"
[ -x "$ACTIVATE" ] || ACTIVATE="$NT_ROOT/bin/activate"
[ -x "$ACTIVATE" ] || skip "$ACTIVATE is not built (run make)"

# run_fg NAME CMD...: run a command in the foreground (bounded), stdin
# empty, output in $T/NAME.out and $T/NAME.err; returns its exit code.
run_fg() {
	local name=$1
	shift
	timeout -k 5 20 "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
}

# refused NAME RC WHAT REGEX: natterd run as NAME refused to start: exit 1,
# one sentence from natterd (not the launcher) matching REGEX, nothing created.
refused() {
	local name=$1 rc=$2 what=$3 re=$4
	[ "$rc" = 124 ] && fail "natterd with $what was still running after 20 s; want a refusal"
	[ "$rc" = 1 ] || fail_with "$T/$name.err" "natterd with $what exited $rc, want 1"
	grep -Eq "^natterd: .*$re" "$T/$name.err" ||
		fail_with "$T/$name.err" "natterd with $what did not say /$re/"
	[ -e "$XDG_RUNTIME_DIR/natter" ] && fail "natterd with $what made the default socket directory"
	return 0
}

S="$T/passed.sock"
port=$(free_port) || fail "no free TCP port found"

step "natterd started by the launcher on a passed UNIX socket, TCP port and datagram socket"
NT_SERVER_N=$((NT_SERVER_N + 1))
SERVER_ERR="$T/natterd.$NT_SERVER_N.err"
# --socket is given too: it must be ignored (with a warning), not bound.
nt_spawn /dev/null "$T/natterd.$NT_SERVER_N.out" "$SERVER_ERR" \
	"$ACTIVATE" --unix "$S" --tcp "127.0.0.1:$port" --dgram "$T/ctl.sock" --name chat:web:ctl -- \
	"$NATTERD" --socket "$T/ignored.sock"
SERVER_TPID=$NT_LAST_TPID
SERVER_PID=$(nt_child_pid "$SERVER_TPID") || fail "the launcher did not start"
# The sockets accept before natterd runs, so wait for its word, not for a probe.
wait_for "$SERVER_ERR" 'using 3 sockets passed by the service manager' ||
	fail_with "$SERVER_ERR" "natterd did not say it uses the 3 passed sockets"
grep -q "fd 3 (chat): listening on $(re_escape "$S")\$" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "natterd did not log fd 3 (named chat by LISTEN_FDNAMES) as $S"
grep -q "fd 4 (web): listening on tcp 127.0.0.1:$port\$" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "natterd did not log fd 4 as tcp 127.0.0.1:$port"
grep -q "fd 5 (ctl) as the control socket" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "natterd did not take fd 5, a UNIX datagram socket, as the control socket"
grep -q "warning: --socket.* ignored" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "natterd did not warn that --socket is ignored when sockets are passed"
[ -e "$T/ignored.sock" ] && fail "natterd bound --socket $T/ignored.sock although sockets were passed"
[ -e "$S.lock" ] && fail "natterd made a lock file $S.lock for a socket it did not create"
[ -e "$XDG_RUNTIME_DIR/natter" ] && fail "natterd made the default socket directory although sockets were passed"

step "a UNIX client and a TCP client chat through the passed sockets"
start_client unixer -s "$S" -n unixer
wait_for "$T/unixer.out" "^$TS -!- connected to .* as unixer " || fail_with "$T/unixer.out" "the UNIX client did not connect through the passed socket"
start_client tcper -t "127.0.0.1:$port" -n tcper
wait_for "$T/tcper.out" "^$TS -!- connected to .* as tcper in #lobby \\(2 users\\)" ||
	fail_with "$T/tcper.out" "the TCP client did not connect through the passed port"
send tcper "over the passed port"
send unixer "over the passed socket"
wait_for "$T/unixer.out" "^$TS <tcper> over the passed port\$" || fail_with "$T/unixer.out" "the UNIX client did not get the TCP client's message"
wait_for "$T/tcper.out" "^$TS <unixer> over the passed socket\$" || fail_with "$T/tcper.out" "the TCP client did not get the UNIX client's message"
close_client tcper || fail "the TCP client exited $? on end of input, want 0"
close_client unixer || fail "the UNIX client exited $? on end of input, want 0"

step "SIGTERM: exit 0, and the passed socket file stays (the service manager owns it)"
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
[ -S "$S" ] || fail "natterd removed $S, a socket it was passed and did not create"

step "a LISTEN_PID that is not natterd's is ignored: it binds (and later removes) its own socket"
echo 'not a socket' >"$T/plain.txt"
exec 3<"$T/plain.txt" # what fd 3 holds must not matter either
LISTEN_PID=$$ LISTEN_FDS=1 start_server -s "$T/own.sock"
exec 3<&-
[ -S "$T/own.sock" ] || fail "natterd with another process's LISTEN_PID did not bind its own socket"
grep -q 'passed by the service manager' "$SERVER_ERR" &&
	fail_with "$SERVER_ERR" "natterd used LISTEN_FDS although LISTEN_PID was another process's"
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC on SIGTERM, want 0"
[ -e "$T/own.sock" ] && fail "natterd left $T/own.sock, a socket it created itself"

step "a regular file passed as fd 3 (by the launcher, and by bash's 3<file): natterd refuses, exit 1"
run_fg file "$ACTIVATE" --file "$T/plain.txt" -- "$NATTERD"
refused file $? "a regular file on fd 3" 'fd 3 .*is a regular file, not a socket'
# exec keeps bash's pid, so LISTEN_PID=$$ names natterd.
# shellcheck disable=SC2016 # ($$ and $0 are the inner bash's)
run_fg bashfile bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0"' "$NATTERD" 3<"$T/plain.txt"
refused bashfile $? "bash's 3<file" 'fd 3 .*is a regular file, not a socket'

step "other descriptors natterd cannot serve on: refused with a sentence, exit 1"
run_fg unbound "$ACTIVATE" --stream-unbound -- "$NATTERD"
refused unbound $? "a stream socket that is not listening" 'fd 3 .*not listening'
run_fg dgramonly "$ACTIVATE" --dgram "$T/ctl2.sock" -- "$NATTERD"
refused dgramonly $? "only a datagram socket" 'no listening stream socket'
port=$(free_port) || fail "no free TCP port found"
run_fg remote "$ACTIVATE" --tcp "0.0.0.0:$port" -- "$NATTERD"
refused remote $? "a passed 0.0.0.0 TCP socket" 'not a loopback address.*--allow-remote'
# shellcheck disable=SC2016 # ($$ and $0 are the inner bash's)
run_fg garbage bash -c 'export LISTEN_PID=$$ LISTEN_FDS=lots; exec "$0"' "$NATTERD"
refused garbage $? "LISTEN_FDS=lots" "LISTEN_FDS='lots' is not a number"

pass
