/* SPDX-License-Identifier: ISC */
/* requests.c - what a front end asks of the server (say, who, join, part, quit, commands). */
#include <stdio.h>
#include <string.h>

#include "core_int.h"
#include "sys.h"
#include "text.h"

uint32_t core_next_tag(struct core *c, uint8_t type)
{
	uint32_t ref = c->ref;

	if (ref == 0) {
		c->seq = (c->seq % CORE_REF_MAX) + 1;
		ref = AUTO_REF | c->seq;
	}
	return ref << TAG_TYPE_BITS | type;
}

void core_set_ref(struct core *c, uint32_t ref)
{
	c->ref = ref == 0 ? 0 : (ref - 1) % CORE_REF_MAX + 1;
}

/* A SAY went out (or is held): the front end may show it unconfirmed until its echo (3.2). */
static void emit_sending(struct core *c, const struct frame *f)
{
	struct event ev = {.kind = EV_SENDING, .time = wall_ms()};
	uint32_t saved = c->frame_tag;

	ev.room = f->f[SAY_TARGET].s.len > 0 ? f->f[SAY_TARGET].s : str_c(DEFAULT_ROOM);
	ev.private_msg = ev.room.p[0] != '#';
	ev.nick = str_c(c->nick);
	ev.text = f->f[SAY_TEXT].s;
	ev.action = (f->f[SAY_FLAGS].n & MSGF_ACTION) != 0;
	ev.own = true;
	c->frame_tag = f->tag; /* the event is about this request */
	(void)core_emit(c, &ev);
	c->frame_tag = saved;
}

/* Tag a request (f->tag) and send it now, or hold it until WELCOME. */
static int request(struct core *c, struct frame *f, struct errmsg *e)
{
	/* BYE answers a QUIT, never DONE: a tag would serve nothing. */
	f->tag = f->type == T_QUIT ? 0 : core_next_tag(c, f->type);
	switch (c->state) {
	case CORE_HANDSHAKE:
		if (proto_encode(&c->held, f) < 0) {
			errmsg_set(
			    e,
			    "cannot send a %s request: a field is longer than the protocol allows",
			    frame_type_name(f->type));
			return -1;
		}
		break;
	case CORE_READY:
		if (session_send(&c->sess, f, e) < 0)
			return -1;
		keepalive_asked(&c->ka, mono_ms());
		break;
	case CORE_QUITTING:
	case CORE_IDLE:
	case CORE_DONE:
		errmsg_set(e, "%s; the request was not sent",
			   c->state == CORE_QUITTING ? "natter is quitting"
						     : "not connected to a server");
		return -1;
	}
	if (f->type == T_SAY)
		emit_sending(c, f);
	return 0;
}

/* Where our lines go: a /join on its way counts (requests are handled in order); "" is #lobby. */
static const char *speak_room(const struct core *c)
{
	return c->want_room[0] != '\0' ? c->want_room : c->room;
}

int core_say(struct core *c, struct str text, unsigned flags, struct errmsg *e)
{
	struct frame f = {.type = T_SAY};

	f.f[SAY_TARGET].s = str_c(speak_room(c));
	f.f[SAY_FLAGS].n = flags;
	f.f[SAY_TEXT].s = text;
	return request(c, &f, e);
}

int core_who(struct core *c, struct str room, struct errmsg *e)
{
	struct frame f = {.type = T_WHO, .f[WHO_TARGET].s = room};

	return request(c, &f, e);
}

int core_switch(struct core *c, struct str room, struct errmsg *e)
{
	int i = rooms_find(&c->joined, room);

	if (i < 0) {
		errmsg_set(e, "you are not in %.*s; /join it first",
			   (int)utf8_truncate(room.p, room.len, MAX_ROOM_BYTES), room.p);
		return -1;
	}
	snprintf(c->room, sizeof c->room, "%s", c->joined.name[i]);
	c->want_room[0] = '\0';
	core_emit_current(c);
	return 0;
}

