/* SPDX-License-Identifier: ISC */
/* room.c - room membership, topics and the bounded history of each room. */
#include "room.h"

#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "text.h"

struct room *room_find(struct rooms *rs, const char *name, size_t len)
{
	/* A linear scan: rooms are few (MAX_ROOMS) and looked up per request, not per message. */
	for (uint32_t i = 0; i < rs->count; i++)
		if (nick_equal(rs->list[i]->name, strlen(rs->list[i]->name), name, len))
			return rs->list[i];
	return NULL;
}

struct room *room_create(struct rooms *rs, const char *name, size_t len)
{
	struct room *r = xcalloc(1, sizeof *r);

	memcpy(r->name, name, len);
	r->name[len] = '\0';
	r->log.fd = -1;
	r->hist_cap = rs->history_cap;
	rs->list = xrealloc(rs->list, (rs->count + 1) * sizeof *rs->list);
	rs->list[rs->count++] = r;
	return r;
}

void room_add_member(struct room *r, struct client *c)
{
	if (r->nmembers == r->members_cap) {
		r->members_cap = r->members_cap ? r->members_cap * 2 : 8;
		r->members = xrealloc(r->members, r->members_cap * sizeof *r->members);
	}
	r->members[r->nmembers++] = c;
}

void room_remove_member(struct room *r, struct client *c)
{
	for (uint32_t i = 0; i < r->nmembers; i++) {
		if (r->members[i] == c) {
			r->members[i] = r->members[--r->nmembers];
			return;
		}
	}
}

bool room_has_member(const struct room *r, const struct client *c)
{
	for (uint32_t i = 0; i < r->nmembers; i++)
		if (r->members[i] == c)
			return true;
	return false;
}

/* Remember that message id is gone from history. */
static void remember_gone(struct room *r, uint64_t id)
{
	if (r->gone == NULL)
		r->gone = xmalloc(r->hist_cap * sizeof *r->gone);
	if (r->gone_count == r->hist_cap) {
		r->gone_head = (r->gone_head + 1) % r->hist_cap;
		r->gone_count--;
	}
	r->gone[(r->gone_head + r->gone_count) % r->hist_cap] = id;
	r->gone_count++;
	r->gone_total++;
}

void room_keep(struct room *r, struct shbuf *frame, uint64_t id)
{
	struct hist_entry *e;

	if (r->hist_cap == 0)
		return;
	if (r->hist == NULL)
		r->hist = xmalloc(r->hist_cap * sizeof *r->hist);
	if (r->hist_count == r->hist_cap) {
		e = &r->hist[r->hist_head];
		remember_gone(r, e->id);
		shbuf_unref(e->frame);
		r->hist_head = (r->hist_head + 1) % r->hist_cap;
		r->hist_count--;
	}
	e = &r->hist[(r->hist_head + r->hist_count) % r->hist_cap];
	e->frame = shbuf_ref(frame);
	e->id = id;
	r->hist_count++;
}

uint64_t room_first_kept(const struct room *r)
{
	return r->hist_count ? r->hist[r->hist_head].id : 0;
}

/* Offset of the flags byte in an encoded MSG frame (header included). */
static size_t msg_flags_offset(const unsigned char *p)
{
	size_t at = FRAME_HEADER_BYTES + 1 + 8 + 8; /* type, id, time */

	at += 2 + ((size_t)p[at] << 8 | p[at + 1]); /* target */
	at += 2 + ((size_t)p[at] << 8 | p[at + 1]); /* from */
	return at;
}

void room_replay(const struct room *r, uint64_t after, struct buf *out, uint64_t *missed,
		 bool *exact)
{
	*missed = 0;
	*exact = true;
	for (uint32_t i = 0; i < r->gone_count; i++)
		if (r->gone[(r->gone_head + i) % r->hist_cap] > after)
			(*missed)++;
	/* Ids forgotten before the remembered ones are unknown: count them all (an upper bound). */
	if (r->gone_total > r->gone_count && r->gone_count > 0 &&
	    r->gone[r->gone_head] > after + 1) {
		*missed += r->gone_total - r->gone_count;
		*exact = false;
	}
	for (uint32_t i = 0; i < r->hist_count; i++) {
		const struct hist_entry *e = &r->hist[(r->hist_head + i) % r->hist_cap];
		size_t at;

		if (e->id <= after)
			continue;
		at = out->len + msg_flags_offset(e->frame->data);
		buf_append(out, e->frame->data, e->frame->len);
		out->data[at] |= MSGF_HISTORY;
	}
}

void rooms_free(struct rooms *rs)
{
	for (uint32_t i = 0; i < rs->count; i++) {
		struct room *r = rs->list[i];

		for (uint32_t j = 0; j < r->hist_count; j++)
			shbuf_unref(r->hist[(r->hist_head + j) % r->hist_cap].frame);
		translog_close(&r->log);
		free(r->hist);
		free(r->gone);
		free(r->members);
		free(r);
	}
	free(rs->list);
	rs->list = NULL;
	rs->count = 0;
}
