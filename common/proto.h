/* SPDX-License-Identifier: ISC */
/* proto.h - the natter wire protocol (PROTOCOL.md): frame types, limits, codec. */
#ifndef NATTER_PROTO_H
#define NATTER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum {
	PROTO_VERSION = 3,     /* what we speak and our client sends */
	PROTO_MIN_VERSION = 1, /* the oldest HELLO version natterd still accepts */
	FRAME_HEADER_BYTES = 4,
	MAX_BODY_BYTES = 65536,
	MAX_FRAME_BYTES = FRAME_HEADER_BYTES + MAX_BODY_BYTES,
	MAX_NICK_BYTES = 24,
	MAX_TEXT_BYTES = 4096,
	MAX_REASON_BYTES = 200,
	MAX_TOPIC_BYTES = 300,
	MAX_ROOM_BYTES = 32,
	MAX_LINE_BYTES = 4200,
	MAX_FIELDS = 8,
};

#define DEFAULT_ROOM "#lobby"
/* The read-only room of a classroom server (natterd --teachers). */
#define ANNOUNCE_ROOM "#announcements"

enum frame_type {
	T_HELLO = 0x01,
	T_WELCOME = 0x02,
	T_ERROR = 0x03,
	T_BYE = 0x04,
	T_PING = 0x05,
	T_PONG = 0x06,
	T_SAY = 0x10,
	T_NICK = 0x11,
	T_WHO = 0x12,
	T_QUIT = 0x13,
	T_ENTER = 0x14,
	T_PART = 0x15,
	T_LIST = 0x16,
	T_TOPIC = 0x17,
	T_AWAY = 0x18,
	T_ANNOUNCE = 0x19, /* version 2 on: the classroom requests */
	T_SLOW = 0x1a,
	T_MUTE = 0x1b,
	T_KICK = 0x1c,
	T_HAND = 0x1d,
	T_MSG = 0x20,
	T_JOIN = 0x21,
	T_LEAVE = 0x22,
	T_RENAME = 0x23,
	T_WHOREPLY = 0x24,
	T_NOTICE = 0x25,
	T_TOPICIS = 0x26,
	T_ROOMLIST = 0x27,
	T_MISSED = 0x28,
	T_DONE = 0x29, /* version 3 on: a tagged request is complete */
};

/* Who may send a frame type. */
enum frame_dir { DIR_C2S = 1, DIR_S2C = 2, DIR_BOTH = 3 };

/* MSG and SAY flags. */
enum { MSGF_ACTION = 0x01, MSGF_HISTORY = 0x02 };

/* HAND ops: a student raises or lowers a hand, a teacher lists the queue or calls on its first. */
enum hand_op { HAND_RAISE = 0, HAND_LOWER = 1, HAND_LIST = 2, HAND_NEXT = 3 };

/* Why the server closed a version 3 connection (BYE's code). */
enum bye_code {
	BYE_UNSAID = 0,	  /* versions 1 and 2: no code */
	BYE_QUIT = 1,	  /* the client's own QUIT */
	BYE_SHUTDOWN = 2, /* the server is stopping; reconnect later */
	BYE_KICKED = 3,	  /* an operator or a teacher sent the client off */
	BYE_TOO_SLOW = 4, /* it left too much unread */
	BYE_FLOODING = 5, /* it sent too much for too long */
};

/* Whether a client may reconnect by itself after a BYE with this code. */
static inline bool bye_may_reconnect(unsigned code)
{
	return code != BYE_QUIT && code != BYE_KICKED;
}

/* WELCOME's roles (version 3): what the client may do on this server. */
enum { ROLE_CLASSROOM = 0x01, ROLE_TEACHER = 0x02 };

/* WHOREPLY entry flags. */
enum { WHOF_NOID = 0x01, WHOF_AWAY = 0x02 };

enum error_code {
	ERR_VERSION = 100,
	ERR_MALFORMED = 101,
	ERR_FRAME_SIZE = 102,
	ERR_UNKNOWN_TYPE = 103,
	ERR_NOT_REGISTERED = 104,
	ERR_SERVER_FULL = 105,
	ERR_TIMEOUT = 106,
	ERR_NICK_INVALID = 200,
	ERR_NICK_TAKEN = 201,
	ERR_BAD_TEXT = 202,
	ERR_TEXT_TOO_LONG = 203,
	ERR_NO_SUCH_TARGET = 204,
	ERR_ROOM_INVALID = 205,
	ERR_ROOM_LIMIT = 206,
	ERR_NOT_ALLOWED = 207,
	ERR_RATE_LIMITED = 208,
	ERR_MUTED = 209,
	ERR_NOT_TEACHER = 210,
	ERR_READ_ONLY = 211,
	ERR_SLOW_MODE = 212,
};

/* A 1xx error always ends the connection. */
static inline bool error_is_fatal(unsigned code)
{
	return code >= 100 && code < 200;
}

/* A string field: a view into the frame body, not NUL-terminated. */
struct str {
	const char *p;
	size_t len;
};

/* One decoded field: integers in n, strings in s. */
struct field {
	uint64_t n;
	struct str s;
};

/* A decoded frame: fields by the per-type enums below; strings point into the decoded body. */
struct frame {
	uint8_t type;
	struct field f[MAX_FIELDS];
	/* Bytes after the fixed fields: a list frame's entries, or ignored extensions. */
	const unsigned char *rest;
	size_t rest_len;
	/* Version 3's request tag, echoed by the server on every frame that answers it alone. */
	uint32_t tag;
};

