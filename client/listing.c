/* SPDX-License-Identifier: ISC */
/* listing.c - room listings: WHOREPLY and ROOMLIST runs gathered into one event each. */
#include <stdlib.h>
#include <string.h>

#include "core_int.h"
#include "sys.h"

/* Deliver the room listing gathered so far as one event. */
static int who_deliver(struct core *c)
{
	struct event ev = {.kind = EV_WHO, .time = wall_ms(), .who_len = c->who_count};
	const unsigned char *p = c->who_entries.data;
	size_t n = c->who_entries.len;
	struct who_entry *list = xcalloc(c->who_count, sizeof *list);
	uint32_t saved = c->frame_tag;
	int stop;

	/* The entries were checked when they arrived, so who_next cannot fail here. */
	for (size_t i = 0; i < c->who_count; i++)
		(void)who_next(&p, &n, &list[i]);
	ev.room = str_n((const char *)c->who_room.data, c->who_room.len);
	ev.who = list;
	ev.requested = c->who_requested;
	/* The listing answers the request of its first frame, whatever frame ends it. */
	c->frame_tag = c->who_tag;
	stop = core_emit(c, &ev);
	c->frame_tag = saved;
	free(list);
	buf_clear(&c->who_entries);
	c->who_count = 0;
	c->who_open = false;
	return stop;
}

/* The bytes of f's count list entries; 0 with the client ended if one is malformed. */
static size_t entries_bytes(struct core *c, const struct frame *f, size_t count)
{
	const unsigned char *p = f->rest;
	size_t left = f->rest_len;
	struct field fl[MAX_FIELDS];

	for (size_t i = 0; i < count; i++) {
		if (list_next(f->type, &p, &left, fl) != 1) {
			core_abort(c, EXIT_ERROR,
				   "the server at %s sent a malformed %s frame; disconnecting",
				   c->sess.where, frame_type_name(f->type));
			return 0;
		}
	}
	return f->rest_len - left;
}

/* Gather WHOREPLY frames until one says more=0, then deliver the whole listing. */
int core_on_whoreply(struct core *c, const struct frame *f)
{
	struct str room = f->f[WHOREPLY_ROOM].s;
	size_t count = (size_t)f->f[WHOREPLY_COUNT].n;
	size_t used = entries_bytes(c, f, count);
	bool fresh = !c->who_open || c->who_room.len != room.len ||
		     (room.len > 0 && memcmp(c->who_room.data, room.p, room.len) != 0);

	if (core_done(c))
		return 1;
	/* Another room's listing ends the run; a long one goes out in parts. */
	if (c->who_open && (fresh || c->who_entries.len + used > MAX_WHO_BYTES) && who_deliver(c))
		return 1;
	if (fresh) {
		/* A new run: an answer to our WHO (its tag says so), or the listing of an ENTER. */
		c->who_requested = (f->tag & ((1u << TAG_TYPE_BITS) - 1)) == T_WHO;
		c->who_tag = f->tag;
		buf_clear(&c->who_room);
		buf_append(&c->who_room, room.p, room.len);
	}
	c->who_open = true;
	buf_append(&c->who_entries, f->rest, used);
	c->who_count += count;
	return f->f[WHOREPLY_MORE].n ? 0 : who_deliver(c);
}

/* Deliver the ROOMLIST entries gathered so far as one event. */
static int roomlist_deliver(struct core *c)
{
	struct event ev = {.kind = EV_ROOMLIST, .time = wall_ms(), .rooms_len = c->list_count};
	const unsigned char *p = c->list_entries.data;
	size_t n = c->list_entries.len;
	struct room_entry *list = xcalloc(c->list_count, sizeof *list);
	struct field fl[MAX_FIELDS];
	int stop;

	/* The entries were checked when they arrived, so list_next cannot fail here. */
	for (size_t i = 0; i < c->list_count && list_next(T_ROOMLIST, &p, &n, fl) == 1; i++) {
		list[i].name = fl[ROOME_NAME].s;
		list[i].members = (uint32_t)fl[ROOME_MEMBERS].n;
		list[i].topic = fl[ROOME_TOPIC].s;
	}
	ev.rooms = list;
	stop = core_emit(c, &ev);
	free(list);
	buf_clear(&c->list_entries);
	c->list_count = 0;
	return stop;
}

/* Gather ROOMLIST frames until one says more=0, then deliver the whole list. */
int core_on_roomlist(struct core *c, const struct frame *f)
{
	size_t count = (size_t)f->f[ROOMLIST_COUNT].n;
	size_t used = entries_bytes(c, f, count);

	if (core_done(c))
		return 1;
	if (c->list_entries.len + used > MAX_WHO_BYTES && c->list_count > 0 && roomlist_deliver(c))
		return 1;
	buf_append(&c->list_entries, f->rest, used);
	c->list_count += count;
	return f->f[ROOMLIST_MORE].n ? 0 : roomlist_deliver(c);
}
