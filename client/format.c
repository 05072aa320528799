/* SPDX-License-Identifier: ISC */
/* format.c - turn client events into headless text lines and JSON objects (pure). */
#include "format.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "text.h"

static void put(struct buf *out, const char *s)
{
	buf_append(out, s, strlen(s));
}

/* Append printf-style text that we wrote ourselves (never network strings). */
__attribute__((format(printf, 2, 3))) static void putf(struct buf *out, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_append(out, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Append untrusted text made safe for a terminal, on one line. */
static void put_safe(struct buf *out, struct str s)
{
	text_sanitize(out, s.p, s.len, 0);
}

void format_clock(char out[CLOCK_BYTES], uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, CLOCK_BYTES, "%H:%M:%S", &tm) == 0)
		memcpy(out, "??:??:??", CLOCK_BYTES);
}

static void line_welcome(struct buf *out, const struct event *ev)
{
	put(out, "-!- connected to ");
	put_safe(out, str_c(ev->where != NULL ? ev->where : "the server"));
	put(out, " as ");
	put_safe(out, ev->nick);
	put(out, " in ");
	put_safe(out, ev->room);
	putf(out, " (%" PRIu32 " %s)", ev->users, ev->users == 1 ? "user" : "users");
}

/* Seconds as a short duration: 42s, 5m, 3h, 2d. */
static void put_idle(struct buf *out, uint32_t s)
{
	if (s < 60)
		putf(out, "%" PRIu32 "s", s);
	else if (s < 3600)
		putf(out, "%" PRIu32 "m", s / 60);
	else if (s < 86400)
		putf(out, "%" PRIu32 "h", s / 3600);
	else
		putf(out, "%" PRIu32 "d", s / 86400);
}

void format_who_user(struct buf *out, const struct who_entry *w)
{
	put_safe(out, w->nick);
	if (w->flags & WHOF_NOID) {
		put(out, " (tcp, no OS identity");
	} else {
		put(out, " (login ");
		put_safe(out, w->login);
	}
	put(out, ", idle ");
	put_idle(out, w->idle);
	if (w->rooms.len > 0) {
		put(out, ", in ");
		put_safe(out, w->rooms);
	}
	if (w->flags & WHOF_AWAY) {
		put(out, ", away: ");
		put_safe(out, w->away);
	}
	put(out, ")");
}

void format_who_head(struct buf *out, const struct event *ev)
{
	if (ev->room.len == 0) {
		put(out, "users on the server:");
	} else {
		put(out, "users in ");
		put_safe(out, ev->room);
		put(out, ":");
	}
	for (size_t i = 0; i < ev->who_len; i++) {
		put(out, " ");
		put_safe(out, ev->who[i].nick);
	}
	if (ev->who_len == 0)
		put(out, " (none)");
}

/*
 * "users in #dev: a b c", and after it, for the answer to our own WHO only,
 * one more line per user with its login, idle time, rooms and away message.
 */
static void line_who(struct buf *out, const struct event *ev, const char *stamp)
{
	put(out, "-!- ");
	format_who_head(out, ev);
	for (size_t i = 0; ev->requested && i < ev->who_len; i++) {
		putf(out, "\n%s-!- ", stamp);
		format_who_user(out, &ev->who[i]);
	}
}

/* #lobby, or no room at all, which the protocol reads as #lobby. */
static bool is_lobby(struct str room)
{
	return room.len == 0 || nick_equal(room.p, room.len, DEFAULT_ROOM, strlen(DEFAULT_ROOM));
}

/*
 * Where a message was said, before it: nothing for live #lobby messages (the
 * form scripts have always matched), "#dev " for other rooms, "#lobby
 * (history) " for replayed ones, "[private] " or "[private to bob] ".
 */
static void put_msg_place(struct buf *out, const struct event *ev)
{
	if (ev->private_msg) {
		put(out, ev->own ? "[private to " : "[private");
		if (ev->own)
			put_safe(out, ev->room);
		put(out, "] ");
	} else if (ev->history || !is_lobby(ev->room)) {
		put_safe(out, ev->room);
		put(out, " ");
	}
	if (ev->history)
		put(out, "(history) ");
}

static void line_msg(struct buf *out, const struct event *ev)
{
	put_msg_place(out, ev);
	put(out, ev->action ? "* " : "<");
	put_safe(out, ev->nick);
	put(out, ev->action ? " " : "> ");
	put_safe(out, ev->text);
}

/* "-!- carol joined #dev (login carol)": the login after the room keeps older patterns matching. */
static void line_join(struct buf *out, const struct event *ev)
{
	put(out, "-!- ");
	put_safe(out, ev->nick);
	put(out, " joined ");
	put_safe(out, ev->room);
	if (ev->login.len == 0) {
		put(out, " (tcp, no OS identity)");
	} else {
		put(out, " (login ");
		put_safe(out, ev->login);
		put(out, ")");
	}
}

