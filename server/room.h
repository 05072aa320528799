/* SPDX-License-Identifier: ISC */
/* room.h - chat rooms: members, topic, and the history kept for late joiners and resumes. */
#ifndef NATTER_ROOM_H
#define NATTER_ROOM_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "proto.h"
#include "translog.h"

struct client;

enum {
	MAX_ROOMS = 1024,
	MAX_ROOMS_PER_CLIENT = 32,
	DEFAULT_HISTORY = 200,
	MAX_HISTORY = 100000,
	/* A larger room tells joins and leaves only to the one who moves, and lists fewer. */
	LARGE_ROOM_MEMBERS = 1000,
	LARGE_ROOM_WHO = 100,
	ANNOUNCE_HISTORY = 1000, /* kept in #announcements (--teachers) whatever --history says */
	MAX_SLOW_S = 3600,	 /* the longest /slow interval */
};

/* A kept message: its encoded MSG frame (shared with the live broadcast). */
struct hist_entry {
	struct shbuf *frame;
	uint64_t id;
};

struct room {
	char name[MAX_ROOM_BYTES + 1];
	char topic[MAX_TOPIC_BYTES + 1];
	char topic_by[MAX_NICK_BYTES + 1];
	uint64_t topic_time;
	struct client **members;
	uint32_t nmembers;
	uint32_t members_cap;
	/* The last `history_cap` messages, oldest first, as a ring. */
	struct hist_entry *hist;
	uint32_t hist_head;
	uint32_t hist_count;
	uint32_t hist_cap;
	/* Ids of the last hist_cap messages forgotten, to tell a resuming client what it missed. */
	uint64_t *gone;
	uint32_t gone_head;
	uint32_t gone_count;
	uint64_t gone_total; /* every message ever forgotten */
	uint32_t slow_s;     /* /slow: a student may speak once per this many seconds; 0 = off */
	struct translog log; /* with --log: its transcript and the lines waiting for it */
};

/* All rooms of a server. */
struct rooms {
	struct room **list;
	uint32_t count;
	uint32_t history_cap;
};

/* Find a room by name, without regard to case; NULL if there is none. */
struct room *room_find(struct rooms *rs, const char *name, size_t len);

/* Create a room (the caller checked the name and the limit). */
struct room *room_create(struct rooms *rs, const char *name, size_t len);

/* Add or remove a member; both keep the member list unordered. */
void room_add_member(struct room *r, struct client *c);
void room_remove_member(struct room *r, struct client *c);
bool room_has_member(const struct room *r, const struct client *c);

/* Keep an encoded MSG frame with its id, forgetting the oldest if full. */
void room_keep(struct room *r, struct shbuf *frame, uint64_t id);

/*
 * Append to out every kept message with id > after, each with its HISTORY
 * flag set. Sets *missed to how many messages with id > after are no longer
 * kept (an upper bound if even their ids are forgotten: *exact is false).
 */
void room_replay(const struct room *r, uint64_t after, struct buf *out, uint64_t *missed,
		 bool *exact);

/* Id of the oldest kept message, 0 if none. */
uint64_t room_first_kept(const struct room *r);

static inline bool room_is_large(const struct room *r)
{
	return r->nmembers > LARGE_ROOM_MEMBERS;
}

/* Release every room. */
void rooms_free(struct rooms *rs);

#endif
