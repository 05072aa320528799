/* SPDX-License-Identifier: ISC */
/* core.h - the client core that every front end drives: state, requests, events, exit status. */
#ifndef NATTER_CORE_H
#define NATTER_CORE_H

#include "addr.h"
#include "buf.h"
#include "command.h"
#include "errmsg.h"
#include "event.h"
#include "session.h"

/* natter's exit statuses (documented in --help). */
enum natter_exit {
	EXIT_CLEAN = 0,	    /* we quit and the server confirmed with BYE */
	EXIT_ERROR = 1,	    /* any other runtime failure */
	EXIT_USAGE = 2,	    /* bad command line */
	EXIT_NO_SERVER = 3, /* cannot connect */
	EXIT_REFUSED = 4,   /* ERROR instead of WELCOME */
	EXIT_LOST = 5,	    /* the server ended the connection without our asking */
	EXIT_KICKED = 6,    /* an operator or a teacher sent us off (BYE code 3): no reconnecting */
};

enum {
	HANDSHAKE_TIMEOUT_MS = 10000,	/* connect to WELCOME */
	QUIT_TIMEOUT_MS = 10000,	/* silence from the server while waiting for BYE */
	PING_INTERVAL_MS = 10000,	/* PING a server silent this long (NATTER_PING_MS) */
	LAG_SHOW_MS = 2000,		/* an answer this late is lag worth showing */
	PING_TIMEOUT_FACTOR = 3,	/* lost after this many intervals unanswered */
	MAX_BACKLOG_BYTES = 256 * 1024, /* stop taking input while this much is unsent */
	MAX_WHO_BYTES = 1024 * 1024,	/* a longer room listing is shown in parts */
	ROOM_NAME_BYTES = 256,
	CORE_MAX_ROOMS = 32, /* MAX_ROOMS_PER_CLIENT in PROTOCOL.md: the server's limit */
	CORE_ROOM_BYTES = MAX_ROOM_BYTES + 1,
};

/* One connection's keepalive (keepalive.c); times are mono_ms() milliseconds, 0 meaning none. */
struct keepalive {
	unsigned interval_ms; /* PING after this much silence */
	unsigned lag_ms;      /* lag is shown from this much */
	unsigned timeout_ms;  /* silence after an unanswered PING that ends the connection */
	uint64_t heard_ms;    /* when the server last sent anything */
	uint64_t asked_ms;    /* our first request since then */
	uint64_t ping_ms;     /* our PING, not answered yet */
	uint64_t token;	      /* its token */
};

/* A set of room names (as the server spells them), in the order they were added. */
struct core_rooms {
	char name[CORE_MAX_ROOMS][CORE_ROOM_BYTES];
	size_t n;
};

enum core_state {
	CORE_IDLE,	/* never connected */
	CORE_HANDSHAKE, /* HELLO sent, waiting for WELCOME */
	CORE_READY,	/* in a room */
	CORE_QUITTING,	/* QUIT sent, waiting for BYE */
	CORE_DONE,	/* finished: see core_status() and core_why() */
};

/* What a front end supplies: where events go. */
struct core_ops {
	void (*event)(void *ctx, const struct event *ev);
};

/* The core's state; front ends use the functions below, not the fields. */
struct core {
	struct session sess;
	enum core_state state;
	const struct core_ops *ops;
	void *ctx;
	bool quit_requested;
	char nick[MAX_NICK_BYTES + 1];
	char room[ROOM_NAME_BYTES];
	struct buf held;	/* requests made before WELCOME, sent after it */
	struct buf who_room;	/* the room of the WHOREPLY run being gathered */
	struct buf who_entries; /* its raw entries so far */
	size_t who_count;
	bool who_open;
	uint64_t deadline_ms; /* monotonic: end of the handshake or of the QUIT wait; 0 = none */
	int status;
	struct errmsg why;
	/* Rooms and resuming (PROTOCOL.md 3.4, 3.6). */
	char home[CORE_ROOM_BYTES];	 /* WELCOME's room: where parting the current room leads */
	unsigned roles;			 /* WELCOME's ROLE_* bits (protocol 3) */
	struct core_rooms joined;	 /* the rooms we are in on this connection */
	struct core_rooms rejoin;	 /* rooms to enter again after the next WELCOME */
	char want_room[CORE_ROOM_BYTES]; /* a /join that becomes current when its JOIN arrives */
	uint32_t want_tag;		 /* the tag of that ENTER: its DONE or ERROR settles it */
	uint32_t ref;			 /* the front end's reference for the next requests */
	uint32_t seq;			 /* the last reference the core chose itself */
	uint32_t frame_tag;		 /* the tag of the frame being turned into events */
	uint64_t last_id;		 /* the highest MSG id seen, on any connection */
	uint64_t start_id;		 /* natter --resume's id: a room's first ENTER's `after` */
	struct core_rooms resumed;	 /* rooms entered after start_id already (once each) */
	bool who_requested;		 /* the WHOREPLY run being gathered answers our WHO */
	uint32_t who_tag;		 /* the tag of its first frame */
	struct keepalive ka;		 /* PINGs to a silent server, lag, giving up */
	struct buf list_entries;	 /* raw ROOMLIST entries gathered so far */
	size_t list_count;
};

