#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 80_install.sh - make install PREFIX=/usr DESTDIR=tmp puts every program and man/*.1 there, they run, make uninstall removes them;
# BINDIR, the packager's CPPFLAGS/CFLAGS/LDFLAGS, and a plain make that never runs apt-get.
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

step "make install BINDIR=... puts the programs there, the pages still under PREFIX"
nt_make bindir install BINDIR=/usr/games || fail_with "$T/bindir.err" "make install BINDIR=/usr/games exited $?"
[ -x "$D/usr/games/natterd" ] || fail_with "$T/bindir.out" "make install BINDIR=/usr/games put no natterd in $D/usr/games"
[ -e "$D/usr/bin/natterd" ] && fail "make install BINDIR=/usr/games still put natterd in usr/bin"
[ -f "$D/usr/share/man/man1/natterd.1" ] || fail "make install BINDIR=/usr/games left out the manual pages"
nt_make bindir-un uninstall BINDIR=/usr/games || fail_with "$T/bindir-un.err" "make uninstall BINDIR=/usr/games exited $?"
[ -e "$D/usr/games/natterd" ] && fail "make uninstall BINDIR=/usr/games left natterd behind"

# The packager's flags as dpkg-buildflags gives them: on the command line
# they replace the Makefile's own CFLAGS, and natter's flags must stay.
step "make CPPFLAGS=... CFLAGS=-O0 LDFLAGS=...: every flag on every compile and link line"
B="$T/flags"
nt_make flags -j2 all BUILD="$B/build" BIN="$B/bin" CFLAGS=-O0 CPPFLAGS=-DNATTER_PACKAGER_CPP \
	LDFLAGS=-Wl,-z,now || fail_with "$T/flags.err" "make CFLAGS=-O0 CPPFLAGS=... LDFLAGS=... exited $?"
for prog in natterd natter natterctl natter-bench; do
	[ -x "$B/bin/$prog" ] || fail_with "$T/flags.out" "make CFLAGS=-O0 built no $prog"
done
compiles=$(grep -c -- ' -c -o ' "$T/flags.out")
[ "$compiles" -gt 10 ] || fail_with "$T/flags.out" "make CFLAGS=-O0 printed only $compiles compile lines"
bad=$(grep -- ' -c -o ' "$T/flags.out" | grep -v -- '-DNATTER_PACKAGER_CPP .*-std=c11 .*-Wall .*-O0' | head -n 1)
[ -z "$bad" ] || fail "a compile line lacks CPPFLAGS, natter's own flags, or CFLAGS=-O0 after them: $bad"
bad=$(grep -- ' -c -o ' "$T/flags.out" | grep -- '-O2' | head -n 1)
[ -z "$bad" ] || fail "CFLAGS=-O0 did not replace the default -O2: $bad"
links=$(grep -- "-o $B/bin/" "$T/flags.out" | grep -v -- ' -c ' | grep -c -- '-Wl,-z,now')
[ "$links" -ge 4 ] || fail_with "$T/flags.out" "only $links link lines carry LDFLAGS=-Wl,-z,now"

# A plain make may run as root in a build chroot: it must only check. Here
# pkg-config says cmocka is missing, and apt-get only records that it ran.
step "a plain make with cmocka missing builds the programs and never runs apt-get"
real_pc=$(command -v pkg-config) || skip "pkg-config is not installed"
mkdir -p "$T/fake" || fail "cannot make $T/fake"
# shellcheck disable=SC2016 # the $@ and $a are the fake's own
printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = cmocka ] && exit 1; done\nexec %s "$@"\n' \
	"$real_pc" >"$T/fake/pkg-config" || fail "cannot write $T/fake/pkg-config"
# shellcheck disable=SC2016
printf '#!/bin/sh\necho "apt-get $*" >>%s\nexit 100\n' "$T/apt-get.calls" >"$T/fake/apt-get" ||
	fail "cannot write $T/fake/apt-get"
chmod +x "$T/fake/pkg-config" "$T/fake/apt-get" || fail "cannot make the fakes executable"
B="$T/bare"
PATH="$T/fake:$PATH" nt_make bare -j2 all BUILD="$B/build" BIN="$B/bin" CFLAGS=-O0 ||
	fail_with "$T/bare.err" "make without cmocka exited $?; building the programs does not need it"
[ -x "$B/bin/natterd" ] || fail_with "$T/bare.out" "make without cmocka built no natterd"
[ -e "$T/apt-get.calls" ] && fail "a plain make ran $(head -n 1 "$T/apt-get.calls")"

step "make unit with cmocka missing names the package and runs no apt-get either"
PATH="$T/fake:$PATH" nt_make bare-unit unit BUILD="$B/build" BIN="$B/bin" &&
	fail_with "$T/bare-unit.out" "make unit succeeded without cmocka"
grep -q 'apt-get install libcmocka-dev' "$T/bare-unit.err" ||
	fail_with "$T/bare-unit.err" "make unit without cmocka did not print 'apt-get install libcmocka-dev'"
[ -e "$T/apt-get.calls" ] && fail "make unit ran $(head -n 1 "$T/apt-get.calls")"

pass
