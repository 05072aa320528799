/* SPDX-License-Identifier: ISC */
/* event.h - one server event, decoded: what the client core tells a front end and words render. */
#ifndef NATTER_EVENT_H
#define NATTER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "proto.h"

enum event_kind {
	EV_WELCOME,  /* we are in: nick, server, room, users, where */
	EV_WHO,	     /* a whole room listing: room, who[0..who_len) */
	EV_MSG,	     /* id, time, room (the MSG target), nick (sender), text, action, history */
	EV_JOIN,     /* time, room, nick, login */
	EV_LEAVE,    /* time, room, nick, reason */
	EV_RENAME,   /* time, nick (old), new_nick */
	EV_NOTICE,   /* time, text */
	EV_ERROR,    /* code, text */
	EV_BYE,	     /* reason */
	EV_TOPIC,    /* time, room, nick (who set it), text (empty: no topic) */
	EV_ROOMLIST, /* every room on the server: rooms[0..rooms_len) */
	EV_MISSED,   /* room, count, first, exact: messages no longer kept while resuming */
	EV_CURRENT,  /* the current room (where lines are said) is now room */
	EV_DONE,     /* tag's request succeeded; id: the message its SAY made (protocol 3) */
	EV_SENDING,  /* a SAY of ours went out: room (target), nick, text, action, private_msg, req
		      */
};

/* One ROOMLIST entry. */
struct room_entry {
	struct str name;
	uint32_t members;
	struct str topic;
};

/*
 * One event. Strings are untrusted bytes from the network (sanitize before
 * display) and live only as long as the callback that receives the event.
 */
struct event {
	/*
	 * An enum event_kind, held in an int so that a front end's switch may
	 * leave out kinds added later; a front end ignores kinds it does not know.
	 */
	int kind;
	uint64_t time; /* ms since the epoch: the frame's time, or when it arrived */
	uint64_t id;
	unsigned code;
	uint32_t users;
	bool action;
	bool history;	   /* EV_MSG: replayed from the room's history, sent before we came in */
	const char *where; /* EV_WELCOME: the address we connected to */
	struct str room;
	struct str nick;
	struct str new_nick;
	struct str login;
	struct str server;
	struct str text;
	struct str reason;
	const struct who_entry *who;
	size_t who_len;
	/* Added with rooms; zero in events that do not use them. */
	bool private_msg; /* EV_MSG: a private message; room is then the recipient's nick */
	bool own;	  /* EV_MSG: we sent it */
	bool self;	  /* EV_JOIN, EV_LEAVE: we entered or left the room */
	bool
	    requested; /* EV_WHO: the answer to our WHO, not the listing that comes with entering */
	bool exact;    /* EV_MISSED: count is exact, not an upper bound */
	uint64_t count; /* EV_MISSED: how many messages are gone */
	uint64_t first; /* EV_MISSED: the oldest id still kept */
	const struct room_entry *rooms;
	size_t rooms_len;
	/*
	 * The reference (core_set_ref: headless uses the input line's number) of
	 * the request this event answers, from the frame's protocol 3 tag; 0 when
	 * it answers none (another user's message, an event of the room).
	 */
	uint32_t tag;
	/*
	 * The core's handle of that request (EV_SENDING: of the request just
	 * sent), set even when the front end gave no reference: the EV_DONE
	 * or EV_ERROR that ends a request has the req of its EV_SENDING.
	 * Opaque; 0 when the event answers no request.
	 */
	uint32_t req;
};

/*
 * Decode one frame from the server into ev, field by field: WELCOME, ERROR,
 * BYE, DONE, MSG, JOIN, LEAVE, RENAME, NOTICE, TOPICIS, MISSED, and, when
 * list is not NULL, one WHOREPLY or ROOMLIST frame's entries (held in list).
 * A frame without a time of its own (or a topic never set) gets now. False
 * for a frame that is no event (PING, PONG, a request). Left for the caller,
 * who knows who is reading: where, own, self, requested, tag and req.
 */
bool event_from_frame(struct event *ev, const struct frame *f, uint64_t now, struct buf *list);

#endif
