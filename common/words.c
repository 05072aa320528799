/* SPDX-License-Identifier: ISC */
/* words.c - where an event becomes words: one table row per event kind, one column per form. */
#include "words.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

/*
 * One form's words for one event kind, as templates. %X puts a field:
 *   %T the form's stamp ("[12:00:03] ", "12:00:03 "),  %n nick,  %N new nick,
 *   %r room,  %l login,  %x text,  %R reason,  %s server,  %w where we are
 *   connected ("the server" if unknown),  %e the error code's name,  %c code,
 *   %k the count (users, messages missed, rooms),  %f first kept id,
 *   %* the entries inline (each, or none without any).
 * In an entry's template: a user's %n nick, %l login, %o rooms, %a away,
 * %i idle seconds, %I idle as 42s/5m/3h/2d; a room's %r name, %m members,
 * %t topic. {X...} says ... only when X holds, {!X...} only when it does not:
 * a field letter holds when its string is not empty or its number not 0;
 * besides, A action, H history, P private, O own (we said it), E exact,
 * q requested (our own WHO), p plural (the count is not 1), L not in
 * #lobby, C not in the reader's room, B reconnected, Y a user without an
 * OS identity, Z away, 0 the first entry.
 */
struct words_cell {
	const char *line; /* the first line; NULL: none */
	const char *each; /* %* : one entry */
	const char *none; /* %* : no entries */
	const char *item; /* a line of its own per entry; NULL: none */
	char item_if;	  /* the condition for those lines; 0: always */
	bool safe;	  /* the screen form sanitizes these words too (the others always do) */
};

#define LOGIN	      "{l (login %l)}{!l (tcp, no OS identity)}"
#define WHO_USER      "%n ({Ytcp, no OS identity}{!Ylogin %l}, idle %I{o, in %o}{Z, away: %a})"
#define LINE_WHO_USER "-- %n{Y  (tcp, no OS identity)}{!Y  login %l}  idle %is  in %o{Z  away: %a}"
#define SCREEN_MSG    "{P(private{O to %r}) }{!P{C[%r] }}%x"

/* A form's words in one line. */
/* clang-format off */
#define W(t) {.line = (t)}
/* clang-format on */

static const struct words_cell table[][WORDS_FORMS] = {
    [EV_WELCOME] = {W("%T-!- connected to %w as %n in %r (%k user{ps})"),
		    W("-- welcome to %s, you are %n (%k user{ps} here); type /help for commands"),
		    W("{Bback: re}connected to %w as %n in %r (%k user{ps})")},
    [EV_WHO] = {{.line = "%T-!- users {rin %r}{!ron the server}:%*",
		 .each = " %n",
		 .none = " (none)",
		 .item = "%T-!- " WHO_USER,
		 .item_if = 'q'},
		{.line = "-- {rin %r}{!ron this server}:", .item = LINE_WHO_USER},
		{.line = "users {rin %r}{!ron the server}:%*",
		 .each = " %n",
		 .none = " (none)",
		 .item = WHO_USER,
		 .item_if = 'q',
		 .safe = true}},
    [EV_MSG] = {W("%T{P[private{O to %r}] }{!P{H%r }{!H{L%r }}}{H(history) }{A* %n }{!A<%n> }%x"),
		W("%T{!P%r {H(history) }}{P[private{O to %r}] }{A* %n }{!A<%n> }%x"),
		W(SCREEN_MSG)},
    [EV_JOIN] = {W("%T-!- %n joined %r" LOGIN), W("%T%r -- %n" LOGIN " joined"), W("%n joined %r")},
    [EV_LEAVE] = {W("%T-!- %n left %r{R (%R)}"), W("%T%r -- %n left{R (%R)}"),
		  W("%n left %r{R (%R)}")},
    [EV_RENAME] = {W("%T-!- %n is now known as %N"), W("%T-- %n is now known as %N"),
		   W("%n is now known as %N")},
    [EV_NOTICE] = {W("%T-!- notice: %x"), W("%T-- %x"), W("%x")},
    [EV_ERROR] = {W("%T-!- error %c (%e): %x"), W("error %c: %x"), W("error from the server: %x")},
    [EV_BYE] = {W("%T-!- disconnected{R: %R}"), W("bye: %R"), W("the server says goodbye: %R")},
    [EV_TOPIC] = {W("%T-!- {!x%r has no topic}{xtopic of %r: %x{n (set by %n)}}"),
		  W("%r -- {!xno topic}{xtopic: %x (set by %n)}"),
		  W("{!xno topic in %r}{x%r topic: %x{n (set by %n)}}")},
    [EV_ROOMLIST] = {{.line = "%T-!- rooms:%*",
		      .each = "{0 }{!0, }%r (%m){t: %t}",
		      .none = " (none)"},
		     {.item = "-- %r (%m){t: %t}"},
		     {.line = "%k room{ps} on the server:", .item = "%r (%m){t %t}"}},
    [EV_MISSED] =
	{W("%T-!- missed: {!Eup to }%k message(s) in %r are no longer kept (first kept id %f)"),
	 W("-- %r: {!Eup to }%k message(s) you missed are no longer kept"),
	 W("%r: {!Eup to }%k message{ps} sent while you were away {pare}{!pis} no longer kept")},
    [EV_CURRENT] = {W("%T-!- now talking in %r"), W(NULL), W("now talking in %r")},
    [EV_DONE] = {W(NULL), W(NULL), W(NULL)},
    [EV_SENDING] = {W(NULL), W(NULL), W(SCREEN_MSG)},
};

