/* SPDX-License-Identifier: ISC */
/* session.h - one connection to natterd: HELLO, non-blocking framed I/O, PING answers. */
#ifndef NATTER_SESSION_H
#define NATTER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "buf.h"
#include "errmsg.h"
#include "labfaults.h"
#include "proto.h"
#include "trace.h"

enum { SESSION_WHERE_BYTES = ADDR_PATH_BYTES + 16 };

/*
 * Called for each decoded server frame except PING (answered here). The
 * frame's strings point into the session's input buffer: valid during the
 * call only. The callback may send, but must not close the session; it
 * returns nonzero to stop reading (the rest of the input stays unread).
 */
typedef int (*session_frame_fn)(void *ctx, const struct frame *f);

enum session_result {
	SESSION_OK,	     /* keep going */
	SESSION_STOPPED,     /* the frame callback asked to stop */
	SESSION_EOF,	     /* the server closed the connection */
	SESSION_IO_ERROR,    /* read or write failed (reset, broken pipe) */
	SESSION_PROTO_ERROR, /* the server broke the protocol */
};

struct session;

/*
 * The session's byte I/O, as layers: the plain one is read(2) and send(2);
 * --lab-faults (labfaults.c) wraps it for one connection. A layer is one
 * xcalloc'd block that starts with this struct: session_close frees it.
 */
struct session_io {
	struct session_io *below;
	/* read(2) into p[0..n). */
	ssize_t (*read)(struct session_io *io, struct session *s, void *p, size_t n);
	/* Write a prefix of p[0..n) now: the bytes taken (0: none now), or -1 with errno set. */
	ssize_t (*write)(struct session_io *io, struct session *s, const unsigned char *p,
			 size_t n);
	/* Until when (mono_ms) output waits, 0 if not; *end set: why the connection ends then. */
	uint64_t (*held)(struct session_io *io, const struct session *s, const struct errmsg **end);
};

struct session {
	int fd; /* -1 while closed */
	char where[SESSION_WHERE_BYTES];
	struct buf in;	   /* bytes read but not yet decoded: at most one frame plus a read */
	uint64_t heard_ms; /* mono_ms() of the last read that returned bytes */
	bool heard;	   /* bytes came since the core last looked (it clears this) */
	struct buf out;	   /* encoded frames not yet written */
	session_frame_fn on_frame;
	void *ctx;
	uint64_t resume; /* HELLO's resume id for the next open/attach: 0 for a fresh start */
	long server_uid; /* the uid the server must run as; -1: the socket directory's owner */
	struct trace_sink *trace;	 /* --trace: every frame in and out; NULL when off */
	const struct lab_faults *faults; /* --lab-faults; NULL when off */
	struct session_io *io;		 /* the top layer, for this connection */
	/* Frames just queued (out) or about to be delivered (in): tracing_show, or nothing. */
	void (*show)(const struct session *s, enum trace_dir dir, const unsigned char *p, size_t n);
};

/* Set up a closed session that will deliver frames to on_frame(ctx, ...). */
void session_init(struct session *s, session_frame_fn on_frame, void *ctx);

/*
 * Connect to a and queue HELLO for nick. Returns 0, or -1 with a sentence in
 * e and errno from the connect (ENOENT, ECONNREFUSED, ...) preserved.
 */
int session_open(struct session *s, const struct addr *a, const char *nick, struct errmsg *e);

/* Adopt a connected stream fd (closed on failure) and queue HELLO; where names the peer. */
int session_attach(struct session *s, int fd, const char *where, const char *nick,
		   struct errmsg *e);

/* Close the connection and drop buffered bytes; the session can be opened again. */
void session_close(struct session *s);

/* Close and release the buffers. */
void session_free(struct session *s);

/* The events to poll the fd for: POLLIN, plus POLLOUT while output is queued. */
short session_poll_events(const struct session *s);

/* Milliseconds until held-back output may be written (--lab-faults), or -1. */
int session_timeout_ms(const struct session *s, uint64_t now_ms);

/*
 * Whether a drop=N fault has waited long enough for the server to close
 * (the sentence is in e): the connection is over.
 */
bool session_lab_overdue(const struct session *s, uint64_t now_ms, struct errmsg *e);

/* Bytes queued for the server and not yet written. */
size_t session_backlog(const struct session *s);

/* Queue one frame. Returns 0, or -1 with a sentence if it cannot be encoded. */
int session_send(struct session *s, const struct frame *f, struct errmsg *e);

/* Queue bytes that already hold whole encoded frames. */
void session_send_encoded(struct session *s, const void *p, size_t n);

/*
 * Do the I/O that poll reported in revents: read and deliver whole frames,
 * then write queued output. Never blocks. Errors leave a sentence in e.
 */
enum session_result session_handle(struct session *s, short revents, struct errmsg *e);

/* The layers session_attach adds (tracing.c, labfaults.c) */

/* Show on s->trace every frame of p[0..n) (bytes that make no frame as one block). */
void tracing_show(const struct session *s, enum trace_dir dir, const unsigned char *p, size_t n);

/* Show a remark (a lab fault taking effect) on s->trace, if tracing. */
void tracing_note(const struct session *s, const char *what);

/* Wrap s->io in a layer that makes its writes misbehave as s->faults says. */
void lab_wrap(struct session *s);

#endif
