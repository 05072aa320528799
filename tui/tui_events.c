/* SPDX-License-Identifier: ISC */
/* tui_events.c - server events in the full-screen UI: lines, the room's nicks, the status bar. */
#include "tui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "sys.h"
#include "text.h"
#include "tui_int.h"
#include "words.h"
#include "wrap.h"

static bool in_current(const struct tui *t, struct str room);

/* ---- the room's nick list (completion and the user count) ---- */

static long find_nick(const struct tui *t, struct str nick)
{
	for (size_t i = 0; i < t->nicks_len; i++)
		if (nick_equal(t->nicks[i], strlen(t->nicks[i]), nick.p, nick.len))
			return (long)i;
	return -1;
}

static void add_nick(struct tui *t, struct str nick)
{
	/* Only valid nicks are offered for completion: they are typed back to the server. */
	if (nick_valid(nick.p, nick.len) && find_nick(t, nick) < 0)
		tui_push_string(&t->nicks, &t->nicks_len, &t->nicks_cap, nick.p, nick.len);
}

static void remove_nick(struct tui *t, struct str nick)
{
	long i = find_nick(t, nick);

	if (i < 0)
		return;
	free(t->nicks[i]);
	t->nicks[i] = t->nicks[--t->nicks_len];
}

/* ---- the status bar ---- */

/* Copy untrusted text into a status field, sanitized. */
static void status_set(char *dst, size_t cap, const char *s, size_t n)
{
	struct buf b = {0};
	size_t len;

	wrap_sanitize(&b, s, n, false);
	len = utf8_truncate((const char *)b.data, b.len, cap - 1);
	if (len > 0)
		memcpy(dst, b.data, len);
	dst[len] = '\0';
	buf_free(&b);
}

/* Whether slot u may be given to another room: empty, or a room we are no longer in. */
static bool slot_free(const struct tui *t, const struct tui_unread *u)
{
	return u->room[0] == '\0' || !core_in_room(t->c, str_c(u->room));
}

/*
 * The state kept for room (creating it), or NULL if the name does not fit.
 * When every slot is taken, a room we have left gives its slot up: we are
 * in at most TUI_UNREAD_ROOMS rooms, so a slot is always found.
 */
static struct tui_unread *unread_of(struct tui *t, struct str room)
{
	struct tui_unread *slot = NULL;

	for (size_t i = 0; i < TUI_UNREAD_ROOMS; i++) {
		struct tui_unread *u = &t->unread[i];

		if (u->room[0] != '\0' && nick_equal(u->room, strlen(u->room), room.p, room.len))
			return u;
		if ((slot == NULL || slot->room[0] != '\0') && slot_free(t, u))
			slot = u;
	}
	if (slot == NULL || room.len == 0 || room.len >= sizeof slot->room)
		return NULL;
	memset(slot, 0, sizeof *slot);
	memcpy(slot->room, room.p, room.len);
	return slot;
}

/*
 * "private 2, #dev 3!, #ops 1": private messages not yet answered, then the
 * rooms we are in, other than the current one, with messages that came
 * while they were not current ('!': some of them mention me).
 */
