# SPDX-License-Identifier: ISC
# lib.sh - sourced by every integration test: private temp dir, servers, headless clients, bounded waits, cleanup.
# shellcheck shell=bash disable=SC2034 # (variables set here are read by the tests)
#
# A test script does:
#     . "$(dirname "$0")/../lib.sh"
#     start_server -s "$T/s.sock"
#     start_client alice -s "$T/s.sock" -n alice
#     wait_for "$T/alice.out" 'connected to .* as alice ' || fail "alice never connected"
#     send alice "hello"
#     close_client alice; rc=$?
#     pass
# and exits 0 (pass), 1 (fail, with one "FAIL: reason" line) or 77 (skip).
# Every process it starts runs under timeout(1) in its own process group and
# is killed, with its children, when the script exits for any reason.

set -u

NT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Safety nets, in seconds: no process outlives NT_PROC_TIMEOUT.
NT_PROC_TIMEOUT=${NT_PROC_TIMEOUT:-90}
START_TIMEOUT=${START_TIMEOUT:-5}
TS='\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]' # a line's [HH:MM:SS] stamp, as an ERE

# An absolute path for a binary named by env (relative: to the cwd if it
# exists there, else to the repo root).
nt_bin() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) if [ -e "$1" ]; then printf '%s/%s\n' "$PWD" "$1"; else printf '%s/%s\n' "$NT_ROOT" "$1"; fi ;;
	esac
}

NATTERD=$(nt_bin "${NATTERD:-bin/natterd}")
NATTER=$(nt_bin "${NATTER:-bin/natter}")
if [ -z "${RAWCLIENT:-}" ]; then
	RAWCLIENT="$(dirname "$NATTERD")/rawclient"
	[ -x "$RAWCLIENT" ] || RAWCLIENT="$NT_ROOT/bin/rawclient"
fi
RAWCLIENT=$(nt_bin "$RAWCLIENT")

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

skip() {
	printf 'SKIP: %s\n' "$*"
	exit 77
}

pass() {
	exit 0
}

NT_T0=${EPOCHREALTIME:-0}
# Say what the test is doing (goes to the test's log), with seconds since start.
step() {
	local now=${EPOCHREALTIME:-0}
	printf '== [%6.2f] %s\n' "$(awk -v a="${NT_T0/,/.}" -v b="${now/,/.}" 'BEGIN { print b - a }')" "$*"
}

for nt_b in "$NATTERD" "$NATTER" "$RAWCLIENT"; do
	[ -x "$nt_b" ] || skip "$nt_b is not built (run make)"
done
unset nt_b

T=$(mktemp -d /tmp/natter-test.XXXXXX) || fail "mktemp -d failed"
export XDG_RUNTIME_DIR="$T" HOME="$T"
unset NATTER_SOCKET NATTER_NICK XDG_DATA_HOME XDG_CONFIG_HOME 2>/dev/null || true
cd "$T" || fail "cannot cd to $T"

NT_TPIDS=()	# timeout(1) pids = process-group ids of everything started
NT_OPEN_FDS=()	# write ends of client FIFOs, closed in every child
declare -A CLIENT_FD=() CLIENT_TPID=()
NT_SERVER_N=0
SERVER_TPID="" SERVER_PID="" SERVER_ERR="" SERVER_SOCK="" SERVER_RC=""
SERVER_PREFIX=() # e.g. (valgrind -q): put before natterd by start_server
NT_RC=0
NT_SANITIZER_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: |^SUMMARY: UndefinedBehaviorSanitizer'

