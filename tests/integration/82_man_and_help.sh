#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 82_man_and_help.sh - every man/*.1 renders without a warning and documents every long option its program's --help lists; --help and --version exit 0 on stdout.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

command -v groff >/dev/null 2>&1 ||
	skip "groff is not installed (apt-get install groff-base man-db)"
if command -v man >/dev/null 2>&1; then HAVE_MAN=1; else HAVE_MAN=0; fi

# run_fg NAME CMD...: run a command in the foreground (bounded), stdin
# empty, output in $T/NAME.out and $T/NAME.err; returns its exit code.
run_fg() {
	local name=$1
	shift
	timeout -k 5 20 "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
}

pages=("$NT_ROOT"/man/*.1)
[ -e "${pages[0]}" ] || fail "no manual pages in $NT_ROOT/man"

for page in "${pages[@]}"; do
	name=${page##*/}
	name=${name%.1}
	# The program the page documents: beside the natterd under test (bin/ or bin/asan/).
	prog="$(dirname "$NATTERD")/$name"
	[ -x "$prog" ] || prog="$NT_ROOT/bin/$name"
	[ -x "$prog" ] || fail "man/$name.1 documents $name, but there is no $prog (add it to PROGRAMS in the Makefile)"

	step "$name: the page renders with no warning"
	if [ "$HAVE_MAN" = 1 ]; then
		LC_ALL=C.UTF-8 MANWIDTH=80 run_fg "man-$name" man --warnings -E UTF-8 -l "$page"
		rc=$?
		[ "$rc" = 0 ] || fail_with "$T/man-$name.err" "man -l man/$name.1 exited $rc"
		[ -s "$T/man-$name.err" ] && fail_with "$T/man-$name.err" "man -l man/$name.1 printed warnings"
		[ -s "$T/man-$name.out" ] || fail "man -l man/$name.1 printed nothing"
	fi
	# groff's own warnings, all of them (-ww), on the page as it is.
	run_fg "groff-$name" groff -ww -mandoc -Tutf8 -z "$page"
	[ -s "$T/groff-$name.err" ] && fail_with "$T/groff-$name.err" "groff -ww warns about man/$name.1"

	step "$name: --help and --version exit 0 and print on stdout only"
	for opt in --help --version; do
		run_fg "$name$opt" "$prog" "$opt"
		rc=$?
		[ "$rc" = 0 ] || fail_with "$T/$name$opt.err" "$name $opt exited $rc, want 0"
		[ -s "$T/$name$opt.out" ] || fail "$name $opt printed nothing on stdout"
		[ -s "$T/$name$opt.err" ] && fail_with "$T/$name$opt.err" "$name $opt wrote to stderr"
	done
	grep -q "^$name [0-9]" "$T/$name--version.out" ||
		fail_with "$T/$name--version.out" "$name --version does not start with '$name VERSION'"

	step "$name: the page mentions every long option of --help"
	# Plain text, one paragraph a line and no hyphenation, so an option is never split.
	groff -mandoc -Tascii -P-c -P-b -P-u -P-o -rLL=300n -rHY=0 "$page" >"$T/page-$name.txt" 2>/dev/null
	opts=$(grep -oE -- '--[a-z][a-z0-9-]*' "$T/$name--help.out" | sort -u)
	[ -n "$opts" ] || fail "$name --help lists no long options"
	missing=()
	for o in $opts; do
		grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|\$)" "$T/page-$name.txt" || missing+=("$o")
	done
	[ "${#missing[@]}" = 0 ] ||
		fail "man/$name.1 does not document ${missing[*]} (listed by $name --help)"
done

pass
