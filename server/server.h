/* SPDX-License-Identifier: ISC */
/* server.h - natterd's state: the listeners, the clients, and the one poll loop. */
#ifndef NATTER_SERVER_H
#define NATTER_SERVER_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "bucket.h"
#include "buf.h"
#include "outq.h"
#include "proto.h"
#include "nicks.h"
#include "room.h"
#include "sigpipe.h"
#include "trace.h"

enum {
	MAX_LISTENERS = 8,
	MAX_PASSED_FDS = MAX_LISTENERS + 1, /* LISTEN_FDS: the listeners and one control socket */
	CTL_DGRAMS_PER_PASS = 32,	    /* control requests read per loop pass */
	CTL_RETRY_MS = 10,	   /* a reply the requester's queue refused is retried this often */
	CTL_SEND_GIVEUP_MS = 2000, /* ... and given up after this long */
	CTL_QUEUE_MAX_BYTES = 8 * 1024 * 1024, /* replies waiting to be sent, all requesters */
	MAX_LOGIN_BYTES = 32,
	PRE_HELLO_MAX_BYTES = 512, /* largest frame accepted before HELLO */
	ACCEPTS_PER_LOOP = 64,	   /* so a connect storm cannot starve traffic */
	READ_CHUNK_BYTES = 65536,
	TICK_MS = 1000,		  /* housekeeping period (timeouts, pings) */
	CLOSE_GRACE_MS = 5000,	  /* how long a closing client may take to drain */
	SHUTDOWN_GRACE_MS = 2000, /* how long shutdown waits for clients to drain */
	DEFAULT_MAX_QUEUE_BYTES = 1024 * 1024,
	DEFAULT_HELLO_TIMEOUT_S = 10,
	DEFAULT_PING_INTERVAL_S = 30,
	DEFAULT_PING_TIMEOUT_S = 30,
	FD_RESERVE = 16,	      /* descriptors kept back from --max-clients */
	DEFAULT_RATE = 5,	      /* messages a second per client (--rate) */
	DEFAULT_BURST = 10,	      /* messages sent at once before the rate applies (--burst) */
	FLOOD_DROP_S = 60,	      /* held back by the rate limit this long: dropped */
	DEFAULT_FRAME_TIMEOUT_S = 10, /* a frame left unfinished this long: dropped (slowloris) */
	DEFAULT_SOFT_QUEUE_BYTES = 256 * 1024,
	DEFAULT_SOFT_QUEUE_S = 10,   /* above the soft queue cap this long: dropped */
	DEFAULT_MAX_PER_UID = 16384, /* connections from one local user */
	BATCH_MAX_BYTES = 64 * 1024, /* a room's messages collected into one buffer */
};

enum transport { TR_UNIX, TR_TCP };

enum client_state {
	CS_HELLO,   /* connected, waiting for HELLO */
	CS_READY,   /* registered: in the room */
	CS_CLOSING, /* BYE or ERROR queued: draining, reading nothing more */
	CS_DEAD,    /* closed; its slot is reclaimed at the end of the loop pass */
};

/* A client's classroom state, owned by classroom.c. */
struct class_state {
	bool teacher;				/* in the --teachers group */
	uint64_t said_ms[MAX_ROOMS_PER_CLIENT]; /* beside client.rooms[]: its last message there */
	uint64_t hand_seq; /* its place in the raised-hand queue; 0 when its hand is down */
	uint64_t hand_ms;  /* when it raised its hand */
};

/* A plain-text client's state (PROTOCOL.md 3.8), owned by linemode.c. */
struct line_state {
	bool on;	      /* the client speaks line mode */
	bool skipping;	      /* dropping the rest of an overlong line */
	struct room *current; /* where plain lines go */
	struct buf held;      /* held back: the bytes from the next unhandled line on */
};

/*
 * A client's share of the server, owned by flood.c. Held: whole requests wait
 * unread (in rbuf or line.held) while it is out of tokens (throttled, until
 * resume_ms) or its own output queue is over the soft cap (until a flush).
 */
struct flood_state {
	struct bucket bucket; /* --rate and --burst */
	bool held;
	bool listed;	/* in server.held */
	bool throttled; /* held for want of a token */
	uint64_t resume_ms;
	bool warned;
	uint64_t throttled_since_ms;
	uint64_t over_soft_since_ms; /* queue above the soft cap since then */
};

