/* SPDX-License-Identifier: ISC */
/* classroom.c - natterd --teachers: teachers, #announcements, /slow, /mute, /kick, hands. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "peercred.h"
#include "server.h"
#include "sys.h"
#include "text.h"

enum {
	HANDS_LISTED_MAX = 50, /* raised hands named in one /hands answer */
	NOTICE_MAX_BYTES = 2048,
};

int classroom_setup(struct server *s, struct errmsg *e)
{
	const char *name = s->cfg.teachers_group;
	struct group *g;
	uint64_t n;

	if (name == NULL)
		return 0;
	errno = 0;
	g = getgrnam(name);
	if (g != NULL) {
		s->cfg.teachers_gid = g->gr_gid;
	} else if (parse_u64(name, 0, (gid_t)-2, &n)) {
		s->cfg.teachers_gid = (gid_t)n;
		g = getgrgid((gid_t)n);
	} else {
		errmsg_set(e,
			   "there is no group '%s' for --teachers; name an existing Unix group or "
			   "its number",
			   name);
		return -1;
	}
	snprintf(s->cfg.teachers_name, sizeof s->cfg.teachers_name, "%s",
		 g != NULL ? g->gr_name : name);
	return 0;
}

/* Made before the transcripts are read, so the announcements logged earlier all fit. */
void classroom_rooms_init(struct server *s)
{
	uint32_t cap = s->rooms.history_cap;

	if (s->cfg.teachers_group == NULL)
		return;
	s->rooms.history_cap = ANNOUNCE_HISTORY;
	s->announce = room_create(&s->rooms, ANNOUNCE_ROOM, strlen(ANNOUNCE_ROOM));
	s->rooms.history_cap = cap;
	log_info("classroom: members of group %s (gid %lu) are teachers; %s keeps %d messages",
		 s->cfg.teachers_name, (unsigned long)s->cfg.teachers_gid, ANNOUNCE_ROOM,
		 ANNOUNCE_HISTORY);
}

/* Decided from the socket's credentials, never from the nick; TCP peers have none. */
void classroom_register(struct server *s, struct client *c)
{
	bool member = false;

	c->class.teacher = false;
	if (s->cfg.teachers_group == NULL || c->transport != TR_UNIX || !c->has_cred)
		return;
	if (peer_in_group(c->fd, s->cfg.teachers_gid, &member) < 0) {
		log_warn("classroom: cannot read the groups of client %llu (login %s): %s; it is a "
			 "student",
			 (unsigned long long)c->serial, c->login, strerror(errno));
		return;
	}
	c->class.teacher = member;
}

/* The same NOTICE to every registered teacher. */
static void notice_teachers(struct server *s, const char *text)
{
	for (size_t i = s->nfixed; i < s->nslots; i++) {
		struct client *t = s->clients[i];

		if (t->state == CS_READY && t->class.teacher)
			output_notice(s, t, text);
	}
}

/* Every teacher action goes to the log: who, what, to whom. */
static void log_action(const struct client *c, const char *what, const char *target)
{
	log_info("classroom: teacher %s (login %s) %s %s", c->nick, c->login, what, target);
}

void classroom_welcome(struct server *s, struct client *c)
{
	char text[256];

	if (!c->class.teacher || c->state != CS_READY)
		return;
	log_info("classroom: client %llu %s (login %s) is a teacher", (unsigned long long)c->serial,
		 c->nick, c->login);
	snprintf(text, sizeof text,
		 "you are a teacher here (group %s): /announce, /slow, /mute, /unmute, /kick, "
		 "/hands and /hand next",
		 s->cfg.teachers_name);
	output_notice(s, c, text);
}

/* Index of r in c->rooms, or -1. */
static int room_index(const struct client *c, const struct room *r)
{
	for (uint32_t i = 0; i < c->nrooms; i++)
		if (c->rooms[i] == r)
			return (int)i;
	return -1;
}