/* Where a template is being expanded: the event, and the entry of a listing if any. */
struct at {
	enum words_form form;
	bool safe;
	const struct event *ev;
	const struct words_view *v;
	const struct words_cell *cell;
	const struct who_entry *who;
	const struct room_entry *room;
	size_t index;
};

void words_clock(char out[CLOCK_BYTES], uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, CLOCK_BYTES, "%H:%M:%S", &tm) == 0)
		memcpy(out, "??:??:??", CLOCK_BYTES);
}

/* The event's count: users for WELCOME, messages for MISSED, entries for listings. */
static uint64_t count_of(const struct event *ev)
{
	switch (ev->kind) {
	case EV_WELCOME: return ev->users;
	case EV_MISSED: return ev->count;
	case EV_ROOMLIST: return ev->rooms_len;
	default: return ev->who_len;
	}
}

/* Field c as a string (true) or, in *num, a number (false). */
static bool field(const struct at *a, char c, struct str *s, uint64_t *num)
{
	const struct event *ev = a->ev;

	*s = str_n("", 0);
	*num = 0;
	if (a->who != NULL && strchr("nloai", c) != NULL) {
		const struct who_entry *w = a->who;

		*s = c == 'n' ? w->nick : c == 'l' ? w->login : c == 'o' ? w->rooms : w->away;
		*num = w->idle;
		return c != 'i';
	}
	if (a->room != NULL && strchr("rmt", c) != NULL) {
		*s = c == 'r' ? a->room->name : a->room->topic;
		*num = a->room->members;
		return c != 'm';
	}
	switch (c) {
	case 'n': *s = ev->nick; return true;
	case 'N': *s = ev->new_nick; return true;
	case 'r': *s = ev->room; return true;
	case 'l': *s = ev->login; return true;
	case 'x': *s = ev->text; return true;
	case 'R': *s = ev->reason; return true;
	case 's': *s = ev->server; return true;
	case 'w': *s = str_c(ev->where != NULL ? ev->where : "the server"); return true;
	case 'e': *s = str_c(error_code_name(ev->code)); return true;
	case 'c': *num = ev->code; return false;
	case 'k': *num = count_of(ev); return false;
	case 'f': *num = ev->first; return false;
	default: return false;
	}
}

/* #lobby, or no room at all, which the protocol reads as #lobby. */
static bool is_lobby(struct str room)
{
	return room.len == 0 || nick_equal(room.p, room.len, DEFAULT_ROOM, strlen(DEFAULT_ROOM));
}

/* Whether a room is the one the reader talks in (no room at all counts as theirs). */
static bool in_view(const struct words_view *v, struct str room)
{
	return v == NULL || room.len == 0 ||
	       (room.len == v->room.len && memcmp(room.p, v->room.p, room.len) == 0);
}

/* Whether condition c holds (see the letters above the table). */
static bool holds(const struct at *a, char c)
{
	const struct event *ev = a->ev;
	struct str s;
	uint64_t n;

	switch (c) {
	case 'A': return ev->action;
	case 'H': return ev->history;
	case 'P': return ev->private_msg;
	case 'O': return ev->own;
	case 'E': return ev->exact;
	case 'q': return ev->requested;
	case 'p': return count_of(ev) != 1;
	case 'L': return !is_lobby(ev->room);
	case 'C': return !in_view(a->v, ev->room);
	case 'B': return a->v != NULL && a->v->again;
	case 'Y': return a->who != NULL && (a->who->flags & WHOF_NOID);
	case 'Z': return a->who != NULL && (a->who->flags & WHOF_AWAY);
	case '0': return a->index == 0;
	default: return field(a, c, &s, &n) ? s.len > 0 : n != 0;
	}
}

