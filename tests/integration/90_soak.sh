#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 90_soak.sh - natter-soak for NATTER_SOAK_SECONDS (default 60, 10 in 'make check'): random operations from many clients, kill -9 and restart, every invariant checked after every step.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# natter-test: timeout=180

# Runs longer than about 120 s outlive the runner's limit above: run
# bin/natter-soak by hand for those (natter-soak --help).
SOAK="$(dirname "$NATTERD")/natter-soak"
[ -x "$SOAK" ] || skip "$SOAK is not built (run make)"
# 'make check' (NATTER_QUICK, also run by the Debian package build) soaks 10 s.
quick_secs=60
[ -z "${NATTER_QUICK:-}" ] || quick_secs=10
secs=${NATTER_SOAK_SECONDS:-$quick_secs}
# The gate soaks a fixed seed (the operations are the same every run, their
# timing is not), so a green suite does not depend on the draw;
# NATTER_SOAK_SEED=random explores a fresh one, any number replays one.
seed=${NATTER_SOAK_SEED:-20261205}
[ "$seed" != random ] || seed=$(((RANDOM << 30) | (RANDOM << 15) | RANDOM))
args=(--natterd "$NATTERD" --seed "$seed" --seconds "$secs")
# Under AddressSanitizer RSS is shadow memory and the free quarantine, not
# natterd's own: the bound would measure the sanitizer.
if grep -q __asan_init "$NATTERD"; then
	args+=(--no-rss)
fi
step "natter-soak, seed $seed, $secs s (replay: NATTER_SOAK_SEED=$seed tests/run.sh 90_soak)"
# TMPDIR: its socket, transcripts and natterd's log live in this test's directory.
TMPDIR="$T" timeout -k 5 $((secs + 50)) "$SOAK" "${args[@]}" >"$T/soak.out" 2>"$T/soak.err"
rc=$?
cat "$T/soak.out"
if [ "$rc" != 0 ]; then
	sed 's/^/    /' "$T/soak.err" >&2
	fail "natter-soak exited $rc with seed $seed; replay: NATTER_SOAK_SEED=$seed tests/run.sh 90_soak, or the replay line above"
fi
pass
