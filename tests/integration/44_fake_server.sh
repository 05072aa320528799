#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 44_fake_server.sh - the client checks who runs the server (SO_PEERCRED): an impostor in a shared path is refused.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to run a server as another user"
command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed"

step "a group-writable directory owned by root; the 'server' in it runs as nobody"
D="$T/shared"
mkdir -m 0775 "$D" && chgrp 65534 "$D" || fail "cannot set up $D"
chmod 0755 "$T"
S="$D/s.sock"
SERVER_PREFIX=(setpriv --reuid=65534 --regid=65534 --clear-groups)
start_server -s "$S" --mode 0666
SERVER_PREFIX=()

start_client victim -s "$S" -n victim
wait_client victim 10
rc=$?
[ "$rc" = 3 ] || fail_with "$T/victim.out" "the client exited $rc against an impostor, want 3"
grep -Eq 'runs as nobody \(uid 65534\), but .* belongs to root \(uid 0\).*impostor.*--server-uid 65534' "$T/victim.err" ||
	fail_with "$T/victim.err" "the client did not name the impostor, the owner and the fix"
[ "$(wc -l <"$T/victim.err")" = 1 ] || fail_with "$T/victim.err" "want exactly one sentence on stderr"

step "--server-uid names the user to trust"
start_client trusting -s "$S" -n trusting --server-uid nobody
wait_for "$T/trusting.out" "^$TS -!- connected to " || fail_with "$T/trusting.err" "--server-uid nobody was not accepted"
close_client trusting || fail "the trusting client exited $? on end of input"
start_client wrong -s "$S" -n wrong --server-uid root
wait_client wrong 10
[ $? = 3 ] || fail_with "$T/wrong.err" "--server-uid root against a nobody server did not exit 3"
stop_server TERM || fail_with "$SERVER_ERR" "natterd exited $SERVER_RC"
pass