bool classroom_may_say(struct server *s, struct client *c, struct room *r)
{
	uint64_t now, wait_ms;
	int i;

	if (c->class.teacher || (r->slow_s == 0 && r != s->announce))
		return true;
	if (r == s->announce) {
		client_send_error(
		    s, c, ERR_READ_ONLY,
		    "%s is read-only: only teachers (members of group %s) speak there", r->name,
		    s->cfg.teachers_name);
		return false;
	}
	i = room_index(c, r);
	if (i < 0)
		return true;
	now = mono_ms();
	wait_ms = (uint64_t)r->slow_s * 1000;
	if (c->class.said_ms[i] != 0 && now - c->class.said_ms[i] < wait_ms) {
		uint64_t left = (wait_ms - (now - c->class.said_ms[i]) + 999) / 1000;

		client_send_error(s, c, ERR_SLOW_MODE,
				  "%s is in slow mode: one message every %u s; wait %llu s",
				  r->name, (unsigned)r->slow_s, (unsigned long long)left);
		return false;
	}
	c->class.said_ms[i] = now;
	return true;
}

/* The command a request type stands for, for sentences. */
static const char *command_of(const struct frame *f)
{
	switch (f->type) {
	case T_ANNOUNCE: return "/announce";
	case T_SLOW: return "/slow";
	case T_MUTE: return f->f[MUTE_ON].n ? "/mute" : "/unmute";
	case T_KICK: return "/kick";
	default: return f->f[HAND_OP].n == HAND_LIST ? "/hands" : "/hand next";
	}
}

/* Whether c may use a teacher's request; if not it is told why (ERR_NOT_TEACHER). */
static bool teacher_only(struct server *s, struct client *c, const struct frame *f)
{
	if (c->class.teacher)
		return true;
	if (s->cfg.teachers_group == NULL)
		client_send_error(s, c, ERR_NOT_TEACHER,
				  "this server has no teachers (natterd --teachers GROUP), so %s "
				  "is not available",
				  command_of(f));
	else
		client_send_error(s, c, ERR_NOT_TEACHER,
				  "only teachers (members of group %s) may %s",
				  s->cfg.teachers_name, command_of(f));
	log_info("classroom: client %llu %s (login %s) is not a teacher; %s refused",
		 (unsigned long long)c->serial, c->nick, c->login[0] ? c->login : "none, tcp",
		 command_of(f));
	return false;
}

/* ANNOUNCE is a SAY to #announcements, which only teachers may make. */
static void on_announce(struct server *s, struct client *c, const struct frame *f)
{
	struct frame say = {.type = T_SAY};

	say.f[SAY_TARGET].s = str_c(s->announce->name);
	say.f[SAY_TEXT].s = f->f[ANNOUNCE_TEXT].s;
	log_action(c, "announces in", s->announce->name);
	chat_handle(s, c, &say);
}

/* The room a request names, or c's current room (#lobby natively) when empty. */
static struct room *named_room(struct server *s, struct client *c, struct str name)
{
	struct room *r;

	if (name.len == 0)
		return c->line.current ? c->line.current : s->lobby;
	r = room_find(&s->rooms, name.p, name.len);
	if (r == NULL)
		client_send_error(s, c, ERR_NO_SUCH_TARGET,
				  "there is no room '%.*s' (/rooms lists them)",
				  (int)utf8_truncate(name.p, name.len, 64), name.p);
	return r;
}

static void on_slow(struct server *s, struct client *c, const struct frame *f)
{
	struct room *r = named_room(s, c, f->f[SLOW_ROOM].s);
	uint64_t secs = f->f[SLOW_SECONDS].n;
	char text[256], what[64];

	if (r == NULL)
		return;
	if (secs > MAX_SLOW_S) {
		client_send_error(
		    s, c, ERR_NOT_ALLOWED,
		    "slow mode is 1 to %d seconds between a student's messages, or 0 for off",
		    MAX_SLOW_S);
		return;
	}
	r->slow_s = (uint32_t)secs;
	if (secs > 0)
		snprintf(text, sizeof text,
			 "%s (teacher) set slow mode in %s: one message every %u s", c->nick,
			 r->name, (unsigned)secs);
	else
		snprintf(text, sizeof text, "%s (teacher) turned slow mode off in %s", c->nick,
			 r->name);
	snprintf(what, sizeof what, "set slow mode %u s in", (unsigned)secs);
	log_action(c, what, r->name);
	for (uint32_t i = 0; i < r->nmembers; i++)
		output_notice(s, r->members[i], text);
	if (!room_has_member(r, c))
		output_notice(s, c, text);
}

