/* SPDX-License-Identifier: ISC */
/* soak.h - the randomized soak test's shared state: server, connections, the model it checks. */
#ifndef NATTER_SOAK_H
#define NATTER_SOAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "errmsg.h"
#include "proto.h"

enum {
	MAX_SLOTS = 48,
	NROOMS = 6,		    /* #lobby and #r1..#r5 */
	OPLOG_KEEP = 60,	    /* operations shown on a failure */
	QUIET_TIMEOUT_MS = 30000,   /* the longest a step may take to settle */
	START_TIMEOUT_MS = 10000,   /* natterd must accept within this */
	SMALL_RCVBUF_BYTES = 4096,  /* slots that read slowly shrink their socket buffer */
	SEND_TIMEOUT_S = 10,	    /* a write natterd does not take for this long is a failure */
	RSS_SLACK_KB = 32 * 1024,   /* RSS allowed above the start, besides history and queues */
	RSS_PER_KEPT_KB = 2,	    /* RSS allowed per message kept in history */
	SOAK_SOFT_QUEUE = 32768,    /* natterd --soft-queue: paused readers get dropped */
	SOAK_SOFT_QUEUE_S = 1,	    /* natterd --soft-queue-time */
	LINE_OUT_MAX_BYTES = 16384, /* a line-mode line longer than this is a failure */
};

enum conn_kind { CK_NATIVE_UNIX, CK_NATIVE_TCP, CK_LINE_UNIX, CK_LINE_TCP };

/* Requests whose answer the connection waits for, in the order sent. */
enum req_type { RQ_HELLO, RQ_SAY, RQ_PM, RQ_ENTER, RQ_PART, RQ_NICK, RQ_PING, RQ_QUIT };

struct req {
	enum req_type type;
	uint64_t tok;	/* RQ_SAY/RQ_PM: message token; RQ_PING: token */
	uint64_t after; /* RQ_ENTER: history after this id */
	char arg[MAX_NICK_BYTES + MAX_ROOM_BYTES + 2]; /* room, or new nick */
};

/* TK_TORN: its transcript line was cut by a simulated crash; it must never come back. */
enum tok_state { TK_PENDING, TK_ACKED, TK_REJECTED, TK_UNCERTAIN, TK_TORN };

/* One message the soak sent; its text starts with "k<number> ", the token. */
struct tok {
	int slot;
	uint32_t conn; /* serial of the sending connection */
	bool pm, action;
	enum tok_state state;
	uint64_t id; /* from the sender's echo, a native receiver or the transcript */
	int to_slot; /* private: the recipient's slot */
	uint32_t to_conn;
	unsigned recv; /* private: copies received by others */
	unsigned logged;
	uint64_t step;
	int room;     /* room messages: index of the room */
	uint32_t len; /* of its text, whose hash is: texts are not kept, for long runs */
	uint64_t hash;
};

/* One message a connection received in a room. */
struct elem {
	uint64_t tok;
	uint64_t id; /* 0 for line clients until the transcript names it */
	bool hist;
};

enum ep_end { EP_ACTIVE, EP_GRACEFUL, EP_ABRUPT };

/* A connection's stay in a room, from its own JOIN to its LEAVE, BYE or end. */
struct episode {
	int room;
	uint64_t after;
	struct elem *v;
	size_t n, cap;
	size_t checked; /* elements verified so far */
	size_t pos;	/* the transcript index the next element must have */
	bool started;
	bool live_seen;
	bool missed;
	uint64_t missed_count, missed_first;
	bool missed_exact;
	enum ep_end end;
	size_t floor_len; /* graceful end: the transcript length it must have reached */
};

struct conn {
	int fd;
	uint32_t serial;
	enum conn_kind kind;
	int slot;
	bool welcomed, dead, quitting, bye_quit, slow_bye, bye_seen;
	char nick[MAX_NICK_BYTES + 1];
	struct buf in;
	struct req *q;
	size_t qhead, qlen, qcap;
	struct episode *eps;
	size_t neps, epscap;
	uint64_t last_live; /* the newest live id (native), or mapped id (line) */
	size_t line_checked;
	uint64_t paused_until;
	uint64_t resume;     /* HELLO's resume: the lobby's after */
	bool member[NROOMS]; /* rooms it asked to be in */
	int current;	     /* line mode: the room plain lines go to */
	unsigned epoch;
	struct elem *live; /* line mode: live room messages, for the id order check */
	size_t nlive, livecap;
};

struct slot {
	struct conn c;
	enum conn_kind kind;
	bool small_rcvbuf;
	unsigned version;     /* native: the wire version its HELLO asks for */
	bool in_room[NROOMS]; /* rooms to re-enter on resume */
	uint64_t max_seen;    /* the highest id any of its connections saw */
	unsigned renames;
	char nick[MAX_NICK_BYTES + 1];
};

