#!/usr/bin/env bash
# 16_startup_errors.sh - natterd exit codes and messages: -h/-V (0), unknown options (2), sun_path too long (1).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

# run_fg NAME CMD...: run a command in the foreground (bounded), stdin
# empty, output in $T/NAME.out and $T/NAME.err; returns its exit code.
run_fg() {
	local name=$1
	shift
	timeout -k 5 20 "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
}

step "usage: natterd -h and -V exit 0, unknown options exit 2"
run_fg natterd-help "$NATTERD" --help
rc=$?
[ "$rc" = 0 ] || fail_with "$T/natterd-help.err" "natterd --help exited $rc, want 0"
[ -s "$T/natterd-help.out" ] || fail "natterd --help printed nothing on stdout"
run_fg natterd-version "$NATTERD" -V
rc=$?
[ "$rc" = 0 ] || fail_with "$T/natterd-version.err" "natterd -V exited $rc, want 0"
[ -s "$T/natterd-version.out" ] || fail "natterd -V printed nothing on stdout"
for prog in "$NATTERD" "$NATTER"; do
	p=${prog##*/}
	run_fg "$p-bogus" "$prog" --no-such-option
	rc=$?
	[ "$rc" = 2 ] || fail_with "$T/$p-bogus.err" "$p --no-such-option exited $rc, want 2"
	[ -s "$T/$p-bogus.err" ] || fail "$p --no-such-option said nothing on stderr"
done

step "sun_path too long: natterd exits 1 with a sentence giving the length"
long="$T/$(printf 'x%.0s' {1..120}).sock"
run_fg longpath "$NATTERD" -s "$long"
rc=$?
[ "$rc" = 1 ] || fail_with "$T/longpath.err" "natterd -s <${#long}-byte path> exited $rc, want 1"
grep -Eq "(^|[^0-9])(${#long}|107|108)([^0-9]|\$)" "$T/longpath.err" ||
	fail_with "$T/longpath.err" "natterd's message about a ${#long}-byte socket path mentions neither its length nor the limit"
[ -e "$long" ] && fail "natterd created a socket at a truncated or overlong path"

pass