struct client {
	int fd;
	uint32_t slot; /* index in server.pfds and server.clients */
	enum client_state state;
	enum transport transport;
	uint64_t serial; /* connection number, for the log */
	char nick[MAX_NICK_BYTES + 1];
	char login[MAX_LOGIN_BYTES + 1]; /* from SO_PEERCRED; empty on TCP */
	bool has_cred;
	uid_t uid;
	pid_t pid;
	/* Only a partial frame lives here, so an idle client holds no buffer. */
	unsigned char *rbuf;
	uint32_t rlen;
	uint32_t rcap;
	bool got_bytes;
	struct outq out;
	bool pending_write; /* listed in server.pending */
	bool said_last;	    /* its last frame (BYE) is queued: nothing may follow it */
	uint64_t mark;	    /* server.mark_epoch when already visited in a walk */
	struct room *rooms[MAX_ROOMS_PER_CLIENT];
	uint32_t nrooms;
	char *away;	  /* NULL when not away */
	bool slow;	  /* over --max-queue during a broadcast */
	bool muted;	  /* SAY refused with ERR_MUTED (moderation.c) */
	unsigned version; /* the HELLO version it speaks (1 to 3) */
	/* The request being handled (version 3); DONE follows it unless an ERROR did. */
	struct {
		uint32_t tag;
		bool answered;
		uint64_t id;
	} req;
	struct class_state class; /* --teachers (classroom.c) */
	struct line_state line;	  /* a plain-text client (linemode.c) */
	struct flood_state flood; /* --rate, holding back, backpressure (flood.c) */
	uint64_t connected_ms;
	uint64_t last_rx_ms;
	uint64_t last_msg_ms;
	uint64_t ping_sent_ms; /* 0 when no PING is outstanding */
	uint64_t close_deadline_ms;
	uint64_t partial_since_ms; /* a frame has been unfinished since then */
};

struct listener {
	int fd;
	enum transport transport;
	char where[ADDR_PATH_BYTES];
};

struct config {
	char socket_path[ADDR_PATH_BYTES];
	bool unix_enabled;
	char control_path[ADDR_PATH_BYTES]; /* the control socket (control.c) */
	bool control_enabled;
	mode_t socket_mode;
	struct addr tcp[MAX_LISTENERS];
	int ntcp;
	bool allow_remote;
	char name[64];
	size_t max_clients; /* 0 = derive from the descriptor limit */
	size_t max_queue_bytes;
	unsigned hello_timeout_s;
	unsigned ping_interval_s;
	unsigned ping_timeout_s;
	uint32_t history;
	unsigned rate; /* messages a second, 0 = no limit */
	unsigned burst;
	unsigned frame_timeout_s;
	size_t soft_queue_bytes;
	unsigned soft_queue_s;
	size_t max_per_uid;
	size_t max_text;
	bool listen_given;   /* --socket, --mode, --tcp or --no-unix on the command line */
	const char *log_dir; /* NULL: no transcripts */
	bool identity_strict;
	bool trace;		    /* --trace: every frame in and out */
	const char *trace_path;	    /* --trace=FILE; NULL: stderr */
	const char *teachers_group; /* --teachers GROUP, NULL: no classroom (classroom.c) */
	gid_t teachers_gid;	    /* resolved at startup */
	char teachers_name[64];	    /* the group's name, for sentences */
};

/* Messages to one room collected during a pass (output.c). */
struct batch {
	struct room *room; /* NULL: no batch open */
	struct buf frames; /* their MSG frames, back to back */
};

struct control; /* control.c */