/* A room's transcript (DIR/name.log) as read so far: ids and tokens in file order. */
struct room_log {
	char name[MAX_ROOM_BYTES + 1];
	uint64_t *ids, *toks;
	size_t n, cap;
	long long off;
	struct buf partial;
};

enum op_kind {
	OP_CONNECT,
	OP_SAY,
	OP_ACTION,
	OP_BURST,
	OP_PM,
	OP_JOIN,
	OP_PART,
	OP_RENAME,
	OP_QUIT,
	OP_DROP,
	OP_SLOW,
	OP_KILL,
	OP_KINDS
};

struct soak {
	/* options */
	uint64_t seed, max_ops;
	unsigned seconds, nslots, history;
	unsigned long max_queue; /* natterd --max-queue */
	unsigned proto;		 /* the newest wire version native clients speak */
	const char *natterd;
	int verbose;
	long rss_limit_kb; /* 0: computed; -1: not checked */
	bool keep;
	bool no_tear; /* kill -9 never tears a transcript line */
	const char *argv0;
	/* random state */
	uint64_t rng;
	/* the server */
	char dir[256], sock[300], logdir[300], errpath[300];
	long long err_off;    /* natterd's log read up to here */
	char expect_cut[512]; /* a transcript natterd must say it cut a torn line off */
	unsigned port;
	pid_t pid;
	unsigned epoch;
	uint64_t epoch_floor; /* every id before the last restart is at most this */
	uint64_t max_id_seen;
	long rss_base_kb, rss_peak_kb;
	/* clients and model */
	struct slot slots[MAX_SLOTS];
	struct room_log rooms[NROOMS];
	struct tok *toks;
	size_t ntoks, tokcap, tok_checked;
	uint64_t *idset;
	size_t idset_cap, idset_n;
	uint32_t next_serial;
	uint64_t next_ping;
	uint64_t step;
	size_t step_floor[NROOMS];
	/* progress */
	uint64_t ops;
	uint64_t counts[OP_KINDS];
	uint64_t drops_slow, restarts, tears, msgs_acked, checks;
	uint64_t after_bye;	     /* frames natterd sent after a BYE: each fails the run */
	char oplog[OPLOG_KEEP][160]; /* the last notes, a ring */
	uint64_t notes;
	uint64_t t0;
};

extern const char *const room_names[NROOMS];
extern const char *const op_names[OP_KINDS];

/* main.c */
_Noreturn void soak_fail(struct soak *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void soak_note(struct soak *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t rnd(struct soak *k, uint64_t n);
bool soak_interrupted(void);
int room_index(const char *name, size_t len);

/* daemon.c */
void daemon_paths(struct soak *k);
void daemon_start(struct soak *k);
void daemon_kill9(struct soak *k);
int daemon_stop(struct soak *k);
long daemon_rss_kb(struct soak *k);
void daemon_cleanup(struct soak *k);
void daemon_poll(struct soak *k);
void daemon_scan_log(struct soak *k);
struct sockaddr_un;
void daemon_sun(struct soak *k, struct sockaddr_un *sun);

/* conn.c */
void conn_open(struct soak *k, struct slot *s);
void conn_close_abrupt(struct soak *k, struct conn *c);
void conn_send_req(struct soak *k, struct conn *c, const struct req *r, const char *text);
void conn_read(struct soak *k, struct conn *c);
void conn_mark_dead(struct soak *k, struct conn *c);
bool conn_live(const struct conn *c);
bool conn_native(const struct conn *c);

/* events.c */
void ev_frame(struct soak *k, struct conn *c, const struct frame *f);
void ev_line(struct soak *k, struct conn *c, const char *line, size_t len);
struct episode *ep_active(struct conn *c, int room);

/* model.c (tok_new's text is the caller's to free once sent) */
uint64_t tok_new(struct soak *k, int slot, bool pm, bool action, int room, bool long_text,
		 char **text);
struct tok *tok_parse(struct soak *k, const char *text, size_t len, uint64_t *num);
bool tok_text_is(const struct tok *t, const char *text, size_t len);
void model_read_logs(struct soak *k);
void model_check(struct soak *k);
void model_check_conn_end(struct soak *k, struct conn *c);
void model_tear(struct soak *k, uint64_t pick);
bool model_crash_tear(struct soak *k);
void idset_add(struct soak *k, uint64_t id, uint64_t tok);

/* ops.c */
void ops_step(struct soak *k);
void ops_settle(struct soak *k);

#endif