static void line_topic(struct buf *out, const struct event *ev)
{
	put(out, "-!- ");
	if (ev->text.len == 0) {
		put_safe(out, ev->room);
		put(out, " has no topic");
		return;
	}
	put(out, "topic of ");
	put_safe(out, ev->room);
	put(out, ": ");
	put_safe(out, ev->text);
	if (ev->nick.len > 0) {
		put(out, " (set by ");
		put_safe(out, ev->nick);
		put(out, ")");
	}
}

/* "-!- rooms: #lobby (3), #dev (2): TOPIC". */
static void line_rooms(struct buf *out, const struct event *ev)
{
	put(out, "-!- rooms:");
	for (size_t i = 0; i < ev->rooms_len; i++) {
		const struct room_entry *r = &ev->rooms[i];

		put(out, i == 0 ? " " : ", ");
		put_safe(out, r->name);
		putf(out, " (%" PRIu32 ")", r->members);
		if (r->topic.len > 0) {
			put(out, ": ");
			put_safe(out, r->topic);
		}
	}
	if (ev->rooms_len == 0)
		put(out, " (none)");
}

static void line_missed(struct buf *out, const struct event *ev)
{
	putf(out, "-!- missed: %s%" PRIu64 " message(s) in ", ev->exact ? "" : "up to ", ev->count);
	put_safe(out, ev->room);
	putf(out, " are no longer kept (first kept id %" PRIu64 ")", ev->first);
}

static void line_leave(struct buf *out, const struct event *ev)
{
	put(out, "-!- ");
	put_safe(out, ev->nick);
	put(out, " left ");
	put_safe(out, ev->room);
	if (ev->reason.len > 0) {
		put(out, " (");
		put_safe(out, ev->reason);
		put(out, ")");
	}
}

static void line_body(struct buf *out, const struct event *ev, const char *stamp)
{
	switch ((enum event_kind)ev->kind) {
	case EV_WELCOME: line_welcome(out, ev); break;
	case EV_WHO: line_who(out, ev, stamp); break;
	case EV_MSG: line_msg(out, ev); break;
	case EV_JOIN: line_join(out, ev); break;
	case EV_LEAVE: line_leave(out, ev); break;
	case EV_RENAME:
		put(out, "-!- ");
		put_safe(out, ev->nick);
		put(out, " is now known as ");
		put_safe(out, ev->new_nick);
		break;
	case EV_NOTICE:
		put(out, "-!- notice: ");
		put_safe(out, ev->text);
		break;
	case EV_ERROR:
		putf(out, "-!- error %u (%s): ", ev->code, error_code_name(ev->code));
		put_safe(out, ev->text);
		break;
	case EV_BYE:
		put(out, "-!- disconnected");
		if (ev->reason.len > 0) {
			put(out, ": ");
			put_safe(out, ev->reason);
		}
		break;
	case EV_TOPIC: line_topic(out, ev); break;
	case EV_ROOMLIST: line_rooms(out, ev); break;
	case EV_MISSED: line_missed(out, ev); break;
	case EV_CURRENT:
		put(out, "-!- now talking in ");
		put_safe(out, ev->room);
		break;
	case EV_DONE: /* the headless front end prints no line for it */
	case EV_SENDING: /* nor for its own lines going out */ break;
	}
}

void format_line(struct buf *out, const struct event *ev)
{
	char clock[CLOCK_BYTES], stamp[CLOCK_BYTES + 3];

	format_clock(clock, ev->time);
	snprintf(stamp, sizeof stamp, "[%s] ", clock);
	put(out, stamp);
	line_body(out, ev, stamp);
}

/* Append ,"key":"escaped value". */
static void json_str(struct buf *out, const char *key, struct str value)
{
	putf(out, ",\"%s\":", key);
	json_append_str(out, value.p, value.len);
}

static void json_num(struct buf *out, const char *key, uint64_t value)
{
	putf(out, ",\"%s\":%" PRIu64, key, value);
}

static void json_bool(struct buf *out, const char *key, bool value)
{
	putf(out, ",\"%s\":%s", key, value ? "true" : "false");
}