/* Field indexes, one enum per frame type (see PROTOCOL.md section 3). */
enum { HELLO_VERSION, HELLO_NICK, HELLO_CLIENT, HELLO_RESUME };
enum { WELCOME_VERSION, WELCOME_NICK, WELCOME_SERVER, WELCOME_ROOM, WELCOME_USERS, WELCOME_ROLES };
enum { ERROR_CODE, ERROR_TEXT };
enum { BYE_REASON, BYE_CODE };
enum { PING_TOKEN };
enum { SAY_TARGET, SAY_FLAGS, SAY_TEXT };
enum { NICK_NICK };
enum { WHO_TARGET };
enum { QUIT_REASON };
enum { ENTER_ROOM, ENTER_AFTER };
enum { PART_ROOM, PART_REASON };
enum { TOPIC_ROOM, TOPIC_SET, TOPIC_TEXT };
enum { AWAY_TEXT };
enum { ANNOUNCE_TEXT };
enum { SLOW_ROOM, SLOW_SECONDS };
enum { MUTE_NICK, MUTE_ON };
enum { KICK_NICK, KICK_REASON };
enum { HAND_OP };
enum { MSG_ID, MSG_TIME, MSG_TARGET, MSG_FROM, MSG_FLAGS, MSG_TEXT };
enum { JOIN_TIME, JOIN_ROOM, JOIN_NICK, JOIN_LOGIN };
enum { LEAVE_TIME, LEAVE_ROOM, LEAVE_NICK, LEAVE_REASON };
enum { RENAME_TIME, RENAME_OLD, RENAME_NEW };
enum { WHOREPLY_ROOM, WHOREPLY_MORE, WHOREPLY_COUNT };
enum { NOTICE_TIME, NOTICE_TEXT };
enum { TOPICIS_TIME, TOPICIS_ROOM, TOPICIS_NICK, TOPICIS_TEXT };
enum { ROOMLIST_MORE, ROOMLIST_COUNT };
enum { MISSED_ROOM, MISSED_COUNT, MISSED_FIRST, MISSED_EXACT };
enum { DONE_TAG, DONE_ID };
/* Entry fields of WHOREPLY and ROOMLIST lists. */
enum { WHOE_NICK, WHOE_LOGIN, WHOE_IDLE, WHOE_FLAGS, WHOE_AWAY, WHOE_ROOMS };
enum { ROOME_NAME, ROOME_MEMBERS, ROOME_TOPIC };

/* One WHOREPLY entry. */
struct who_entry {
	struct str nick;
	struct str login;
	uint32_t idle;
	uint8_t flags;
	struct str away;
	struct str rooms;
};

/* The wire version that first defined a frame type (1, 2 or 3); 0 if unknown. */
unsigned frame_type_since(uint8_t type);
/* Name of a frame type ("HELLO"), or NULL if the type is unknown. */
const char *frame_type_name(uint8_t type);
/* Which side may send the type; 0 if unknown. */
enum frame_dir frame_type_dir(uint8_t type);
/*
 * A type's wire layout: a letter per field (b u8, h u16, w u32, q u64, s str)
 * and their names; opt: an optional last field; a list type's entries alike.
 */
struct frame_layout {
	uint8_t type;
	enum frame_dir dir;
	unsigned since; /* the wire version that first defined it */
	const char *name;
	const char *fields;
	const char *names;
	const char *opt;
	const char *entry_fields;
	const char *entry_names;
};
/* The layout of a frame type, or NULL if the type is unknown. */
const struct frame_layout *frame_layout(uint8_t type);
/* Short name of an error code ("ERR_NICK_TAKEN"), or "ERR_UNKNOWN". */
const char *error_code_name(unsigned code);

/* The first frame's size if whole, 0 if more bytes are needed, -1 if its length is invalid. */
long frame_complete(const unsigned char *p, size_t n);
/* Body length declared by a full 4-byte header. */
uint32_t frame_body_len(const unsigned char *hdr);

/* Decode one body (type byte first): 0, ERR_FRAME_SIZE, ERR_UNKNOWN_TYPE or ERR_MALFORMED. */
int proto_decode(const unsigned char *body, size_t len, struct frame *f);

/* Append a whole frame to out: 0, or -1 (out unchanged) if the type is unknown or it is too big. */
int proto_encode(struct buf *out, const struct frame *f);

/* Append the whole frames in p[0..n) to out, each tagged; -1 if one would grow too large. */
int proto_tag_frames(struct buf *out, const unsigned char *p, size_t n, uint32_t tag);

/* Build helpers for struct frame. */
struct str str_c(const char *s);
struct str str_n(const char *s, size_t n);
bool str_eq(struct str a, const char *b);

/* Building a list frame: add is false when it is full (finish it with more, begin another). */
struct list_builder {
	struct buf *out;
	size_t start;
	size_t more_at;
	uint16_t count;
	uint8_t type;
};
void list_begin(struct list_builder *l, struct buf *out, const struct frame *head);
bool list_add(struct list_builder *l, const struct field *entry);
void list_finish(struct list_builder *l, bool more);

/* Iterate the entries of a list frame of type: 1 with entry filled, 0 at end, -1 if malformed. */
int list_next(uint8_t type, const unsigned char **p, size_t *n, struct field *entry);

/* WHOREPLY in terms of struct who_entry. */
void who_begin(struct list_builder *w, struct buf *out, struct str room);
bool who_add(struct list_builder *w, const struct who_entry *e);
void who_finish(struct list_builder *w, bool more);
int who_next(const unsigned char **p, size_t *n, struct who_entry *e);

#endif