int core_join(struct core *c, struct str room, uint64_t after, struct errmsg *e)
{
	struct frame f = {.type = T_ENTER};

	/* Checked here too, so that the lines after a mistyped /join stay where they are. */
	if (!room_valid(room.p, room.len)) {
		errmsg_set(e,
			   "'%.*s' is not a room name: use # and 1 to %d letters, digits, _ - or .",
			   (int)utf8_truncate(room.p, room.len, 64), room.p, MAX_ROOM_BYTES - 1);
		return -1;
	}
	/* Entering again would replay the room's history: just switch to it. */
	if (c->state == CORE_READY && rooms_find(&c->joined, room) >= 0)
		return core_switch(c, room, e);
	/* natter --resume: the first entry of a room in this run gets what we missed there. */
	if (after == 0 && c->start_id != 0 && rooms_find(&c->resumed, room) < 0) {
		after = c->start_id;
		rooms_add(&c->resumed, room);
	}
	f.f[ENTER_ROOM].s = room;
	f.f[ENTER_AFTER].n = after;
	/* Its DONE or ERROR says the server handled it (see enter_settled). */
	if (request(c, &f, e) < 0)
		return -1;
	core_copy_str(c->want_room, sizeof c->want_room, room);
	c->want_tag = f.tag;
	return 0;
}

/* room, or the current room (see speak_room) when room is empty. */
static struct str or_current(const struct core *c, struct str room)
{
	if (room.len > 0)
		return room;
	return str_c(speak_room(c)[0] != '\0' ? speak_room(c) : DEFAULT_ROOM);
}

int core_part(struct core *c, struct str room, struct str reason, struct errmsg *e)
{
	struct frame f = {.type = T_PART};

	room = or_current(c, room);
	reason.len = utf8_truncate(reason.p, reason.len, MAX_REASON_BYTES);
	f.f[PART_ROOM].s = room;
	f.f[PART_REASON].s = reason;
	if (request(c, &f, e) < 0)
		return -1;
	/* Not to be entered again by a reconnect that comes before our LEAVE. */
	rooms_remove(&c->rejoin, room);
	return 0;
}

int core_quit(struct core *c, struct str reason, struct errmsg *e)
{
	struct frame f = {.type = T_QUIT};

	if (!core_accepting(c))
		return 0;
	/* The server would cut a longer reason; cutting here keeps the frame small. */
	reason.len = utf8_truncate(reason.p, reason.len, MAX_REASON_BYTES);
	f.f[QUIT_REASON].s = reason;
	if (request(c, &f, e) < 0)
		return -1;
	c->quit_requested = true;
	if (c->state == CORE_READY) {
		c->state = CORE_QUITTING;
		c->deadline_ms = mono_ms() + QUIT_TIMEOUT_MS;
	}
	return 0;
}

/* /join: "dev" means "#dev", as in other chat clients. */
static int exec_join(struct core *c, struct str arg, struct errmsg *e)
{
	char name[ROOM_NAME_BYTES];

	if (arg.len > 0 && arg.p[0] == '#')
		return core_join(c, arg, 0, e);
	if (arg.len + 2 > sizeof name) {
		errmsg_set(e, "a room name is at most %d bytes, # included", MAX_ROOM_BYTES);
		return -1;
	}
	name[0] = '#';
	memcpy(name + 1, arg.p, arg.len);
	return core_join(c, str_n(name, arg.len + 1), 0, e);
}

int core_exec(struct core *c, const struct command *cmd, struct errmsg *e)
{
	struct frame f;
	const char *why = "";
	int rc;

	/* What the core keeps track of; every other command is just its request. */
	switch (cmd->kind) {
	case CMD_SAY: return core_say(c, cmd->arg, 0, e);
	case CMD_ME: return core_say(c, cmd->arg, MSGF_ACTION, e);
	case CMD_QUIT: return core_quit(c, cmd->arg, e);
	case CMD_JOIN: return exec_join(c, cmd->arg, e);
	case CMD_PART: return core_part(c, cmd->target, cmd->arg, e);
	default: break;
	}
	rc = command_request(cmd, or_current(c, str_c("")), &f, &why);
	if (rc < 0)
		errmsg_set(e, "%s", why);
	return rc <= 0 ? (rc < 0 ? -1 : 1) : request(c, &f, e);
}
