#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# 19_json_tags.sh - natter --headless --json: every answer carries the number of the input line it answers ("tag"), so a script can match replies to its commands; DONE says a line succeeded and names its message's id.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

S="$T/s.sock"
start_server -s "$S"

step "four lines: a join, a who, a message to nobody, a message"
start_client js -s "$S" -n js --json
wait_for "$T/js.out" '^\{"type":"welcome"' || fail_with "$T/js.out" "no welcome object"
send js "/join #dev"
send js "/who"
send js "/msg ghost boo"
send js "hello from line 4"
wait_for "$T/js.out" '"type":"done","id":[1-9][0-9]*,"tag":4\}$' || fail_with "$T/js.out" "no done object for line 4"

step "each answer names its line; events of the room name none"
grep -q '^{"type":"join","time":[0-9]*,"room":"#dev","nick":"js","login":"[^"]*"}$' "$T/js.out" ||
	fail_with "$T/js.out" "the JOIN everyone in #dev gets carries a tag"
grep -q '^{"type":"who","room":"#dev",.*"requested":false,"tag":1}$' "$T/js.out" ||
	fail_with "$T/js.out" "the listing that comes with line 1's /join does not carry tag 1"
grep -q '^{"type":"done","id":0,"tag":1}$' "$T/js.out" || fail_with "$T/js.out" "line 1's /join has no done with tag 1"
grep -q '^{"type":"who","room":"#dev",.*"requested":true,"tag":2}$' "$T/js.out" || fail_with "$T/js.out" "the /who listing does not carry tag 2"
grep -q '^{"type":"error","code":204,.*"tag":3}$' "$T/js.out" || fail_with "$T/js.out" "the error does not carry tag 3, the line it answers"
grep -q '"tag":3}$' "$T/js.out" && grep -q '^{"type":"done",.*"tag":3}$' "$T/js.out" && fail_with "$T/js.out" "a failed line got a done too"
id=$(sed -n 's/^{"type":"done","id":\([0-9]*\),"tag":4}$/\1/p' "$T/js.out")
grep -q "^{\"type\":\"msg\",\"id\":$id,.*\"text\":\"hello from line 4\"" "$T/js.out" || fail_with "$T/js.out" "done for line 4 names id $id, which is not its message"

step "lines natter answers itself get their tag too: a mistake an error of code 0, /help a done"
send js "/frobnicate"
send js "/msg"
send js "/help"
send js "/clear"
wait_for "$T/js.out" '^\{"type":"error","code":0,"name":"local","text":"/clear is a command of the full-screen client","tag":8\}$' ||
	fail_with "$T/js.out" "line 8's /clear has no local error naming /clear with tag 8"
grep -q '^{"type":"error","code":0,"name":"local","text":"unknown command /frobnicate; try /help","tag":5}$' "$T/js.out" ||
	fail_with "$T/js.out" "line 5's unknown command has no local error with tag 5"
grep -q '^{"type":"error","code":0,"name":"local","text":"/msg needs an argument: /msg NICK TEXT","tag":6}$' "$T/js.out" ||
	fail_with "$T/js.out" "line 6's /msg without an argument has no local error with tag 6"
grep -q '^{"type":"done","id":0,"tag":7}$' "$T/js.out" || fail_with "$T/js.out" "line 7's /help has no done with tag 7"
grep -q '^natter: unknown command /frobnicate; try /help$' "$T/js.err" ||
	fail_with "$T/js.err" "the mistake is no longer said on standard error"
close_client js
pass
