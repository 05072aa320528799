#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 92_licence.sh - every source file says its licence (an SPDX line near the top) and LICENSE is the ISC text, so a packager can tell at a glance.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

cd "$NT_ROOT" || fail "cannot enter $NT_ROOT"
grep -q 'Permission to use, copy, modify, and distribute this software for any' LICENSE || fail "LICENSE is not the ISC licence"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -- '*.c' '*.h' '*.sh' Makefile .ci/run >"$T/files"
else
	find . -path ./build -prune -o \( -name '*.c' -o -name '*.h' -o -name '*.sh' \) -print >"$T/files"
fi
[ -s "$T/files" ] || fail "no source files found"
missing=0
while IFS= read -r f; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: ISC' || {
		echo "no SPDX line: $f"
		missing=$((missing + 1))
	}
done <"$T/files"
[ "$missing" = 0 ] || fail "$missing source file(s) do not say their licence (SPDX-License-Identifier: ISC in the first 3 lines)"
echo "$(wc -l <"$T/files") files checked"
pass