/* The form's stamp for the event's time: "[12:00:03] " headless, "12:00:03 " in line mode. */
static void put_stamp(struct buf *out, const struct at *a)
{
	char clock[CLOCK_BYTES];
	bool line = a->form == WORDS_LINE;

	if (a->form == WORDS_SCREEN)
		return;
	words_clock(clock, a->ev->time);
	if (line && clock[0] == '?')
		memcpy(clock, "--:--:--", CLOCK_BYTES);
	if (!line)
		buf_append(out, "[", 1);
	buf_append(out, clock, CLOCK_BYTES - 1);
	buf_append(out, line ? " " : "] ", line ? 1 : 2);
}

/* Seconds as a short duration: 42s, 5m, 3h, 2d. */
static void put_idle(struct buf *out, uint64_t s)
{
	if (s < 60)
		buf_printf(out, "%" PRIu64 "s", s);
	else if (s < 3600)
		buf_printf(out, "%" PRIu64 "m", s / 60);
	else if (s < 86400)
		buf_printf(out, "%" PRIu64 "h", s / 3600);
	else
		buf_printf(out, "%" PRIu64 "d", s / 86400);
}

static const char *expand(struct buf *out, const struct at *a, const char *t);

/* %*: the listing's entries, inline. */
static void put_entries(struct buf *out, const struct at *a)
{
	struct at e = *a;
	size_t len = a->ev->kind == EV_ROOMLIST ? a->ev->rooms_len : a->ev->who_len;

	for (e.index = 0; e.index < len; e.index++) {
		if (a->ev->kind == EV_ROOMLIST)
			e.room = &a->ev->rooms[e.index];
		else
			e.who = &a->ev->who[e.index];
		(void)expand(out, &e, a->cell->each);
	}
	if (len == 0)
		(void)expand(out, a, a->cell->none);
}

/* Put %c. */
static void put_field(struct buf *out, const struct at *a, char c)
{
	struct str s;
	uint64_t n;

	if (c == 'T')
		put_stamp(out, a);
	else if (c == '*')
		put_entries(out, a);
	else if (c == 'I')
		put_idle(out, a->who != NULL ? a->who->idle : 0);
	else if (!field(a, c, &s, &n))
		buf_printf(out, "%" PRIu64, n);
	else if (a->safe)
		text_sanitize(out, s.p, s.len, 0);
	else
		buf_append(out, s.p, s.len);
}

/* The bytes that end a template's literal text. */
static const bool special[256] = {['\0'] = true, ['%'] = true, ['{'] = true, ['}'] = true};

/* Past the group that t is in: the '}' that closes it, or the end. */
static const char *skip_group(const char *t)
{
	for (int depth = 0; *t != '\0'; t++) {
		if (*t == '{')
			depth++;
		else if (*t == '}' && depth-- == 0)
			break;
	}
	return t;
}

/* Append template t expanded up to its end or the '}' that closes its group; returns where. */
static const char *expand(struct buf *out, const struct at *a, const char *t)
{
	for (;;) {
		const char *lit = t;

		while (!special[(unsigned char)*t])
			t++;
		buf_append(out, lit, (size_t)(t - lit));
		if (*t == '\0' || *t == '}' || t[1] == '\0')
			return t;
		if (*t == '%') {
			put_field(out, a, t[1]);
			t += 2;
		} else {
			bool not = t[1] == '!';
			const char *c = t + 1 + not ;

			t = holds(a, *c) != not ? expand(out, a, c + 1) : skip_group(c + 1);
			if (*t == '}')
				t++;
		}
	}
}

bool words_line(struct buf *out, enum words_form form, const struct event *ev,
		const struct words_view *v, size_t i)
{
	const struct words_cell *cell;
	struct at a = {.form = form, .ev = ev, .v = v};
	size_t len;

	if (ev->kind < 0 || (size_t)ev->kind >= sizeof table / sizeof table[0])
		return false;
	cell = &table[ev->kind][form];
	a.cell = cell;
	a.safe = form != WORDS_SCREEN || cell->safe;
	if (cell->line != NULL) {
		if (i == 0) {
			(void)expand(out, &a, cell->line);
			return true;
		}
		i--;
	}
	len = ev->kind == EV_ROOMLIST ? ev->rooms_len : ev->kind == EV_WHO ? ev->who_len : 0;
	if (cell->item == NULL || i >= len || (cell->item_if != 0 && !holds(&a, cell->item_if)))
		return false;
	a.index = i;
	if (ev->kind == EV_ROOMLIST)
		a.room = &ev->rooms[i];
	else
		a.who = &ev->who[i];
	(void)expand(out, &a, cell->item);
	return true;
}

void words_render(struct buf *out, enum words_form form, const struct event *ev,
		  const struct words_view *v)
{
	for (size_t i = 0;; i++) {
		size_t mark = out->len;

		if (i > 0 && form != WORDS_LINE)
			buf_append(out, "\n", 1);
		if (!words_line(out, form, ev, v, i)) {
			out->len = mark;
			return;
		}
		if (form == WORDS_LINE)
			buf_append(out, "\n", 1);
	}
}
