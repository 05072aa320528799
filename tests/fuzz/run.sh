#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh SECONDS TARGET... - run each libFuzzer target for SECONDS from its seed
# corpus (new inputs go to a scratch dir, not the repo) and print its figures.
set -u
secs=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
status=0
for t in "$@"; do
	bin="$top/build/fuzz/fuzz_$t"
	work="$top/build/fuzz/corpus-$t"
	log="$top/build/fuzz/fuzz_$t.log"
	mkdir -p "$work"
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
		-dict="$top/tests/fuzz/natter.dict" -print_final_stats=1 \
		"$work" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $t: ok, ${runs:-?} inputs in ${secs}s"
	else
		echo "fuzz $t: FAILED (exit $rc); the crash and its input are in $log:"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5 | sed 's/^/    /'
		status=1
	fi
done
exit "$status"