static void unread_summary(struct tui *t, char *out, size_t cap)
{
	size_t n = 0;
	int w;

	out[0] = '\0';
	if (t->private_unread > 0) {
		w = snprintf(out, cap, "private %u", t->private_unread);
		if (w < 0 || (size_t)w >= cap)
			return;
		n = (size_t)w;
	}
	for (size_t i = 0; i < TUI_UNREAD_ROOMS && n < cap; i++) {
		const struct tui_unread *u = &t->unread[i];

		if (u->room[0] == '\0' || u->count == 0 || !core_in_room(t->c, str_c(u->room)))
			continue;
		w = snprintf(out + n, cap - n, "%s%s %u%s", n ? ", " : "", u->room, u->count,
			     u->mentions > 0 ? "!" : "");
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
}

void tui_status_update(struct tui *t)
{
	struct ui_status *s = &t->ui.status;
	const char *nick = core_nick_now(t->c);
	uint64_t lag = t->up ? core_lag_ms(t->c, mono_ms()) : 0;

	t->lag_shown = (unsigned)((lag + 999) / 1000);

	if (nick[0] == '\0')
		nick = t->nick;
	status_set(s->nick, sizeof s->nick, nick, strlen(nick));
	status_set(s->room, sizeof s->room, core_room(t->c), strlen(core_room(t->c)));
	unread_summary(t, s->unread, sizeof s->unread);
	snprintf(s->where, sizeof s->where, "%s (%s)", core_where(t->c),
		 t->addr != NULL && t->addr->kind == ADDR_TCP ? "tcp" : "unix");
	if (t->quitting)
		snprintf(s->state, sizeof s->state, "quitting");
	else if (!t->up) {
		uint64_t now = mono_ms();
		unsigned secs =
		    t->retry_at > now ? (unsigned)((t->retry_at - now + 999) / 1000) : 0;

		if (t->held)
			snprintf(s->state, sizeof s->state, "DISCONNECTED, /reconnect to return");
		else
			snprintf(s->state, sizeof s->state, "DISCONNECTED, retry in %u s", secs);
	} else if (core_state(t->c) == CORE_READY && t->lag_shown > 0)
		snprintf(s->state, sizeof s->state, "lag %us", t->lag_shown);
	else if (core_state(t->c) == CORE_READY)
		snprintf(s->state, sizeof s->state, "connected");
	else
		snprintf(s->state, sizeof s->state, "connecting");
	if (!t->up)
		s->users = -1;
	else if (t->have_who)
		s->users = (long)t->nicks_len;
	t->ui.dirty = true;
}

/* ---- server events ---- */

/* Whether a nick is mine (as the server knows it now). */
static bool is_me(const struct tui *t, struct str nick)
{
	const char *me = core_nick_now(t->c);

	return nick_equal(me, strlen(me), nick.p, nick.len);
}

/* Show ev in the screen form's words, one scrollback line each. */
static void say(struct tui *t, enum sb_kind kind, const struct event *ev)
{
	struct words_view v = {.room = str_c(core_room(t->c)), .again = t->attempts > 0};
	struct buf b = {0};

	for (size_t i = 0; words_line(&b, WORDS_SCREEN, ev, &v, i); i++) {
		ui_add(&t->ui, kind, ev->time, "", 0, (const char *)b.data, b.len, false);
		buf_clear(&b);
	}
	buf_free(&b);
}

/* Send what was typed while the server was away, now that it is back. */
static void flush_pending(struct tui *t)
{
	size_t sent = 0;
	struct command cmd;
	struct errmsg e;

	for (size_t i = 0; i < t->pending.len; i++) {
		const char *line = t->pending.lines[i];

		command_parse(line, strlen(line), &cmd);
		if (core_exec(t->c, &cmd, &e) < 0)
			ui_say(&t->ui, SB_ERROR, "%s", e.text);
		else
			sent++;
	}
	tui_free_strings(t->pending.lines, &t->pending.len);
	if (sent > 0)
		ui_say(&t->ui, SB_INFO, "sent %zu line%s typed while disconnected", sent,
		       sent == 1 ? "" : "s");
}

static void on_welcome(struct tui *t, const struct event *ev)
{
	tui_free_strings(t->nicks, &t->nicks_len);
	t->have_who = false;
	t->ui.status.users = ev->users;
	snprintf(t->nick, sizeof t->nick, "%s", core_nick_now(t->c));
	/* Where we are now: after a reconnect the core may have kept another room. */
	say(t, SB_NOTICE,
	    &(struct event){.kind = EV_WELCOME,
			    .time = ev->time,
			    .users = ev->users,
			    .where = core_where(t->c),
			    .nick = str_c(core_nick_now(t->c)),
			    .room = str_c(core_room(t->c))});
	t->attempts = 0;
	t->retry_ms = RECONNECT_FIRST_MS;
	flush_pending(t);
}

static void on_who(struct tui *t, const struct event *ev)
{
	/* The listing asked for by on_current (its reference says so) only feeds the nick list. */
	bool quiet = ev->tag == TUI_REF_NICKS;

	if (str_eq(ev->room, core_room(t->c))) {
		tui_free_strings(t->nicks, &t->nicks_len);
		for (size_t i = 0; i < ev->who_len; i++)
			add_nick(t, ev->who[i].nick);
		t->have_who = true;
	}
	if (!quiet)
		say(t, SB_NOTICE, ev);
}

/*
 * Whether a message was shown already: ids are unique per message but each
 * room's history is replayed on its own (entering it, resuming), so a
 * history line is a replay when its id is at or below the last id shown in
 * its own room, never another room's. Only history is skipped: a server
 * restarted without a log counts from 1 again.
 */
static bool seen_before(struct tui_unread *u, const struct event *ev)
{
	if (u == NULL || ev->id == 0)
		return false;
	if (ev->history && ev->id <= u->last_id)
		return true;
	u->last_id = ev->id;
	return false;
}

/* Count a message that is news: in a room not current, or private; saying anything clears
 * the private count. */
static void count_unread(struct tui *t, struct tui_unread *u, const struct event *ev, bool mine,
			 bool mention)
{
	if (mine) {
		t->private_unread = 0;
		return;
	}
	if (ev->history)
		return;
	if (ev->private_msg) {
		t->private_unread++;
	} else if (u != NULL && !in_current(t, ev->room)) {
		u->count++;
		if (mention)
			u->mentions++;
	}
}

/* ---- our messages, shown until the server confirms them ---- */

/*
 * A message's text as shown: lines from elsewhere than the current room say
 * where they belong ("(private to bob) ", "(private) ", "[#dev] ").
 */
static void msg_text(const struct tui *t, struct buf *text, const struct event *ev, bool mine)
{
	struct event e = *ev;

	e.own = mine;
	(void)words_line(text, WORDS_SCREEN, &e,
			 &(struct words_view){.room = str_c(core_room(t->c))}, 0);
}

static void sending_drop(struct tui *t, size_t i)
{
	struct tui_sending *p = &t->sending[i];

	free(p->room);
	free(p->text);
	free(p->shown);
	memmove(p, p + 1, (t->sending_len - i - 1) * sizeof *p);
	t->sending_len--;
}

void tui_sending_free(struct tui *t)
{
	while (t->sending_len > 0)
		sending_drop(t, 0);
}

/* Show entry i again, undimmed, with a marker after its text (NULL: none); then forget it. */
static void sending_settle(struct tui *t, size_t i, const char *marker)
{
	struct tui_sending *p = &t->sending[i];
	const char *nick = core_nick_now(t->c)[0] != '\0' ? core_nick_now(t->c) : t->nick;
	struct buf text = {0};

	buf_append(&text, p->shown, strlen(p->shown));
	if (marker != NULL)
		buf_append(&text, marker, strlen(marker));
	ui_update_line(&t->ui, p->seq,
		       &(struct ui_text){.kind = p->action ? SB_ACTION : SB_OWN,
					 .ms = p->ms,
					 .nick = nick,
					 .nick_len = strlen(nick),
					 .text = (const char *)text.data,
					 .text_len = text.len});
	buf_free(&text);
	sending_drop(t, i);
}

/* A SAY of ours went out: show it at once, dimmed, until its echo comes back. */
static void on_sending(struct tui *t, const struct event *ev)
{
	const char *nick = ev->nick.len > 0 ? ev->nick.p : t->nick;
	struct tui_sending *p;
	struct buf text = {0};

	/* A paste of hundreds of lines into a held-back connection: stop following the oldest. */
	if (t->sending_len == TUI_SENDING_MAX)
		sending_settle(t, 0, " (unconfirmed)");
	p = &t->sending[t->sending_len++];
	msg_text(t, &text, ev, true);
	p->shown = xstrndup((const char *)text.data, text.len);
	buf_append(&text, " (sending...)", 13);
	p->room = xstrndup(ev->room.p, ev->room.len);
	p->text = xstrndup(ev->text.p, ev->text.len);
	p->action = ev->action;
	p->private_msg = ev->private_msg;
	p->req = ev->req;
	p->ms = ev->time;
	p->seq = ui_add_line(&t->ui, &(struct ui_text){.kind = ev->action ? SB_ACTION : SB_OWN,
						       .ms = ev->time,
						       .nick = nick,
						       .nick_len = strlen(nick),
						       .text = (const char *)text.data,
						       .text_len = text.len,
						       .pending = true});
	buf_free(&text);
}

/*
 * The echo of one of our messages: the oldest one sent with the same target
 * and text is confirmed (the server handles our SAYs in order), its line
 * replaced in place by m. False if none is waiting (or it scrolled out).
 */
static bool sending_confirmed(struct tui *t, const struct event *ev, const struct ui_text *m)
{
	for (size_t i = 0; i < t->sending_len; i++) {
		const struct tui_sending *p = &t->sending[i];
		bool found = p->action == ev->action && p->private_msg == ev->private_msg &&
			     nick_equal(p->room, strlen(p->room), ev->room.p, ev->room.len) &&
			     str_eq(ev->text, p->text);

		if (found) {
			found = ui_update_line(&t->ui, p->seq, m);
			sending_drop(t, i);
			return found;
		}
	}
	return false;
}

/* The DONE or ERROR that ends a request: a message still shown as sending is settled. */
static void sending_answered(struct tui *t, const struct event *ev)
{
	for (size_t i = 0; ev->req != 0 && i < t->sending_len; i++) {
		if (t->sending[i].req != ev->req)
			continue;
		/* A DONE without an echo before it: accepted all the same. */
		if (ev->kind == EV_DONE)
			sending_settle(t, i, NULL);
		else
			sending_settle(t, i, " (not sent)");
		return;
	}
}

void tui_sending_lost(struct tui *t)
{
	while (t->sending_len > 0)
		sending_settle(t, 0, " (not confirmed: the connection was lost)");
}

static void on_msg(struct tui *t, const struct event *ev)
{
	bool mine = ev->own || is_me(t, ev->nick);
	bool mention = !mine && (ev->private_msg ||
				 sb_mentions(ev->text.p, ev->text.len, core_nick_now(t->c)));
	struct tui_unread *u = ev->private_msg ? NULL : unread_of(t, ev->room);
	struct buf text = {0};
	struct ui_text m = {.kind = ev->action ? SB_ACTION
				    : mine     ? SB_OWN
					       : SB_MSG,
			    .ms = ev->time,
			    .nick = ev->nick.p,
			    .nick_len = ev->nick.len,
			    .mention = mention,
			    .history = ev->history,
			    .room = ev->room.p,
			    .room_len = ev->room.len};

	if (seen_before(u, ev))
		return;
	count_unread(t, u, ev, mine, mention);
	msg_text(t, &text, ev, mine);
	m.text = (const char *)text.data;
	m.text_len = text.len;
	/* Our own message, echoed: the server confirms the line shown as sending (3.2). */
	if (!(mine && !ev->history && sending_confirmed(t, ev, &m)))
		ui_add_line(&t->ui, &m);
	buf_free(&text);
	/* Old lines replayed from the room's history are not news: no bell for them. */
	if (mention && !ev->history && t->opt.bell)
		t->ring = true;
}

/* Whether an event's room is the one we talk in (the nick list and user count follow it). */
static bool in_current(const struct tui *t, struct str room)
{
	const char *cur = core_room(t->c);

	return str_eq(room, cur) || (room.len == 0 && cur[0] != '\0');
}

static void on_join(struct tui *t, const struct event *ev)
{
	if (in_current(t, ev->room))
		add_nick(t, ev->nick);
	say(t, SB_NOTICE, ev);
}

static void on_leave(struct tui *t, const struct event *ev)
{
	if (in_current(t, ev->room))
		remove_nick(t, ev->nick);
	say(t, SB_NOTICE, ev);
}

/* The room we talk in changed: say so, and fetch its members for completion and the count. */
static void on_current(struct tui *t, const struct event *ev)
{
	struct errmsg e;

	struct tui_unread *u = unread_of(t, ev->room);

	if (u != NULL)
		u->count = u->mentions = 0;
	say(t, SB_NOTICE, ev);
	tui_free_strings(t->nicks, &t->nicks_len);
	t->have_who = false;
	core_set_ref(t->c, TUI_REF_NICKS);
	if (core_who(t->c, ev->room, &e) < 0)
		ui_say(&t->ui, SB_ERROR, "%s", e.text);
	core_set_ref(t->c, 0);
}

static void on_rename(struct tui *t, const struct event *ev)
{
	remove_nick(t, ev->nick);
	add_nick(t, ev->new_nick);
	if (is_me(t, ev->new_nick) || is_me(t, ev->nick))
		snprintf(t->nick, sizeof t->nick, "%s", core_nick_now(t->c));
	say(t, SB_NOTICE, ev);
}

void tui_on_event(void *ctx, const struct event *ev)
{
	struct tui *t = ctx;

	/* ev->kind is an int so that kinds added to the core later are simply not shown. */
	switch (ev->kind) {
	case EV_WELCOME: on_welcome(t, ev); break;
	case EV_WHO: on_who(t, ev); break;
	case EV_MSG: on_msg(t, ev); break;
	case EV_JOIN: on_join(t, ev); break;
	case EV_LEAVE: on_leave(t, ev); break;
	case EV_RENAME: on_rename(t, ev); break;
	case EV_ERROR:
		sending_answered(t, ev);
		say(t, SB_ERROR, ev);
		break;
	case EV_DONE: sending_answered(t, ev); break;
	case EV_SENDING: on_sending(t, ev); break;
	case EV_MISSED: say(t, SB_ERROR, ev); break;
	case EV_NOTICE:
	case EV_BYE:
	case EV_TOPIC:
	case EV_ROOMLIST: say(t, SB_NOTICE, ev); break;
	case EV_CURRENT: on_current(t, ev); break;
	default: break;
	}
	tui_status_update(t);
}