struct server {
	struct config cfg;
	/* pfds[i] and clients[i]: one descriptor; the first nfixed have clients[i] == NULL. */
	struct pollfd *pfds;
	struct client **clients;
	size_t nslots;
	size_t cap;
	size_t nfixed;
	size_t ndead;
	struct listener listeners[MAX_LISTENERS];
	int nlisteners;
	struct sigpipe sig; /* SIGINT, SIGTERM, SIGHUP into the loop */
	int reserve_fd;	    /* spare descriptor, given up to shed accepts on EMFILE */
	bool unix_bound;    /* we created socket_path and must remove it */
	/* The datagram control socket (control.c), a fixed slot after the listeners. */
	int ctl_fd;	     /* -1 when there is none */
	int ctl_fd_passed;   /* passed by the service manager, until control_setup takes it */
	bool ctl_bound;	     /* we created cfg.control_path and must remove it */
	struct control *ctl; /* its pending replies */
	/* Counters for natterctl stats: cheap increments, never per recipient. */
	uint64_t started_ms;
	uint64_t msgs_in;  /* SAYs accepted */
	uint64_t msgs_out; /* MSG frames queued to recipients */
	/* Clients with output queued during this pass, flushed before poll. */
	struct client **pending;
	size_t npending;
	size_t pending_cap;
	/* Clients whose input is held back, resumed by flood_resume (flood.c). */
	struct client **held;
	size_t nheld;
	size_t held_cap;
	size_t nclients;
	size_t nready;
	uint64_t next_serial;
	uint64_t next_msg_id;
	uint64_t next_tick_ms;
	bool shutting_down;
	uint64_t shutdown_deadline_ms;
	struct rooms rooms;
	struct room *lobby;
	struct room *announce;	 /* #announcements with --teachers, else NULL */
	uint64_t next_hand_seq;	 /* raised hands are served in this order */
	struct nick_index nicks; /* registered clients */
	uint64_t mark_epoch;
	size_t nslow; /* clients flagged slow, waiting to be dropped */
	bool dropping_slow;
	int id_fd; /* --log DIR/msgid: the newest id, for private ids */
	bool id_fd_failing;
	unsigned char *rscratch; /* READ_CHUNK_BYTES, shared by all clients */
	struct buf enc;		 /* scratch for encoding outgoing frames */
	struct buf line_out;	 /* scratch for rendering frames as text lines */
	struct batch batch;
	struct trace_sink *trace; /* NULL unless --trace: each hook costs one branch */
	struct trace_sink trace_sink;
	struct buf trace_enc; /* scratch: a line-mode request encoded for the trace */
};

/* activation.c: the sockets a service manager passed; how many (0: bind), or -1 with e. */
int activation_take(struct server *s, struct errmsg *e);
void activation_close(struct server *s);

/* bglog.c: a background job on a terminal logs to a file; returns the terminal's fd, or -1. */
int bglog_divert(const struct config *cfg);

/* listen.c */
int listeners_open(struct server *s, struct errmsg *e);
/* Add fd as a listener of the given transport, described by where. */
void listeners_add(struct server *s, int fd, enum transport tr, const char *where);
/* Whether every --tcp address is loopback (or --allow-remote): 0, or -1 with a sentence. */
int listeners_check_tcp(const struct server *s, struct errmsg *e);
void listeners_close(struct server *s);

/* loop.c */
int server_run(struct server *s);
void server_shutdown(struct server *s, const char *why, const char *bye_reason);
void server_add_slot(struct server *s, int fd, struct client *c);
void server_update_events(struct server *s, struct client *c);

/* output.c: the one way out, written by output_flush once per loop pass. */
struct shbuf *output_encode(struct server *s, const struct frame *f);
/* Queue b for c (line mode: its text form, rendered once per buffer). */
void output_queue(struct server *s, struct client *c, struct shbuf *b);
/* A frame (or encoded frames) for c alone: tagged with c's request, if any (version 3). */
void output_frame(struct server *s, struct client *c, const struct frame *f);
void output_frames(struct server *s, struct client *c, const struct buf *frames);
/* One NOTICE for c (nothing unless c is registered). */
void output_notice(struct server *s, struct client *c, const char *text);
/* Fan-out of one shared buffer; recipients over --max-queue are dropped as too slow. */
size_t output_broadcast(struct server *s, struct shbuf *b);
void output_room(struct server *s, struct room *r, const struct frame *f,
		 const struct client *except);
void output_to(struct server *s, const struct client *const *to, size_t n, struct shbuf *b);
/* Once to c and to everyone who shares a room with c. */
void output_neighbours(struct server *s, struct client *c, const struct frame *f);
/* The buffer to append r's next MSG frame to (sealing another room's batch first). */
struct buf *output_batch(struct server *s, struct room *r);
void output_seal(struct server *s);
/* Room membership changes: the batch is sealed first, so nobody gets a message twice or none. */
void output_enter(struct server *s, struct room *r, struct client *c);
void output_forget(struct server *s, struct room *r, struct client *c);
/* c is closing: last (BYE, or NULL) is the last thing it gets. */
void output_close_after(struct server *s, struct client *c, struct shbuf *last);
/* Write c's queue at the end of this pass (its socket is writable again). */
void output_pending(struct server *s, struct client *c);
void output_flush(struct server *s);