# Kill everything this test started, keep its logs if asked, remove the temp dir.
nt_cleanup() {
	local rc=$1 pg i alive fd
	trap - EXIT INT TERM
	for fd in ${NT_OPEN_FDS[@]+"${NT_OPEN_FDS[@]}"}; do
		exec {fd}>&-
	done
	for pg in ${NT_TPIDS[@]+"${NT_TPIDS[@]}"}; do
		kill -TERM -- "-$pg" 2>/dev/null
	done
	for ((i = 0; i < 60; i++)); do
		alive=0
		for pg in ${NT_TPIDS[@]+"${NT_TPIDS[@]}"}; do
			kill -0 -- "-$pg" 2>/dev/null && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.05
	done
	for pg in ${NT_TPIDS[@]+"${NT_TPIDS[@]}"}; do
		kill -KILL -- "-$pg" 2>/dev/null
	done
	# A sanitizer report from any program, even one the test did not
	# stop itself (its exit at cleanup runs LeakSanitizer), fails the test.
	if [ "$rc" = 0 ]; then
		local hit
		hit=$(grep -l -E "$NT_SANITIZER_RE" "$T"/*.err 2>/dev/null | head -n 1)
		if [ -n "$hit" ]; then
			printf -- '--- %s:\n' "${hit##*/}" >&2
			grep -m 1 -A 20 -E "$NT_SANITIZER_RE" "$hit" | sed 's/^/    /' >&2
			printf 'FAIL: sanitizer report in %s\n' "${hit##*/}" >&2
			rc=1
		fi
	fi
	if [ -n "${NATTER_TEST_LOGDIR:-}" ] && mkdir -p "$NATTER_TEST_LOGDIR"; then
		find "$T" -maxdepth 1 -type f \( -name '*.out' -o -name '*.err' -o -name '*.log' \) \
			-exec cp {} "$NATTER_TEST_LOGDIR/" \; 2>/dev/null
	fi
	cd / && rm -rf "$T"
	exit "$rc"
}
trap 'nt_cleanup $?' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# nt_spawn IN OUT ERR CMD...: run CMD in the background under timeout, in
# its own process group, with no client FIFO write end inherited.
nt_spawn() {
	local in=$1 out=$2 err=$3
	shift 3
	(
		for fd in ${NT_OPEN_FDS[@]+"${NT_OPEN_FDS[@]}"}; do
			exec {fd}>&-
		done
		exec timeout -k 5 "$NT_PROC_TIMEOUT" "$@" <"$in" >"$out" 2>"$err"
	) &
	NT_LAST_TPID=$!
	NT_TPIDS+=("$NT_LAST_TPID")
}

# Print the pid of timeout's child (the real program), waiting up to 5 s.
nt_child_pid() {
	local tpid=$1 i kid
	for ((i = 0; i < 100; i++)); do
		kid=$(pgrep -P "$tpid" 2>/dev/null | head -n 1)
		if [ -n "$kid" ]; then
			printf '%s\n' "$kid"
			return 0
		fi
		kill -0 "$tpid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# nt_wait_exit PID [SECONDS]: wait (bounded) for a background pid to end;
# its exit code goes in NT_RC. Returns 1 if it is still running.
nt_wait_exit() {
	local pid=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			NT_RC=$?
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# Probe one address ("unix:PATH" or "tcp:SPEC"); 0 if it accepts a connection.
nt_probe() {
	case $1 in
	unix:*) [ -S "${1#unix:}" ] && timeout 5 "$RAWCLIENT" -s "${1#unix:}" --probe 2>/dev/null ;;
	tcp:*) timeout 5 "$RAWCLIENT" -t "${1#tcp:}" --probe 2>/dev/null ;;
	esac
}