/* The registered client a MUTE or KICK names, if a teacher may act on it; else an ERROR. */
static struct client *student_named(struct server *s, struct client *c, struct str nick,
				    const char *verb)
{
	struct client *t = nicks_find(&s->nicks, nick.p, nick.len);

	if (t == NULL) {
		client_send_error(s, c, ERR_NO_SUCH_TARGET,
				  "nobody is called '%.*s' here; /who lists everyone",
				  (int)utf8_truncate(nick.p, nick.len, 64), nick.p);
		return NULL;
	}
	if (t->class.teacher) {
		client_send_error(s, c, ERR_NOT_ALLOWED,
				  "%s is a teacher; teachers cannot %s teachers (natterctl can)",
				  t->nick, verb);
		return NULL;
	}
	return t;
}

static void on_mute(struct server *s, struct client *c, const struct frame *f)
{
	bool on = f->f[MUTE_ON].n != 0;
	struct client *t = student_named(s, c, f->f[MUTE_NICK].s, on ? "mute" : "unmute");
	char text[128];

	if (t == NULL)
		return;
	log_action(c, on ? "mutes" : "unmutes", t->nick);
	if (t->muted == on) {
		snprintf(text, sizeof text, "%s is %s already", t->nick,
			 on ? "muted" : "not muted");
	} else {
		snprintf(text, sizeof text, "%s is %s", t->nick,
			 on ? "muted: their messages are not sent until you /unmute them"
			    : "unmuted");
		mod_mute(s, t, on, c->nick);
	}
	output_notice(s, c, text);
}

static void on_kick(struct server *s, struct client *c, const struct frame *f)
{
	struct client *t = student_named(s, c, f->f[KICK_NICK].s, "kick");
	char reason[MAX_REASON_BYTES + 1], text[128];
	struct str why = f->f[KICK_REASON].s;

	if (t == NULL)
		return;
	text_copy_reason(why.p, why.len, reason, MAX_REASON_BYTES);
	log_action(c, "kicks", t->nick);
	snprintf(text, sizeof text, "%s was kicked", t->nick);
	mod_kick(s, t, c->nick, reason);
	output_notice(s, c, text);
}

/* The first cap raised hands, oldest first, into list; returns how many there are in all. */
static size_t hands_queue(struct server *s, struct client **list, size_t cap)
{
	size_t n = 0, kept = 0;

	for (size_t i = s->nfixed; i < s->nslots; i++) {
		struct client *h = s->clients[i];
		size_t at;

		if (h->state != CS_READY || h->class.hand_seq == 0)
			continue;
		n++;
		/* Insertion sort into the first cap places: queues are short and listed rarely. */
		if (kept == cap) {
			if (cap == 0 || list[cap - 1]->class.hand_seq < h->class.hand_seq)
				continue;
			at = cap - 1; /* the newest kept one drops out */
		} else {
			at = kept++;
		}
		for (; at > 0 && list[at - 1]->class.hand_seq > h->class.hand_seq; at--)
			list[at] = list[at - 1];
		list[at] = h;
	}
	return n;
}

/* h's place in the queue, from 1. */
static size_t hand_place(struct server *s, const struct client *h)
{
	size_t place = 1;

	for (size_t i = s->nfixed; i < s->nslots; i++) {
		const struct client *o = s->clients[i];

		if (o->state == CS_READY && o->class.hand_seq != 0 &&
		    o->class.hand_seq < h->class.hand_seq)
			place++;
	}
	return place;
}

static void hand_raise(struct server *s, struct client *c)
{
	char text[160];

	if (c->class.teacher) {
		client_send_error(
		    s, c, ERR_NOT_ALLOWED,
		    "teachers do not raise hands; /hands lists the students' raised hands");
		return;
	}
	if (c->class.hand_seq != 0) {
		snprintf(text, sizeof text,
			 "your hand is already raised: you are number %zu in the queue",
			 hand_place(s, c));
		output_notice(s, c, text);
		return;
	}
	c->class.hand_seq = ++s->next_hand_seq;
	c->class.hand_ms = mono_ms();
	log_info("classroom: %s raised a hand", c->nick);
	snprintf(text, sizeof text,
		 "your hand is raised: you are number %zu in the queue; /hand down lowers it",
		 hand_place(s, c));
	output_notice(s, c, text);
	snprintf(text, sizeof text,
		 "%s raised a hand (number %zu in the queue); /hand next calls on the first",
		 c->nick, hand_place(s, c));
	notice_teachers(s, text);
}

