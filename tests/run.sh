#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# run.sh - the test runner behind 'make test': unit binaries, then every integration script, plain and under ASan/UBSan.
#
# usage: tests/run.sh [PATTERN]   (only tests whose name contains PATTERN)
# Prints PASS/FAIL/SKIP per test with its duration, the end of a failing
# test's logs, and finally one line "N passed, N failed, N skipped".
# Exits 1 if anything failed (or nothing ran), else 0.
# NATTER_QUICK=1 ('make check'): no sanitizer pass and no valgrind-only tests.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

FILTER=${1:-}
PER_TEST_TIMEOUT=120
# A script that needs longer (a package build) says so in a line of its own:
# "# natter-test: timeout=SECONDS".
TIMEOUT_MARK_RE='^# natter-test: timeout=\([0-9][0-9]*\)$'
# Logs of this run; runs going on at the same time (other shells) keep theirs.
LOGBASE="$ROOT/build/test-logs"
LOGROOT="$LOGBASE/run.$$"
VALGRIND_ONLY_MARK='natter-test: valgrind-only'
SANITIZER_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: '

passed=0 failed=0 skipped=0
failures=()

for old in "$LOGBASE"/run.*; do
	[ -d "$old" ] || continue
	kill -0 "${old##*.}" 2>/dev/null || rm -rf "$old"
done
mkdir -p "$LOGROOT" || exit 1
# A test cleans up after itself on SIGINT (its own trap); stop here too.
trap 'echo "interrupted: $passed passed, $failed failed, $skipped skipped" >&2; exit 130' INT TERM

now() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		printf '%s\n' "${EPOCHREALTIME/,/.}"
	else
		date +%s.%N
	fi
}

elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fs", b - a }'
}

wanted() {
	[ -z "$FILTER" ] || [[ $1 == *"$FILTER"* ]]
}

# report NAME RESULT START [LOGDIR]: print one result line; on FAIL the logs' ends.
report() {
	local name=$1 result=$2 start=$3 logdir=${4:-} f reason
	printf '%-4s  %-36s %s\n' "$result" "$name" "$(elapsed "$start" "$(now)")"
	case $result in
	PASS) passed=$((passed + 1)) ;;
	SKIP)
		skipped=$((skipped + 1))
		reason=$(grep -m 1 '^SKIP: ' "$logdir/test.log" 2>/dev/null)
		[ -n "$reason" ] && printf '      %s\n' "$reason"
		;;
	FAIL)
		failed=$((failed + 1))
		failures+=("$name")
		reason=$(grep -m 1 '^FAIL: ' "$logdir/test.log" 2>/dev/null)
		[ -n "$reason" ] && printf '      %s\n' "$reason"
		# The test's own log (fail_with already quotes the file it
		# blames), then what natterd and valgrind said.
		for f in "$logdir/test.log" "$logdir"/natterd.*.err "$logdir"/*.log; do
			[ -s "$f" ] || continue
			[ "$f" = "$logdir/test.log" ] && [ "${seen_testlog:-}" = "$logdir" ] && continue
			[ "$f" = "$logdir/test.log" ] && seen_testlog=$logdir
			if grep -q -E "$SANITIZER_RE" "$f"; then
				printf '      --- %s (sanitizer report)\n' "${f#"$ROOT"/}"
				grep -m 1 -A 25 -E "$SANITIZER_RE" "$f" | sed 's/^/      | /'
			else
				printf '      --- %s (last 20 lines)\n' "${f#"$ROOT"/}"
				tail -n 20 "$f" | sed 's/^/      | /'
			fi
		done
		;;
	esac
}

# Unit tests: each build/tests/FOLDER/test_* binary; cmocka prints its own summary.
run_units() {
	local t name start rc logdir
	for t in build/tests/*/test_*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		name="unit/${t#build/tests/}"
		wanted "$name" || continue
		logdir="$LOGROOT/$name"
		mkdir -p "$logdir"
		start=$(now)
		timeout -k 5 "$PER_TEST_TIMEOUT" "$t" </dev/null >"$logdir/test.log" 2>&1
		rc=$?
		cat "$logdir/test.log"
		if [ "$rc" = 0 ]; then
			report "$name" PASS "$start"
		else
			printf 'FAIL: %s exited %s%s\n' "$t" "$rc" "$([ "$rc" = 124 ] && echo ' (timed out)')" >>"$logdir/test.log"
			report "$name" FAIL "$start" "$logdir"
		fi
	done
}

# run_integration PASSNAME BINDIR: every integration script against BINDIR's binaries.
run_integration() {
	local pass=$1 bindir=$2 script base name start rc logdir limit
	for script in tests/integration/[0-9]*.sh; do
		[ -f "$script" ] || continue
		base=${script##*/}
		base=${base%.sh}
		name="$pass/$base"
		wanted "$name" || continue
		logdir="$LOGROOT/$name"
		mkdir -p "$logdir"
		start=$(now)
		if [ "$pass" = asan ] && grep -q "$VALGRIND_ONLY_MARK" "$script"; then
			echo "SKIP: valgrind-only test, not run on the sanitizer build" >"$logdir/test.log"
			report "$name" SKIP "$start" "$logdir"
			continue
		fi
		if [ -n "${NATTER_QUICK:-}" ] && grep -q "$VALGRIND_ONLY_MARK" "$script"; then
			echo "SKIP: valgrind-only test, not run by the quick tests (NATTER_QUICK)" >"$logdir/test.log"
			report "$name" SKIP "$start" "$logdir"
			continue
		fi
		if [ ! -x "$bindir/natterd" ] || [ ! -x "$bindir/natter" ]; then
			echo "SKIP: $bindir/natterd or $bindir/natter is not built" >"$logdir/test.log"
			report "$name" SKIP "$start" "$logdir"
			continue
		fi
		limit=$(sed -n "s/$TIMEOUT_MARK_RE/\\1/p" "$script" | head -n 1)
		limit=${limit:-$PER_TEST_TIMEOUT}
		NATTERD="$ROOT/$bindir/natterd" NATTER="$ROOT/$bindir/natter" \
			RAWCLIENT="$ROOT/$bindir/rawclient" NATTER_TEST_LOGDIR="$logdir" \
			timeout --foreground -k 30 "$limit" bash "$script" </dev/null >"$logdir/test.log" 2>&1
		rc=$?
		case $rc in
		0) report "$name" PASS "$start" ;;
		77) report "$name" SKIP "$start" "$logdir" ;;
		*)
			grep -q '^FAIL: ' "$logdir/test.log" ||
				printf 'FAIL: %s exited %s%s\n' "$script" "$rc" \
					"$([ "$rc" = 124 ] && echo " (killed after ${limit}s)")" >>"$logdir/test.log"
			report "$name" FAIL "$start" "$logdir"
			;;
		esac
	done
}

run_units

echo "== integration tests (bin/)"
run_integration int bin

if [ -z "${NATTER_QUICK:-}" ]; then
	echo "== integration tests under AddressSanitizer/UBSan (bin/asan/)"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	run_integration asan bin/asan
	unset ASAN_OPTIONS UBSAN_OPTIONS
fi

if [ "${#failures[@]}" -gt 0 ]; then
	echo "failed: ${failures[*]}"
	echo "logs: ${LOGROOT#"$ROOT"/}/"
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ]; then
	exit 1
fi
if [ "$passed" -eq 0 ]; then
	echo "no test ran${FILTER:+ (filter: $FILTER)}" >&2
	exit 1
fi
exit 0