/* client.c */
void client_accept(struct server *s, struct listener *l);
void client_readable(struct server *s, struct client *c);
void client_kill(struct server *s, struct client *c);
void client_send_error(struct server *s, struct client *c, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void client_tick(struct server *s, struct client *c, uint64_t now);
void client_process_held(struct server *s, struct client *c);

/* flood.c */
void flood_init(struct server *s, struct client *c);
bool flood_take(struct server *s, struct client *c);
void flood_throttle(struct server *s, struct client *c);
/* Whether c's output queue is over the soft cap: its own requests wait until a flush. */
bool flood_backlogged(const struct server *s, const struct client *c);
/* Whether the server is reading c's input now (neither held nor backlogged). */
bool flood_listening(const struct server *s, const struct client *c);
/* Stop taking c's requests and reading its socket; flood_resume takes them up again. */
void flood_hold(struct server *s, struct client *c);
/* timeout, or less: when the first held client may be resumed (0: one may be now). */
int flood_poll_timeout(const struct server *s, uint64_t now, int timeout);
/* Process the held input of every client that has a token again and room in its queue. */
void flood_resume(struct server *s, uint64_t now);
/* Drop clients no longer holding input (dead ones included) from the held list. */
void flood_forget_dead(struct server *s);
bool flood_tick(struct server *s, struct client *c, uint64_t now);
void flood_queue_grew(struct server *s, struct client *c);
void flood_queue_drained(struct server *s, struct client *c);

/* chat.c */
void chat_handle(struct server *s, struct client *c, const struct frame *f);
void chat_leave(struct server *s, struct client *c, const char *reason);
void chat_bye(struct server *s, struct client *c, enum bye_code code, const char *bye_reason,
	      const char *leave_reason);
void chat_free_client(struct server *s, struct client *c);
void chat_unregister(struct server *s, struct client *c);

/* moderation.c */
void mod_kick(struct server *s, struct client *target, const char *by, const char *reason);
void mod_mute(struct server *s, struct client *target, bool muted, const char *by);
void mod_notice_all(struct server *s, const char *text);

/* classroom.c */
int classroom_setup(struct server *s, struct errmsg *e);
void classroom_rooms_init(struct server *s);
void classroom_register(struct server *s, struct client *c);
void classroom_welcome(struct server *s, struct client *c);
bool classroom_may_say(struct server *s, struct client *c, struct room *r);
void classroom_handle(struct server *s, struct client *c, const struct frame *f);

/* control.c */
int control_setup(struct server *s, struct errmsg *e);
void control_readable(struct server *s);
bool control_busy(const struct server *s);
void control_retry(struct server *s);
void control_close(struct server *s);

/* history.c */
int history_init(struct server *s, struct errmsg *e);
/* The last id used before this start: never below any id logged or recorded, nor the clock. */
uint64_t history_last_id(uint64_t logged, uint64_t recorded, uint64_t now_us);
/* Append a room message to r's transcript (--log), or keep it waiting; reports failures. */
void history_log(struct server *s, struct room *r, const struct frame *m);
/* Write the transcript lines still waiting (a timer: space may have come back). */
void history_retry(struct server *s);
void history_cleanup(struct server *s);

/* wiretrace.c (called only when s->trace is set) */
void wiretrace_in(struct server *s, struct client *c, const unsigned char *p, size_t n);
void wiretrace_queued(struct server *s, struct client *c, const struct shbuf *b);
void wiretrace_line_in(struct server *s, struct client *c, struct str line);
void wiretrace_request(struct server *s, struct client *c, const struct frame *f);

/* linemode.c */
/* Handle the lines in p[0..n); returns how many bytes were taken (fewer when c was held). */
size_t linemode_input(struct server *s, struct client *c, const unsigned char *p, size_t n);
/*
 * frames as the lines a line-mode client reads; NULL if they are text
 * already. *shared: the lines are the same for every line-mode recipient
 * (output.c keeps them on the buffer), which private messages are not.
 */
struct shbuf *linemode_render(struct server *s, struct client *c, const struct shbuf *frames,
			      bool *shared);

#endif
