/* SPDX-License-Identifier: ISC */
/* trace.h - what --trace shows: each frame or text line as a readable header and a hex dump. */
#ifndef NATTER_TRACE_H
#define NATTER_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "errmsg.h"

enum trace_dir { TRACE_IN, TRACE_OUT };

enum {
	TRACE_HEX_MAX_BYTES =
	    256, /* a frame's hex dump stops after this much body: "... N more bytes" */
	TRACE_ROW_BYTES = 16,	   /* bytes in one row of the hex dump */
	TRACE_STR_MAX_BYTES = 120, /* a string field is shown up to this many bytes */
	TRACE_ENTRIES_MAX = 8,	   /* WHOREPLY/ROOMLIST entries named in the header line */
	TRACE_STAMP_BYTES = 32,
};

/*
 * Append the trace of one frame, p[0..n) with its 4-byte length prefix, to
 * out: a header line (stamp, direction, peer, type, decoded fields, size)
 * and a hex dump whose first row is the length prefix alone. Bytes that do
 * not make a valid frame (short, bad length, unknown type, a field running
 * past the end) are dumped with a note saying what is wrong. Every piece of
 * network text is sanitized: a trace never holds a raw control character.
 */
void trace_frame(struct buf *out, const char *stamp, enum trace_dir dir, const char *peer,
		 const unsigned char *p, size_t n);

/*
 * Append the trace of plain text (line mode), one block per line of
 * p[0..n): a header with the line, sanitized and quoted, then its hex dump
 * with the newline that ends it.
 */
void trace_text(struct buf *out, const char *stamp, enum trace_dir dir, const char *peer,
		const unsigned char *p, size_t n);

/* Append a one-line remark (e.g. a lab fault taking effect): "stamp --- peer: text". */
void trace_note(struct buf *out, const char *stamp, const char *peer, const char *text);

/* Format a wall-clock time as local HH:MM:SS.uuuuuu. */
void trace_stamp(char *dst, size_t cap, int64_t sec, long usec);

/*
 * Where trace blocks go: a file, or stderr. Blocks are written whole, at
 * once; if writing fails, tracing stops (trace_write says so once).
 */
struct trace_sink {
	int fd;
	bool own_fd; /* opened here: closed by trace_sink_close */
	bool failed;
	int error;	/* errno of the write that failed */
	char name[128]; /* the file, or "standard error", for messages */
	struct buf buf; /* the blocks being built */
	char stamp[TRACE_STAMP_BYTES];
};

/*
 * Open path for appending (NULL: standard error). A symbolic link, or a
 * file owned by someone else, is refused: a trace holds private chat.
 * Returns 0, or -1 with a sentence in e.
 */
int trace_sink_open(struct trace_sink *t, const char *path, struct errmsg *e);
void trace_sink_close(struct trace_sink *t);

/* The current time, formatted for the next block (kept in t->stamp). */
const char *trace_sink_stamp(struct trace_sink *t);

/*
 * Write t->buf in full and clear it. Returns 0; -1 (errno set) the first
 * time a write fails, after which the sink writes nothing more.
 */
int trace_write(struct trace_sink *t);

#endif
