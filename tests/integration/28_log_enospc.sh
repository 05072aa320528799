#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 28_log_enospc.sh - a real full disk (a 64 KiB tmpfs; root only, else SKIP): messages wait in memory, reach the transcript in order once space returns, and survive a restart.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
MNT="$T/mnt"

[ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root (26_ids_full_disk covers a full disk with ulimit -f)"
mkdir -p "$MNT" || fail "mkdir $MNT"
mount -t tmpfs -o size=64k,mode=0700 natter-test "$MNT" 2>"$T/mount.err" ||
	skip "mount -t tmpfs is not permitted here: $(oneline "$T/mount.err")"
# Unmounted on every exit, before lib.sh removes $T.
# shellcheck disable=SC2154 # nt_rc is set inside the trap
trap 'nt_rc=$?; umount -l "$MNT" 2>/dev/null; nt_cleanup $nt_rc' EXIT

# texts FILE: the texts of the msg events of a --json client, in order.
texts() {
	grep -E '"type": *"msg"' "$1" | sed -E 's/.*"text":"([^"]*)".*/\1/'
}

step "the log directory on a tmpfs filled to the last byte"
mkdir "$MNT/log" || fail "mkdir $MNT/log"
dd if=/dev/zero of="$MNT/filler" bs=4096 2>/dev/null
df -k "$MNT" | awk 'NR == 2 && $4 != 0 { exit 1 }' || fail "the tmpfs is not full: $(df -k "$MNT" | tail -n 1)"

step "five messages acknowledged on the full disk; natterd says they wait"
start_server -s "$S" --log "$MNT/log"
start_client w -s "$S" -n w --json
for i in 1 2 3 4 5; do
	send w "m$i"
done
wait_for "$T/w.out" '"text":"m5"' || fail_with "$T/w.out" "m5 was not acknowledged"
wait_for "$SERVER_ERR" "cannot (open|write) $MNT/log/lobby.log: No space left on device; free some space on its filesystem; [0-9]+ message\\(s\\) of #lobby are waiting in memory" ||
	fail_with "$SERVER_ERR" "natterd did not report the full disk"

step "space returns: the five reach the transcript, in order, on the next retry"
rm -f "$MNT/filler"
wait_for "$SERVER_ERR" "$MNT/log/lobby.log is written again: the 5 waiting message\\(s\\) reached it" ||
	fail_with "$SERVER_ERR" "natterd did not write the waiting messages once space returned"
close_client w || fail "w exited $?, want 0"

step "after a restart the history holds all five"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"
start_server -s "$S" --log "$MNT/log"
start_client r -s "$S" -n r --json
wait_for "$T/r.out" '"text":"m5"' || fail_with "$T/r.out" "m5 is not in the history after the restart"
printf 'm%s\n' 1 2 3 4 5 >"$T/want"
texts "$T/r.out" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "history after the restart is '$(tr '\n' '|' <"$T/got")', want 'm1|..|m5|'"
close_client r || fail "r exited $?, want 0"
stop_server TERM || fail "natterd exited $SERVER_RC on SIGTERM, want 0"
pass
