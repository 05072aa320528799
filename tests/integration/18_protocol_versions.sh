#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 18_protocol_versions.sh - version 1, 2 and 3 clients on one server together: each reads the others; only version 3 gets tags, DONE and BYE codes; older ones get what they always got.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"

# rawbg NAME ARGS...: rawclient in the background; output in $T/raw.NAME.out.
rawbg() {
	local name=$1
	shift
	timeout -k 5 40 "$RAWCLIENT" -s "$S" --timeout 30000 "$@" >"$T/raw.$name.out" 2>"$T/raw.$name.err" &
}

start_server -s "$S"

step "a version 1, a version 2 and a version 3 client join; each sends a tagged WHO and a tagged SAY"
# The tag is a trailing u32 that versions 1 and 2 never defined: the server must ignore it there.
rawbg v1 --hello-v 1 old1 --wait WELCOME --tag 5 --who --say 'from v1' --sleep 30000
rawbg v2 --hello-v 2 old2 --wait WELCOME --tag 6 --who --say 'from v2' --sleep 30000
rawbg v3 --hello new3 --wait WELCOME --tag 7 --who --wait DONE --tag 8 --say 'from v3' --wait DONE --sleep 30000
for who in v1 v2 v3; do
	for said in 'from v1' 'from v2' 'from v3'; do
		wait_for "$T/raw.$who.out" "^MSG [0-9]+ #lobby [a-z0-9]+ [02] $said\$" || fail_with "$T/raw.$who.out" "$who did not get '$said'"
	done
done

step "version 3: the WHOREPLY answering tag 7 carries it, DONE closes it, DONE for SAY names the message's id"
grep -q '^WHOREPLY  more=0 count=[0-9]* .* tag=7$' "$T/raw.v3.out" || fail_with "$T/raw.v3.out" "the WHOREPLY does not carry tag 7"
grep -q '^DONE tag=7 id=0$' "$T/raw.v3.out" || fail_with "$T/raw.v3.out" "no DONE for tag 7"
id=$(sed -n 's/^MSG \([0-9]*\) #lobby new3 0 from v3$/\1/p' "$T/raw.v3.out")
[ -n "$id" ] || fail_with "$T/raw.v3.out" "no echo of v3's own message"
grep -q "^DONE tag=8 id=$id\$" "$T/raw.v3.out" || fail_with "$T/raw.v3.out" "DONE for tag 8 does not name id $id"
awk '/^MSG .* from v3$/ { m = NR } /^DONE tag=8 / { d = NR } END { exit !(m && d && m < d) }' "$T/raw.v3.out" ||
	fail_with "$T/raw.v3.out" "DONE came before the echo of the message it confirms"

step "versions 1 and 2: no tag, no DONE, whatever they appended"
for who in v1 v2; do
	grep -q 'tag=\|^DONE' "$T/raw.$who.out" && fail_with "$T/raw.$who.out" "$who was sent a tag or DONE"
done

step "BYE at shutdown: a code (2) for version 3 only"
stop_server
for who in v1 v2 v3; do
	wait_for "$T/raw.$who.out" '^CLOSED' || fail_with "$T/raw.$who.out" "$who was not closed at shutdown"
done
grep -q '^BYE .* code=2$' "$T/raw.v3.out" || fail_with "$T/raw.v3.out" "version 3 got no BYE code 2 (shutdown)"
for who in v1 v2; do
	grep '^BYE ' "$T/raw.$who.out" | grep -q 'code=' && fail_with "$T/raw.$who.out" "$who got a BYE code"
done
wait
pass