static void json_who(struct buf *out, const struct event *ev)
{
	json_str(out, "room", ev->room);
	put(out, ",\"users\":[");
	for (size_t i = 0; i < ev->who_len; i++) {
		const struct who_entry *w = &ev->who[i];

		put(out, i == 0 ? "{\"nick\":" : ",{\"nick\":");
		json_append_str(out, w->nick.p, w->nick.len);
		json_str(out, "login", w->login);
		json_num(out, "idle", w->idle);
		json_num(out, "flags", w->flags);
		json_str(out, "away", w->away);
		json_str(out, "rooms", w->rooms);
		json_bool(out, "tcp", (w->flags & WHOF_NOID) != 0);
		put(out, "}");
	}
	put(out, "]");
	json_bool(out, "requested", ev->requested);
}

static void json_rooms(struct buf *out, const struct event *ev)
{
	put(out, "{\"type\":\"rooms\",\"rooms\":[");
	for (size_t i = 0; i < ev->rooms_len; i++) {
		put(out, i == 0 ? "{\"room\":" : ",{\"room\":");
		json_append_str(out, ev->rooms[i].name.p, ev->rooms[i].name.len);
		json_num(out, "members", ev->rooms[i].members);
		json_str(out, "topic", ev->rooms[i].topic);
		put(out, "}");
	}
	put(out, "]");
}

static void json_msg(struct buf *out, const struct event *ev)
{
	put(out, "{\"type\":\"msg\"");
	json_num(out, "id", ev->id);
	json_num(out, "time", ev->time);
	json_str(out, "room", ev->room);
	json_str(out, "from", ev->nick);
	json_str(out, "text", ev->text);
	json_bool(out, "action", ev->action);
	json_bool(out, "history", ev->history);
	json_bool(out, "private", ev->private_msg);
}

/* A SAY of ours going out (headless prints none; for tests and other front ends). */
static void json_sending(struct buf *out, const struct event *ev)
{
	put(out, "{\"type\":\"sending\"");
	json_str(out, "room", ev->room);
	json_str(out, "text", ev->text);
	json_bool(out, "action", ev->action);
}

static void json_body(struct buf *out, const struct event *ev)
{
	switch ((enum event_kind)ev->kind) {
	case EV_WELCOME:
		put(out, "{\"type\":\"welcome\"");
		json_str(out, "nick", ev->nick);
		json_str(out, "server", ev->server);
		json_str(out, "room", ev->room);
		json_num(out, "users", ev->users);
		break;
	case EV_WHO:
		put(out, "{\"type\":\"who\"");
		json_who(out, ev);
		break;
	case EV_MSG: json_msg(out, ev); break;
	case EV_JOIN:
	case EV_LEAVE:
		putf(out, "{\"type\":\"%s\"", ev->kind == EV_JOIN ? "join" : "leave");
		json_num(out, "time", ev->time);
		json_str(out, "room", ev->room);
		json_str(out, "nick", ev->nick);
		if (ev->kind == EV_JOIN)
			json_str(out, "login", ev->login);
		else
			json_str(out, "reason", ev->reason);
		break;
	case EV_RENAME:
		put(out, "{\"type\":\"rename\"");
		json_num(out, "time", ev->time);
		json_str(out, "old", ev->nick);
		json_str(out, "new", ev->new_nick);
		break;
	case EV_NOTICE:
		put(out, "{\"type\":\"notice\"");
		json_num(out, "time", ev->time);
		json_str(out, "text", ev->text);
		break;
	case EV_ERROR:
		put(out, "{\"type\":\"error\"");
		json_num(out, "code", ev->code);
		json_str(out, "name", str_c(error_code_name(ev->code)));
		json_str(out, "text", ev->text);
		break;
	case EV_BYE:
		put(out, "{\"type\":\"bye\"");
		json_str(out, "reason", ev->reason);
		if (ev->code != 0)
			json_num(out, "code", ev->code);
		break;
	case EV_TOPIC:
		put(out, "{\"type\":\"topic\"");
		json_num(out, "time", ev->time);
		json_str(out, "room", ev->room);
		json_str(out, "nick", ev->nick);
		json_str(out, "text", ev->text);
		break;
	case EV_ROOMLIST: json_rooms(out, ev); break;
	case EV_MISSED:
		put(out, "{\"type\":\"missed\"");
		json_str(out, "room", ev->room);
		json_num(out, "count", ev->count);
		json_num(out, "first", ev->first);
		json_bool(out, "exact", ev->exact);
		break;
	case EV_CURRENT:
		put(out, "{\"type\":\"current\"");
		json_str(out, "room", ev->room);
		break;
	case EV_DONE:
		put(out, "{\"type\":\"done\"");
		json_num(out, "id", ev->id);
		break;
	case EV_SENDING: json_sending(out, ev); break;
	}
}

void format_json(struct buf *out, const struct event *ev)
{
	json_body(out, ev);
	/* The input line this answers (natter(1), JSON output): scripts match replies by it. */
	if (ev->tag != 0)
		json_num(out, "tag", ev->tag);
	put(out, "}");
}