void core_init(struct core *c, const struct core_ops *ops, void *ctx);
void core_free(struct core *c);

/* Connect (or reconnect) to a and start the handshake; -1 with e and connect's errno on failure. */
int core_connect(struct core *c, const struct addr *a, const char *nick, struct errmsg *e);

/* The same over an already connected fd (for tests and socketpairs). */
int core_attach(struct core *c, int fd, const char *where, const char *nick, struct errmsg *e);

/* Requests, held until WELCOME: 0, or -1 with e (not connected, or a field too long). */
/* Say text in the current room. */
int core_say(struct core *c, struct str text, unsigned flags, struct errmsg *e);
/* List a room's members, or everyone on the server for an empty room. */
int core_who(struct core *c, struct str room, struct errmsg *e);
/* Enter room (history after `after`, 0: all); current when our JOIN comes, at once if in it. */
int core_join(struct core *c, struct str room, uint64_t after, struct errmsg *e);
/* Leave room (empty: the current one); leaving the current room makes #lobby current. */
int core_part(struct core *c, struct str room, struct str reason, struct errmsg *e);
/* Send QUIT once and wait (bounded) for BYE; later calls do nothing. */
int core_quit(struct core *c, struct str reason, struct errmsg *e);

/*
 * Carry out a parsed command that talks to the server: 0 when done, -1 with e,
 * or 1 if it is the front end's (help, unknown, missing argument).
 */
int core_exec(struct core *c, const struct command *cmd, struct errmsg *e);

/* The reference the next requests carry, and their answers' events in ev.tag (0: none). */
enum { CORE_REF_MAX = 0x7fffff };
void core_set_ref(struct core *c, uint32_t ref);

int core_fd(const struct core *c);
short core_poll_events(const struct core *c);
/* Milliseconds until core_tick has work, or -1 for none. */
int core_timeout_ms(const struct core *c, uint64_t now_ms);
/* Handle poll's revents for core_fd(); events are delivered from here. */
void core_handle(struct core *c, short revents);
/* Enforce the handshake and QUIT deadlines and the keepalive (now_ms from mono_ms()). */
void core_tick(struct core *c, uint64_t now_ms);
/* How long our oldest unanswered request or PING has waited, if worth showing; else 0. */
uint64_t core_lag_ms(const struct core *c, uint64_t now_ms);

/* Whether new commands are welcome (connected, not quitting). */
bool core_accepting(const struct core *c);
/* Whether so much output is queued that input should wait. */
bool core_backlogged(const struct core *c);

/* Stop now with this status and sentence (e.g. the front end's output failed). */
void core_abort(struct core *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

bool core_done(const struct core *c);
enum core_state core_state(const struct core *c);
/* The exit status, and a sentence saying why when it is not EXIT_CLEAN. */
int core_status(const struct core *c);
const char *core_why(const struct core *c);
/* Our nick as the server knows it, and the current room (empty before the first WELCOME). */
const char *core_nick_now(const struct core *c);
const char *core_room(const struct core *c);
/*
 * SCOPE_CLASSROOM, SCOPE_TEACHER: the commands beyond everyone's that the
 * server lets us use (WELCOME's roles; an older server's classroom is known
 * by its #announcements room). /help and completion offer those.
 */
unsigned core_scopes(const struct core *c);
/* The rooms we are in, in the order we entered them: i from 0 to core_room_count() - 1. */
size_t core_room_count(const struct core *c);
const char *core_room_at(const struct core *c, size_t i);
/* Whether we are in room (names compare without regard to case). */
bool core_in_room(const struct core *c, struct str room);
/* Make a room we are in the current one (EV_CURRENT follows); -1 with e if we are not in it. */
int core_switch(struct core *c, struct str room, struct errmsg *e);

/* The uid a UNIX server must run as (-1: its socket directory's owner; see addr_check_server). */
void core_expect_server_uid(struct core *c, long uid);
/* natter --resume: each room's first entry asks for what came after id (PROTOCOL.md 3.6). */
void core_set_resume(struct core *c, uint64_t id);
/* The highest message id seen, which a reconnect resumes after. */
uint64_t core_last_id(const struct core *c);

/* Show every frame in and out on t (natter --trace); NULL turns it off. */
void core_trace(struct core *c, struct trace_sink *t);
/* Make our writes to the server misbehave as f says (natter --lab-faults); NULL: behave. */
void core_lab_faults(struct core *c, const struct lab_faults *f);
/* The peer's address as text. */
const char *core_where(const struct core *c);

#endif
