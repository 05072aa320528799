/* SPDX-License-Identifier: ISC */
/* format.c - headless output: text lines (words.c has the words) and JSON objects. */
#include "format.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

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

void format_line(struct buf *out, const struct event *ev)
{
	words_render(out, WORDS_HEADLESS, ev, NULL);
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
		/* Code 0: a mistake natter caught itself (headless --json). */
		json_str(out, "name", str_c(ev->code == 0 ? "local" : error_code_name(ev->code)));
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
