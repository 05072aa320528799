#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 61_natterctl_refused.sh - another user cannot control natterd: the 0600 control socket stops it, and past that natterd's credential check does.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

NATTERCTL=$(nt_bin "${NATTERCTL:-$(dirname "$NATTERD")/natterctl}")
[ -x "$NATTERCTL" ] || skip "$NATTERCTL is not built (run make)"
[ "$(id -u)" = 0 ] || skip "not root, so natterctl cannot be run as another user (uid 65534)"
command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed"
setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$NATTERCTL" 2>/dev/null ||
	skip "user 65534 cannot run $NATTERCTL"

S="$T/s.sock"
other=$(getent passwd 65534 | cut -d: -f1)
[ -n "$other" ] || other=uid65534

# ctl_as_other NAME ARGS...: natterctl as uid 65534 (bounded); output in $T/NAME.out/.err, code in NT_RC.
ctl_as_other() {
	local name=$1
	shift
	timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups "$NATTERCTL" "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	NT_RC=$?
}

step "natterd; the test directory is opened to others, the control socket stays 0600"
start_server -s "$S"
chmod 0755 "$T"
[ "$(stat -c %a "$S.ctl")" = 600 ] || fail "control socket mode is $(stat -c %a "$S.ctl"), want 600"

step "as $other: the kernel refuses (EACCES) and natterctl says who may"
ctl_as_other denied -s "$S" stats
[ "$NT_RC" = 3 ] || fail_with "$T/denied.err" "natterctl as $other exited $NT_RC, want 3"
grep -q "permission denied sending to $S.ctl: only the user who runs natterd (or root) may control it" "$T/denied.err" ||
	fail_with "$T/denied.err" "no permission-denied sentence"

step "the socket made writable for all: natterd itself refuses uid 65534, answers so and logs it"
chmod 0666 "$S.ctl"
ctl_as_other refused -s "$S" kick root
[ "$NT_RC" = 1 ] || fail_with "$T/refused.err" "natterctl as $other exited $NT_RC, want 1 (refused)"
grep -q "^natterctl: refused: only the server's owner (.*, uid 0) or root may use this control socket; you are $other (uid 65534)\$" "$T/refused.err" ||
	fail_with "$T/refused.err" "no refusal sentence from natterd"
grep -q "control: refused uid 65534 ($other, pid [0-9]*): not the owner (uid 0) or root" "$SERVER_ERR" ||
	fail_with "$SERVER_ERR" "the refusal was not logged"
grep -q "asked kick" "$SERVER_ERR" && fail_with "$SERVER_ERR" "the refused request was carried out"

step "the owner is still served"
timeout 20 "$NATTERCTL" -s "$S" stats >"$T/owner.out" 2>"$T/owner.err" || fail_with "$T/owner.err" "the owner was not served"
grep -q '^rooms: 1$' "$T/owner.out" || fail_with "$T/owner.out" "no stats for the owner"

pass
