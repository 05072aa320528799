#!/usr/bin/env bash
# 80_install.sh - make install PREFIX=/usr DESTDIR=tmp puts every program and man/*.1 there, they run, and make uninstall removes every file again.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

# make install builds bin/ (its 'all'); the sanitizer pass has its binaries in
# bin/asan/, which install never takes, so testing once is enough.
[ "$(dirname "$NATTERD")" = "$NT_ROOT/bin" ] ||
	skip "install is tested once, with the plain build in bin/ (not $(dirname "$NATTERD"))"
command -v make >/dev/null 2>&1 || skip "make is not installed"

D="$T/dest"
mkdir -p "$D" || fail "cannot make $D"

# nt_make NAME TARGET...: make in the repository with the install variables,
# independent of any make that runs this test; output in $T/NAME.out/.err.
nt_make() {
	local name=$1
	shift
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout -k 5 300 \
		make --no-print-directory -C "$NT_ROOT" PREFIX=/usr DESTDIR="$D" "$@" \
		</dev/null >"$T/$name.out" 2>"$T/$name.err"
}

pages=("$NT_ROOT"/man/*.1)
[ -e "${pages[0]}" ] || fail "no manual pages in $NT_ROOT/man"

step "make install PREFIX=/usr DESTDIR=$D"
nt_make install install || fail_with "$T/install.err" "make install exited $?"

step "the programs are in usr/bin, executable, and run"
for prog in natterd natter natter-bench; do
	{ [ -f "$D/usr/bin/$prog" ] && [ -x "$D/usr/bin/$prog" ]; } ||
		fail_with "$T/install.out" "make install did not put an executable $prog in $D/usr/bin"
done
timeout 20 "$D/usr/bin/natter" --version </dev/null >"$T/natter-version.out" 2>"$T/natter-version.err" ||
	fail_with "$T/natter-version.err" "the installed natter --version exited $?"
grep -q '^natter [0-9]' "$T/natter-version.out" ||
	fail_with "$T/natter-version.out" "the installed natter --version did not print 'natter VERSION'"

step "every man/*.1 is in usr/share/man/man1, with the program it documents in usr/bin"
for page in "${pages[@]}"; do
	name=${page##*/}
	inst="$D/usr/share/man/man1/$name"
	[ -f "$inst" ] || fail_with "$T/install.out" "make install did not put $name in $D/usr/share/man/man1"
	cmp -s "$page" "$inst" || fail "the installed $name differs from man/$name"
	[ -x "$D/usr/bin/${name%.1}" ] || fail "man/$name is installed, but not the program ${name%.1}"
	if command -v man >/dev/null 2>&1; then
		LC_ALL=C.UTF-8 MANWIDTH=80 timeout 20 man -E UTF-8 -l "$inst" </dev/null >"$T/man.out" 2>"$T/man.err" ||
			fail_with "$T/man.err" "man -l $inst exited $?"
		grep -q "${name%.1}" "$T/man.out" || fail "the installed $name renders without its name"
	fi
done

step "make uninstall with the same variables leaves no file behind"
nt_make uninstall uninstall || fail_with "$T/uninstall.err" "make uninstall exited $?"
left=$(find "$D" ! -type d | head -n 5)
[ -z "$left" ] || fail "make uninstall left files behind: $(tr '\n' ' ' <<<"$left")"

pass