# start_server ARGS...: start natterd (after SERVER_PREFIX) in the background
# and wait until every address it was told to listen on accepts. Sets
# SERVER_PID, SERVER_TPID, SERVER_ERR, SERVER_SOCK (unix path, or empty).
# Fails the test if natterd exits or is not up within START_TIMEOUT seconds.
start_server() {
	local targets=() unix=1 sock="$XDG_RUNTIME_DIR/natter/natter.sock" a i up tg rc
	local args=("$@")
	for ((i = 0; i < ${#args[@]}; i++)); do
		a=${args[i]}
		case $a in
		-s | --socket) sock=${args[i + 1]:-}; i=$((i + 1)) ;;
		--socket=*) sock=${a#--socket=} ;;
		--no-unix) unix=0 ;;
		-t | --tcp) targets+=("tcp:${args[i + 1]:-}"); i=$((i + 1)) ;;
		--tcp=*) targets+=("tcp:${a#--tcp=}") ;;
		esac
	done
	SERVER_SOCK=""
	if [ "$unix" = 1 ]; then
		SERVER_SOCK=$sock
		targets+=("unix:$sock")
	fi
	NT_SERVER_N=$((NT_SERVER_N + 1))
	SERVER_ERR="$T/natterd.$NT_SERVER_N.err"
	nt_spawn /dev/null "$T/natterd.$NT_SERVER_N.out" "$SERVER_ERR" \
		${SERVER_PREFIX[@]+"${SERVER_PREFIX[@]}"} "$NATTERD" "$@"
	SERVER_TPID=$NT_LAST_TPID
	SERVER_PID=$(nt_child_pid "$SERVER_TPID") || SERVER_PID=""
	for ((i = 0; i < START_TIMEOUT * 20; i++)); do
		if ! kill -0 "$SERVER_TPID" 2>/dev/null; then
			wait "$SERVER_TPID"
			rc=$?
			fail "natterd $* exited with code $rc before accepting connections: $(oneline "$SERVER_ERR")"
		fi
		up=1
		for tg in "${targets[@]}"; do
			nt_probe "$tg" || { up=0; break; }
		done
		[ "$up" = 1 ] && [ -n "$SERVER_PID" ] && return 0
		sleep 0.05
	done
	fail "natterd $* did not accept connections within ${START_TIMEOUT}s"
}

# stop_server [SIGNAL] [SECONDS]: signal natterd (default TERM) and wait for
# it to exit; its exit code is returned and left in SERVER_RC (124: still running).
stop_server() {
	local sig=${1:-TERM} secs=${2:-10}
	kill "-$sig" "$SERVER_PID" 2>/dev/null
	if nt_wait_exit "$SERVER_TPID" "$secs"; then
		SERVER_RC=$NT_RC
	else
		SERVER_RC=124
	fi
	return "$SERVER_RC"
}

