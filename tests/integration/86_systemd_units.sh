#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 86_systemd_units.sh - contrib's systemd units: each socket unit's sockets and service's command line, passed the way systemd
# passes them, give a server that natter and natterctl reach; systemd-analyze security scores each service 3.0 or lower.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

[ "$(dirname "$NATTERD")" = "$NT_ROOT/bin" ] ||
	skip "the units are tested once, with the plain build in bin/ (not $(dirname "$NATTERD"))"
NATTERCTL="$NT_ROOT/bin/natterctl"
ACTIVATE="$NT_ROOT/bin/activate"
for b in "$NATTERCTL" "$ACTIVATE"; do
	[ -x "$b" ] || skip "$b is not built (run make)"
done
C="$NT_ROOT/contrib"
MAX_EXPOSURE=3.0

# unit_values FILE KEY: every value of KEY= in a unit file, one per line.
unit_values() {
	sed -n "s/^$2=//p" "$1"
}

# as_here TEXT: a unit's paths and specifiers moved into this test's $T
# (%t is already $XDG_RUNTIME_DIR=$T here).
as_here() {
	local s=$1
	s=${s//\/run\/natter/$T\/run}
	s=${s//\/var\/lib\/natter/$T\/state}
	s=${s//%S/$T\/state}
	s=${s//%t/$T}
	s=${s//%H/testhost}
	s=${s//\/usr\/local\/bin\/natterd/$NATTERD}
	printf '%s\n' "$s"
}

# check_pair NAME: NAME.socket and NAME.service, run as systemd would run them
# (sockets made by the launcher, the service's ExecStart= on them), answer natter
# and natterctl. $CTL_ARGS are natterctl's socket options (none: its default).
check_pair() {
	local name=$1 stream dgram exec_line argv=() rc
	stream=$(unit_values "$C/$name.socket" ListenStream | grep '^[/%]')
	dgram=$(unit_values "$C/$name.socket" ListenDatagram)
	[ -n "$stream" ] || fail "$name.socket has no ListenStream= path"
	[ -n "$dgram" ] || fail "$name.socket binds no control socket (ListenDatagram=), so natterctl cannot reach natterd"
	[ "$dgram" = "$stream.ctl" ] ||
		fail "$name.socket: ListenDatagram=$dgram is not ListenStream=$stream plus .ctl, where natterctl looks"
	stream=$(as_here "$stream")
	exec_line=$(unit_values "$C/$name.service" ExecStart)
	[ -n "$exec_line" ] || fail "$name.service has no ExecStart="
	read -r -a argv <<<"$(as_here "$exec_line")"
	[ "${argv[0]}" = "$NATTERD" ] || fail "$name.service does not start natterd: ExecStart=$exec_line"
	mkdir -m 0700 "$(dirname "$stream")" "$T/state" || fail "cannot make the directories of $stream"

	step "$name: natterd started as ExecStart= says on the sockets $name.socket lists"
	NT_SERVER_N=$((NT_SERVER_N + 1))
	SERVER_ERR="$T/natterd.$NT_SERVER_N.err"
	nt_spawn /dev/null "$T/natterd.$NT_SERVER_N.out" "$SERVER_ERR" \
		"$ACTIVATE" --unix "$stream" --dgram "$stream.ctl" -- "${argv[@]}"
	SERVER_TPID=$NT_LAST_TPID
	SERVER_PID=$(nt_child_pid "$SERVER_TPID") || fail "the launcher did not start"
	wait_for "$SERVER_ERR" 'using 2 sockets passed by the service manager' ||
		fail_with "$SERVER_ERR" "natterd from $name.service did not take both sockets of $name.socket"
	grep -q 'as the control socket' "$SERVER_ERR" ||
		fail_with "$SERVER_ERR" "natterd from $name.service did not take the datagram socket as its control socket"

	step "$name: natter chats and natterctl ${CTL_ARGS[*]:-(no options)} is answered"
	start_client alice -s "$stream" -n alice
	wait_for "$T/alice.out" "^$TS -!- connected to .* as alice " ||
		fail_with "$T/alice.out" "natter did not connect through $name.socket's stream socket"
	timeout 20 "$NATTERCTL" ${CTL_ARGS[@]+"${CTL_ARGS[@]}"} stats >"$T/$name.ctl.out" 2>"$T/$name.ctl.err"
	rc=$?
	[ "$rc" = 0 ] || fail_with "$T/$name.ctl.err" "natterctl ${CTL_ARGS[*]:-} stats exited $rc through $name.socket"
	grep -q '^registered: 1' "$T/$name.ctl.out" ||
		fail_with "$T/$name.ctl.out" "natterctl stats through $name.socket does not count alice"
	close_client alice || fail_with "$T/alice.err" "alice exited $? on end of input"
	stop_server TERM || fail_with "$SERVER_ERR" "natterd from $name.service exited $SERVER_RC on SIGTERM"
	[ -S "$stream" ] || fail "natterd removed $stream, which belongs to the service manager"
	rm -rf "$(dirname "$stream")" "$T/state"
}

CTL_ARGS=(-s "$T/run/natter.sock")
check_pair natterd
# The per-user socket is natter's default path: natterctl finds it unaided.
CTL_ARGS=()
check_pair natterd-user

step "systemd-analyze security scores each service $MAX_EXPOSURE or lower"
command -v systemd-analyze >/dev/null 2>&1 || skip "systemd-analyze is not installed (apt-get install systemd); the sockets were checked"
systemd-analyze security --help 2>&1 | grep -q -- '--offline' ||
	skip "this systemd-analyze has no security --offline (systemd 250 or later); the sockets were checked"
for unit in natterd.service natterd-user.service; do
	scope=()
	[ "$unit" = natterd-user.service ] && scope=(--user)
	(cd "$C" && timeout 60 systemd-analyze security --offline=yes ${scope[@]+"${scope[@]}"} "$unit") \
		</dev/null >"$T/$unit.security" 2>&1
	score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/$unit.security")
	[ -n "$score" ] || fail_with "$T/$unit.security" "systemd-analyze security gave no score for $unit"
	awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }' ||
		fail_with "$T/$unit.security" "systemd-analyze security scores $unit $score, above $MAX_EXPOSURE"
	step "$unit: exposure $score"
done

pass
