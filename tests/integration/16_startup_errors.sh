#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 16_startup_errors.sh - natterd exit codes and messages: -h/-V (0), unknown options, sun_path too long and a refused address (2), an unwritable directory named.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

# run_fg NAME CMD...: run a command in the foreground (bounded), stdin
# empty, output in $T/NAME.out and $T/NAME.err; returns its exit code.
run_fg() {
	local name=$1
	shift
	timeout -k 5 20 "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
}

step "usage: natterd -h and -V exit 0, unknown options exit 2"
run_fg natterd-help "$NATTERD" --help
rc=$?
[ "$rc" = 0 ] || fail_with "$T/natterd-help.err" "natterd --help exited $rc, want 0"
[ -s "$T/natterd-help.out" ] || fail "natterd --help printed nothing on stdout"
run_fg natterd-version "$NATTERD" -V
rc=$?
[ "$rc" = 0 ] || fail_with "$T/natterd-version.err" "natterd -V exited $rc, want 0"
[ -s "$T/natterd-version.out" ] || fail "natterd -V printed nothing on stdout"
for prog in "$NATTERD" "$NATTER"; do
	p=${prog##*/}
	run_fg "$p-bogus" "$prog" --no-such-option
	rc=$?
	[ "$rc" = 2 ] || fail_with "$T/$p-bogus.err" "$p --no-such-option exited $rc, want 2"
	[ -s "$T/$p-bogus.err" ] || fail "$p --no-such-option said nothing on stderr"
done
for prog in "$NATTERD" "$NT_ROOT/bin/natterctl"; do
	p=${prog##*/}
	for args in "--no-such-option" "-Z" "--socket" "-s"; do
		# shellcheck disable=SC2086 # (one word each)
		run_fg "$p-getopt" "$prog" $args
		rc=$?
		[ "$rc" = 2 ] || fail_with "$T/$p-getopt.err" "$p $args exited $rc, want 2"
		grep -q "^$p: .*$args" "$T/$p-getopt.err" ||
			fail_with "$T/$p-getopt.err" "$p $args: the message does not start '$p: ' and name $args"
		grep -v "^$p: " "$T/$p-getopt.err" | grep -q . &&
			fail_with "$T/$p-getopt.err" "$p $args printed a line that does not start '$p: ' (getopt's own, with the path?)"
	done
done

step "sun_path too long: natterd exits 2 (a value out of range) with a sentence giving the length"
long="$T/$(printf 'x%.0s' {1..120}).sock"
run_fg longpath "$NATTERD" -s "$long"
rc=$?
[ "$rc" = 2 ] || fail_with "$T/longpath.err" "natterd -s <${#long}-byte path> exited $rc, want 2"
grep -Eq "(^|[^0-9])(${#long}|107|108)([^0-9]|\$)" "$T/longpath.err" ||
	fail_with "$T/longpath.err" "natterd's message about a ${#long}-byte socket path mentions neither its length nor the limit"
[ -e "$long" ] && fail "natterd created a socket at a truncated or overlong path"
run_fg longctl "$NATTERD" -s "$T/short.sock" --control "$long"
rc=$?
[ "$rc" = 2 ] || fail_with "$T/longctl.err" "natterd --control <${#long}-byte path> exited $rc, want 2"

step "a non-loopback --tcp address without --allow-remote: exit 2, nothing created"
run_fg remote "$NATTERD" -s "$T/remote.sock" --tcp 192.0.2.1:7000
rc=$?
[ "$rc" = 2 ] || fail_with "$T/remote.err" "natterd --tcp 192.0.2.1:7000 exited $rc, want 2"
grep -q 'not a loopback address' "$T/remote.err" || fail_with "$T/remote.err" "natterd --tcp 192.0.2.1:7000 does not say why it refuses"
[ -e "$T/remote.sock" ] && fail "natterd created its UNIX socket before refusing the TCP address"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	step "a directory natterd cannot write to is named, with the permission"
	mkdir -m 755 "$T/ro" && chmod 755 "$T" || fail "cannot make the read-only directory"
	run_fg rodir setpriv --reuid=65534 --regid=65534 --clear-groups "$NATTERD" -s "$T/ro/x.sock"
	rc=$?
	chmod 700 "$T"
	[ "$rc" = 1 ] || fail_with "$T/rodir.err" "natterd in a directory it cannot write exited $rc, want 1"
	grep -q "directory $T/ro (permission denied)" "$T/rodir.err" ||
		fail_with "$T/rodir.err" "natterd in a directory it cannot write does not name the directory and the permission"
	# In a shared directory, another user's lock file is the obstacle, not the directory.
	mkdir -m 1777 "$T/shared" && : >"$T/shared/y.sock.lock" && chmod 600 "$T/shared/y.sock.lock" && chmod 755 "$T" ||
		fail "cannot make the shared directory"
	run_fg otherlock setpriv --reuid=65534 --regid=65534 --clear-groups "$NATTERD" -s "$T/shared/y.sock"
	rc=$?
	chmod 700 "$T"
	[ "$rc" = 1 ] || fail_with "$T/otherlock.err" "natterd with another user's lock file exited $rc, want 1"
	grep -q "lock file $T/shared/y.sock.lock (it belongs to uid 0)" "$T/otherlock.err" ||
		fail_with "$T/otherlock.err" "natterd does not name another user's lock file as what stops it"
fi

pass