# Whether natterd is still running.
server_alive() {
	[ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null
}

# start_client NAME ARGS...: run natter headless (--no-autostart added)
# with stdin from a FIFO that stays open until close_client, stdout in
# $T/NAME.out and stderr in $T/NAME.err.
start_client() {
	local name=$1
	shift
	start_program "$name" "$NATTER" --no-autostart "$@"
}

# start_program NAME CMD...: any client program (socat, natter as another
# user, a student's own client) on a FIFO stdin kept open until
# close_client, output in $T/NAME.out and $T/NAME.err, as start_client.
start_program() {
	local name=$1 fifo fd
	shift
	fifo="$T/$name.in"
	rm -f "$fifo" "$T/$name.out" "$T/$name.err"
	mkfifo "$fifo" || fail "mkfifo $fifo failed"
	# Read-write, so neither this open nor the client's blocks; the
	# client sees EOF only when this (the only other) end is closed.
	exec {fd}<>"$fifo"
	NT_OPEN_FDS+=("$fd")
	CLIENT_FD[$name]=$fd
	nt_spawn "$fifo" "$T/$name.out" "$T/$name.err" "$@"
	CLIENT_TPID[$name]=$NT_LAST_TPID
}

# start_client_as_nobody NAME ARGS...: start_client, but natter runs as
# uid/gid 65534 with no other groups (setpriv; the caller checks for root).
start_client_as_nobody() {
	local name=$1
	shift
	start_program "$name" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NATTER" --no-autostart "$@"
}

# send NAME LINE: one line to the client's stdin.
send() {
	printf '%s\n' "$2" >&"${CLIENT_FD[$1]}"
}

# send_file NAME FILE: a whole file to the client's stdin (bounded).
send_file() {
	timeout 60 cat "$2" >&"${CLIENT_FD[$1]}"
}

# nt_forget_fd FD: drop a closed fd from NT_OPEN_FDS.
nt_forget_fd() {
	local keep=() f
	for f in ${NT_OPEN_FDS[@]+"${NT_OPEN_FDS[@]}"}; do
		[ "$f" = "$1" ] || keep+=("$f")
	done
	NT_OPEN_FDS=(${keep[@]+"${keep[@]}"})
}

# close_client NAME [SECONDS]: end of file on the client's stdin, then wait
# (bounded, default 10 s) for it to exit. Returns its exit code, 124 if it
# did not exit in time.
close_client() {
	local name=$1 fd=${CLIENT_FD[$1]:-}
	if [ -n "$fd" ]; then
		exec {fd}>&-
		nt_forget_fd "$fd"
		CLIENT_FD[$name]=""
	fi
	wait_client "$name" "${2:-10}"
}

# wait_client NAME [SECONDS]: wait (bounded) for a client to exit by itself.
# Returns its exit code, 124 if it is still running.
wait_client() {
	nt_wait_exit "${CLIENT_TPID[$1]}" "${2:-10}" || return 124
	return "$NT_RC"
}

# wait_for FILE REGEX [SECONDS]: poll (every 50 ms, default up to 10 s)
# until a line of FILE matches the extended regex.
wait_for() {
	local file=$1 re=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	grep -Eq -- "$re" "$file" 2>/dev/null
}

# wait_count FILE REGEX N [SECONDS]: poll until at least N lines match.
wait_count() {
	local file=$1 re=$2 n=$3 secs=${4:-10} i c
	for ((i = 0; i <= secs * 20; i++)); do
		c=$(grep -Ec -- "$re" "$file" 2>/dev/null)
		[ "${c:-0}" -ge "$n" ] && return 0
		sleep 0.05
	done
	return 1
}

# free_port: print a TCP port that nothing on this host uses now.
free_port() {
	local used i port hex
	used=$(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
	for ((i = 0; i < 200; i++)); do
		# 20000-32767: below Linux's ephemeral range, so no outgoing
		# connection takes it meanwhile.
		port=$((20000 + (RANDOM % 12768)))
		printf -v hex '%04X' "$port"
		if ! grep -qx -- "$hex" <<<"$used"; then
			printf '%s\n' "$port"
			return 0
		fi
	done
	return 1
}

# Escape a literal string for use in an ERE.
re_escape() {
	printf '%s' "$1" | sed -e 's/[][\.*^$+?(){}|/]/\\&/g'
}

# said FILE NICK: the texts of NICK's messages in a text-mode client's output, in order.
said() {
	local nick
	nick=$(re_escape "$2")
	sed -n -E "s/^$TS <$nick> (.*)\$/\\1/p" "$1"
}

# last_lines FILE [N]: the end of a log, indented, for failure messages.
last_lines() {
	tail -n "${2:-5}" "$1" 2>/dev/null | sed 's/^/    /'
}

# fail_with FILE MESSAGE: fail, showing the end of FILE in the log first.
fail_with() {
	printf -- '--- last lines of %s:\n' "${1##*/}" >&2
	last_lines "$1" 10 >&2
	fail "$2"
}

# oneline FILE: the start of a file on one line, for failure messages.
oneline() {
	head -c 300 "$1" 2>/dev/null | tr '\n' ' '
}

# check_said OUT NICK EXPECTED: NICK's messages in a text-mode client's
# output are exactly the lines of file EXPECTED, in order. On a mismatch
# prints the first difference and returns 1.
check_said() {
	local got="$T/said.$$.tmp"
	said "$1" "$2" >"$got"
	if cmp -s "$got" "$3"; then
		return 0
	fi
	printf '%s shows %s of %s messages from %s (want %s); first difference:\n' \
		"${1##*/}" "$(wc -l <"$got")" "$(wc -l <"$3")" "$2" "$(wc -l <"$3")"
	diff "$3" "$got" | head -n 6 | sed 's/^/    /'
	return 1
}