static void hand_lower(struct server *s, struct client *c)
{
	char text[96];

	if (c->class.hand_seq == 0) {
		output_notice(s, c, "your hand was not raised");
		return;
	}
	c->class.hand_seq = 0;
	log_info("classroom: %s lowered a hand", c->nick);
	output_notice(s, c, "your hand is lowered");
	snprintf(text, sizeof text, "%s lowered a hand", c->nick);
	notice_teachers(s, text);
}

static void hand_list(struct server *s, struct client *c)
{
	struct client *list[HANDS_LISTED_MAX];
	size_t n = hands_queue(s, list, HANDS_LISTED_MAX),
	       shown = n < HANDS_LISTED_MAX ? n : HANDS_LISTED_MAX;
	uint64_t now = mono_ms();
	struct buf text = {0};

	log_action(c, "lists", "the raised hands");
	if (n == 0) {
		output_notice(s, c, "no hands are raised");
		return;
	}
	buf_printf(&text, "%zu hand%s raised, oldest first:", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < shown; i++)
		buf_printf(&text, "%s %zu. %s (%llu s)", i ? "," : "", i + 1, list[i]->nick,
			   (unsigned long long)((now - list[i]->class.hand_ms) / 1000));
	if (n > shown)
		buf_printf(&text, ", and %zu more", n - shown);
	buf_append(&text, "", 1);
	output_notice(s, c, (const char *)text.data);
	buf_free(&text);
}

static void hand_next(struct server *s, struct client *c)
{
	struct client *first;
	char text[NOTICE_MAX_BYTES];
	size_t n = hands_queue(s, &first, 1);

	if (n == 0) {
		output_notice(s, c, "no hands are raised");
		return;
	}
	first->class.hand_seq = 0;
	log_action(c, "calls on", first->nick);
	snprintf(text, sizeof text, "%s (teacher) calls on you", c->nick);
	output_notice(s, first, text);
	snprintf(text, sizeof text,
		 "%s (teacher) called on %s, who waited %llu s; %zu hand%s still raised", c->nick,
		 first->nick, (unsigned long long)((mono_ms() - first->class.hand_ms) / 1000),
		 n - 1, n - 1 == 1 ? " is" : "s are");
	notice_teachers(s, text);
}

static void on_hand(struct server *s, struct client *c, const struct frame *f)
{
	uint64_t op = f->f[HAND_OP].n;

	if (s->cfg.teachers_group == NULL && (op == HAND_RAISE || op == HAND_LOWER)) {
		client_send_error(s, c, ERR_NOT_ALLOWED,
				  "this server has no teachers (natterd --teachers GROUP), so no "
				  "one sees a raised hand");
		return;
	}
	if ((op == HAND_LIST || op == HAND_NEXT) && !teacher_only(s, c, f))
		return;
	switch (op) {
	case HAND_RAISE: hand_raise(s, c); break;
	case HAND_LOWER: hand_lower(s, c); break;
	case HAND_LIST: hand_list(s, c); break;
	case HAND_NEXT: hand_next(s, c); break;
	default:
		client_send_error(
		    s, c, ERR_NOT_ALLOWED,
		    "HAND op %llu is unknown; use /hand, /hand down, /hands or /hand next",
		    (unsigned long long)op);
		break;
	}
}

void classroom_handle(struct server *s, struct client *c, const struct frame *f)
{
	if (c->version < frame_type_since(f->type)) {
		client_send_error(s, c, ERR_UNKNOWN_TYPE,
				  "%s is a protocol version %u request; this connection spoke "
				  "version %u in HELLO",
				  frame_type_name(f->type), frame_type_since(f->type), c->version);
		return;
	}
	if (f->type == T_HAND) {
		on_hand(s, c, f);
		return;
	}
	if (!teacher_only(s, c, f))
		return;
	switch (f->type) {
	case T_ANNOUNCE: on_announce(s, c, f); break;
	case T_SLOW: on_slow(s, c, f); break;
	case T_MUTE: on_mute(s, c, f); break;
	case T_KICK: on_kick(s, c, f); break;
	default: break;
	}
}
