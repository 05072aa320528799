#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 79_clang_build.sh - every program, helper and unit test builds with clang as with gcc: warnings on and none given (-Werror), in a private build directory.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"
# natter-test: timeout=300

command -v clang >/dev/null || skip "clang is not installed (apt-get install clang)"
pkg-config --exists cmocka 2>/dev/null || skip "cmocka is not installed, so the unit tests cannot be built"

step "make CC=clang CFLAGS='-O2 -Werror' all unit (build in $T)"
make -C "$NT_ROOT" --no-print-directory -j2 CC=clang CFLAGS='-O2 -Werror' BUILD="$T/build" BIN="$T/bin" all unit \
	>"$T/clang.log" 2>&1 || fail_with "$T/clang.log" "the clang build failed (or warned)"
grep -q 'warning:' "$T/clang.log" && fail_with "$T/clang.log" "clang warned"
[ -x "$T/bin/natterd" ] && [ -x "$T/bin/natter" ] || fail_with "$T/clang.log" "clang built no natterd or natter"
pass
