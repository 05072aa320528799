/* event.h - what the client core tells a front end: one server event, decoded. */
#ifndef NATTER_EVENT_H
#define NATTER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

enum event_kind {
	EV_WELCOME, /* we are in: nick, server, room, users, where */
	EV_WHO,     /* a whole room listing: room, who[0..who_len) */
	EV_MSG,     /* id, time, room (the MSG target), nick (sender), text, action */
	EV_JOIN,    /* time, room, nick, login */
	EV_LEAVE,   /* time, room, nick, reason */
	EV_RENAME,  /* time, nick (old), new_nick */
	EV_NOTICE,  /* time, text */
	EV_ERROR,   /* code, text */
	EV_BYE,     /* reason */
};

/*
 * One event. Strings are untrusted bytes from the network (sanitize before
 * display) and live only as long as the callback that receives the event.
 */
struct event {
	enum event_kind kind;
	uint64_t time; /* ms since the epoch: the frame's time, or when it arrived */
	uint64_t id;
	unsigned code;
	uint32_t users;
	bool action;
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
};

#endif
