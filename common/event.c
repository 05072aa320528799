/* SPDX-License-Identifier: ISC */
/* event.c - server frames decoded into events, for the client core and natterd's line mode. */
#include "event.h"

#include <string.h>

/* One WHOREPLY or ROOMLIST frame's entries as an array in list (a frame checked by proto_decode).
 */
static void decode_list(struct event *ev, const struct frame *f, struct buf *list)
{
	const unsigned char *p = f->rest;
	size_t n = f->rest_len;

	buf_clear(list);
	if (f->type == T_WHOREPLY) {
		struct who_entry e;

		ev->kind = EV_WHO;
		ev->room = f->f[WHOREPLY_ROOM].s;
		while (who_next(&p, &n, &e) == 1)
			buf_append(list, &e, sizeof e);
		ev->who = (const void *)list->data; /* malloc'd: aligned for any type */
		ev->who_len = list->len / sizeof e;
	} else {
		struct field fl[MAX_FIELDS];
		struct room_entry r;

		ev->kind = EV_ROOMLIST;
		while (list_next(T_ROOMLIST, &p, &n, fl) == 1) {
			r = (struct room_entry){.name = fl[ROOME_NAME].s,
						.members = (uint32_t)fl[ROOME_MEMBERS].n,
						.topic = fl[ROOME_TOPIC].s};
			buf_append(list, &r, sizeof r);
		}
		ev->rooms = (const void *)list->data;
		ev->rooms_len = list->len / sizeof r;
	}
}

/* MSG, JOIN, LEAVE, RENAME and NOTICE carry their own time; the rest get now. */
static void decode_said(struct event *ev, const struct frame *f)
{
	const struct field *v = f->f;

	switch (f->type) {
	case T_MSG:
		*ev = (struct event){.kind = EV_MSG, .id = v[MSG_ID].n, .time = v[MSG_TIME].n};
		ev->room = v[MSG_TARGET].s;
		ev->nick = v[MSG_FROM].s;
		ev->text = v[MSG_TEXT].s;
		ev->action = (v[MSG_FLAGS].n & MSGF_ACTION) != 0;
		ev->history = (v[MSG_FLAGS].n & MSGF_HISTORY) != 0;
		ev->private_msg = ev->room.len == 0 || ev->room.p[0] != '#';
		break;
	case T_JOIN:
		*ev = (struct event){.kind = EV_JOIN, .time = v[JOIN_TIME].n};
		ev->room = v[JOIN_ROOM].s;
		ev->nick = v[JOIN_NICK].s;
		ev->login = v[JOIN_LOGIN].s;
		break;
	case T_LEAVE:
		*ev = (struct event){.kind = EV_LEAVE, .time = v[LEAVE_TIME].n};
		ev->room = v[LEAVE_ROOM].s;
		ev->nick = v[LEAVE_NICK].s;
		ev->reason = v[LEAVE_REASON].s;
		break;
	case T_RENAME:
		*ev = (struct event){.kind = EV_RENAME, .time = v[RENAME_TIME].n};
		ev->nick = v[RENAME_OLD].s;
		ev->new_nick = v[RENAME_NEW].s;
		break;
	default: /* T_NOTICE */
		*ev = (struct event){.kind = EV_NOTICE, .time = v[NOTICE_TIME].n};
		ev->text = v[NOTICE_TEXT].s;
		break;
	}
}

bool event_from_frame(struct event *ev, const struct frame *f, uint64_t now, struct buf *list)
{
	const struct field *v = f->f;

	switch (f->type) {
	case T_MSG:
	case T_JOIN:
	case T_LEAVE:
	case T_RENAME:
	case T_NOTICE: decode_said(ev, f); return true; /* the most frequent: first */
	default: *ev = (struct event){.time = now}; break;
	}
	switch (f->type) {
	case T_WELCOME:
		ev->kind = EV_WELCOME;
		ev->nick = v[WELCOME_NICK].s;
		ev->server = v[WELCOME_SERVER].s;
		ev->room = v[WELCOME_ROOM].s;
		ev->users = (uint32_t)v[WELCOME_USERS].n;
		return true;
	case T_ERROR:
		ev->kind = EV_ERROR;
		ev->code = (unsigned)v[ERROR_CODE].n;
		ev->text = v[ERROR_TEXT].s;
		return true;
	case T_BYE:
		ev->kind = EV_BYE;
		ev->code = (unsigned)v[BYE_CODE].n;
		ev->reason = v[BYE_REASON].s;
		return true;
	case T_DONE:
		ev->kind = EV_DONE;
		ev->id = v[DONE_ID].n;
		return true;
	case T_TOPICIS:
		ev->kind = EV_TOPIC;
		/* A room that never had a topic has no time for it: say when we heard. */
		if (v[TOPICIS_TIME].n != 0)
			ev->time = v[TOPICIS_TIME].n;
		ev->room = v[TOPICIS_ROOM].s;
		ev->nick = v[TOPICIS_NICK].s;
		ev->text = v[TOPICIS_TEXT].s;
		return true;
	case T_MISSED:
		ev->kind = EV_MISSED;
		ev->room = v[MISSED_ROOM].s;
		ev->count = v[MISSED_COUNT].n;
		ev->first = v[MISSED_FIRST].n;
		ev->exact = v[MISSED_EXACT].n != 0;
		return true;
	case T_WHOREPLY:
	case T_ROOMLIST:
		if (list != NULL)
			decode_list(ev, f, list);
		return list != NULL;
	default: return false;
	}
}
