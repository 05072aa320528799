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

static void line_who(struct buf *out, const struct event *ev)
{
	put(out, "-!- users in ");
	put_safe(out, ev->room);
	put(out, ":");
	for (size_t i = 0; i < ev->who_len; i++) {
		put(out, " ");
		put_safe(out, ev->who[i].nick);
	}
	if (ev->who_len == 0)
		put(out, " (none)");
}

static void line_msg(struct buf *out, const struct event *ev)
{
	put(out, ev->action ? "* " : "<");
	put_safe(out, ev->nick);
	put(out, ev->action ? " " : "> ");
	put_safe(out, ev->text);
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

static void line_body(struct buf *out, const struct event *ev)
{
	switch (ev->kind) {
	case EV_WELCOME: line_welcome(out, ev); break;
	case EV_WHO: line_who(out, ev); break;
	case EV_MSG: line_msg(out, ev); break;
	case EV_JOIN:
		put(out, "-!- ");
		put_safe(out, ev->nick);
		put(out, " joined ");
		put_safe(out, ev->room);
		break;
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
	}
}

void format_line(struct buf *out, const struct event *ev)
{
	char clock[CLOCK_BYTES];

	format_clock(clock, ev->time);
	putf(out, "[%s] ", clock);
	line_body(out, ev);
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

static void json_who(struct buf *out, const struct event *ev)
{
	json_str(out, "room", ev->room);
	put(out, ",\"users\":[");
	for (size_t i = 0; i < ev->who_len; i++) {
		put(out, i == 0 ? "{\"nick\":" : ",{\"nick\":");
		json_append_str(out, ev->who[i].nick.p, ev->who[i].nick.len);
		json_str(out, "login", ev->who[i].login);
		json_num(out, "idle", ev->who[i].idle);
		put(out, "}");
	}
	put(out, "]");
}

static void json_body(struct buf *out, const struct event *ev)
{
	switch (ev->kind) {
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
	case EV_MSG:
		put(out, "{\"type\":\"msg\"");
		json_num(out, "id", ev->id);
		json_num(out, "time", ev->time);
		json_str(out, "room", ev->room);
		json_str(out, "from", ev->nick);
		json_str(out, "text", ev->text);
		put(out, ev->action ? ",\"action\":true" : ",\"action\":false");
		break;
	case EV_JOIN:
		put(out, "{\"type\":\"join\"");
		json_num(out, "time", ev->time);
		json_str(out, "room", ev->room);
		json_str(out, "nick", ev->nick);
		json_str(out, "login", ev->login);
		break;
	case EV_LEAVE:
		put(out, "{\"type\":\"leave\"");
		json_num(out, "time", ev->time);
		json_str(out, "room", ev->room);
		json_str(out, "nick", ev->nick);
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
		break;
	}
}

void format_json(struct buf *out, const struct event *ev)
{
	json_body(out, ev);
	put(out, "}");
}
