#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 85_debian_package.sh - dpkg-buildpackage -us -uc -b on a copy of the tree: the package holds the programs, pages, docs,
# units, sysusers.d and tmpfiles.d files; its binaries pass hardening-check and lintian reports no error or warning.
# natter-test: timeout=420
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

[ "$(dirname "$NATTERD")" = "$NT_ROOT/bin" ] ||
	skip "the package is built once, with the plain pass (not $(dirname "$NATTERD"))"
# 'make check' (the package's own dh_auto_test) must not build a package inside a package build.
[ -z "${NATTER_QUICK:-}" ] || skip "NATTER_QUICK: the package build is left to the full 'make test'"
command -v dpkg-buildpackage >/dev/null 2>&1 ||
	skip "dpkg-buildpackage is not installed (apt-get install dpkg-dev debhelper)"
command -v dh >/dev/null 2>&1 || skip "debhelper is not installed (apt-get install debhelper)"
BUILD_SECONDS=300

PROGS=(natterd natter natterctl natter-bench)
W="$T/pkg"
SRC="$W/natter"
mkdir -p "$SRC" || fail "cannot make $SRC"

# dpkg-buildpackage writes the .deb next to the tree it builds, so it builds a
# copy: the files git knows (committed or not, none ignored), or else the tree
# without build/, bin/ and .git.
step "copy the source tree to $SRC"
if git -C "$NT_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$NT_ROOT" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp --parents -t "$SRC") 2>"$T/copy.err" || fail_with "$T/copy.err" "copying the tree failed"
else
	tar -C "$NT_ROOT" --exclude=./build --exclude=./bin --exclude=./.git -cf - . 2>"$T/copy.err" |
		tar -C "$SRC" -xf - 2>>"$T/copy.err" || fail_with "$T/copy.err" "copying the tree failed"
fi
[ -x "$SRC/debian/rules" ] || fail "the tree has no executable debian/rules"

# The tests already ran (this is one of them), and no debug symbols package is needed here.
step "dpkg-buildpackage -us -uc -b (nocheck, at most ${BUILD_SECONDS}s)"
(cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=2" \
	timeout -k 10 "$BUILD_SECONDS" dpkg-buildpackage -us -uc -b) </dev/null >"$T/build.log" 2>&1 ||
	fail_with "$T/build.log" "dpkg-buildpackage exited $?"
version=$(cd "$SRC" && dpkg-parsechangelog -S Version) || fail "dpkg-parsechangelog failed"
arch=$(dpkg --print-architecture) || fail "dpkg --print-architecture failed"
DEB="$W/natter_${version}_$arch.deb"
[ -f "$DEB" ] || fail_with "$T/build.log" "no $DEB after the build ($(echo "$W"/*.deb))"

step "dpkg-deb -c: every file the package must hold"
dpkg-deb -c "$DEB" >"$T/contents" || fail "dpkg-deb -c $DEB failed"
want=(etc/logrotate.d/natter
	lib/systemd/system/natterd.socket lib/systemd/system/natterd.service
	usr/lib/systemd/user/natterd-user.socket usr/lib/systemd/user/natterd-user.service
	usr/lib/sysusers.d/natter.conf usr/lib/tmpfiles.d/natter.conf
	usr/share/doc/natter/copyright usr/share/doc/natter/examples/natter-mini.c)
for prog in "${PROGS[@]}"; do
	want+=("usr/bin/$prog" "usr/share/man/man1/$prog.1.gz")
done
for doc in README.md PROTOCOL.md LAB.md NEWS.md; do
	want+=("usr/share/doc/natter/$doc.gz")
done
for f in "${want[@]}"; do
	grep -q " \./$f\$" "$T/contents" || fail_with "$T/contents" "the package lacks /$f"
done
n=$(grep -c ' \./usr/bin/[^/][^/]*$' "$T/contents")
[ "$n" = "${#PROGS[@]}" ] || fail_with "$T/contents" "/usr/bin holds $n files, want ${#PROGS[@]}: ${PROGS[*]}"
grep -q '^-rwxr-xr-x root/root .* \./usr/bin/natterd$' "$T/contents" ||
	fail_with "$T/contents" "/usr/bin/natterd is not root-owned mode 0755"

step "the unpacked package: units start /usr/bin/natterd, programs report $version"
X="$W/root"
dpkg-deb -x "$DEB" "$X" || fail "dpkg-deb -x $DEB failed"
for u in lib/systemd/system/natterd.service usr/lib/systemd/user/natterd-user.service; do
	grep -q '^ExecStart=/usr/bin/natterd ' "$X/$u" || fail_with "$X/$u" "/$u does not start /usr/bin/natterd"
done
grep -q '^ListenDatagram=' "$X/lib/systemd/system/natterd.socket" ||
	fail "the packaged natterd.socket binds no control socket"
grep -q '^u natter ' "$X/usr/lib/sysusers.d/natter.conf" || fail "sysusers.d/natter.conf makes no user natter"
grep -q '^d /run/natter .* natter natter' "$X/usr/lib/tmpfiles.d/natter.conf" ||
	fail "tmpfiles.d/natter.conf does not make /run/natter for natter"
for prog in "${PROGS[@]}"; do
	timeout 20 "$X/usr/bin/$prog" --version </dev/null >"$T/$prog.version" 2>&1 ||
		fail_with "$T/$prog.version" "the packaged $prog --version exited $?"
	grep -q " ${version%%-*}\\b" "$T/$prog.version" ||
		fail_with "$T/$prog.version" "the packaged $prog is not version ${version%%-*} (debian/changelog's)"
done
dpkg-deb -e "$DEB" "$W/control" || fail "dpkg-deb -e $DEB failed"
grep -q 'systemd-sysusers .*natter.conf' "$W/control/postinst" ||
	fail_with "$W/control/postinst" "the postinst does not create the natter user"
grep -q 'systemd-tmpfiles .*--create natter.conf' "$W/control/postinst" ||
	fail_with "$W/control/postinst" "the postinst does not create /run/natter"

if command -v hardening-check >/dev/null 2>&1; then
	# Debian 12's crt1.o has no IBT/SHSTK note, so no binary there passes the
	# control-flow check (/bin/ls neither); everything else must pass.
	step "hardening-check --nocfprotection on every packaged program"
	for prog in "${PROGS[@]}"; do
		hardening-check --nocfprotection "$X/usr/bin/$prog" >"$T/$prog.hardening" 2>&1 ||
			fail_with "$T/$prog.hardening" "hardening-check fails /usr/bin/$prog"
	done
else
	step "hardening-check is not installed (apt-get install devscripts): not checked"
fi

if command -v lintian >/dev/null 2>&1; then
	step "lintian: no error and no warning"
	(cd "$W" && timeout 120 lintian --display-info --tag-display-limit 0 "natter_${version}_$arch.changes") \
		</dev/null >"$T/lintian.out" 2>"$T/lintian.err"
	rc=$?
	[ "$rc" = 124 ] && fail "lintian ran over 120 s"
	grep -E '^[EW]: ' "$T/lintian.out" >"$T/lintian.bad"
	[ -s "$T/lintian.bad" ] && fail_with "$T/lintian.bad" "lintian: $(wc -l <"$T/lintian.bad") errors or warnings"
	[ "$rc" = 0 ] || fail_with "$T/lintian.err" "lintian exited $rc"
else
	step "lintian is not installed (apt-get install lintian): not checked"
fi

pass
