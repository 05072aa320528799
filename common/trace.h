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
	TRACE_HEX_MAX_BYTES = 256, /* a hex dump stops after this much: "... N more bytes" */
	TRACE_ROW_BYTES = 16,	   /* bytes in one row of the hex dump */
	TRACE_STR_MAX_BYTES = 120, /* a string field is shown up to this many bytes */
	TRACE_ENTRIES_MAX = 8,	   /* WHOREPLY/ROOMLIST entries named in the header line */
	TRACE_STAMP_BYTES = 32,
};

/*
 * Append the trace of the frame p[0..n) (length prefix first): a header line
 * of decoded, sanitized fields, then a hex dump; what is wrong with bad bytes.
 */
void trace_frame(struct buf *out, const char *stamp, enum trace_dir dir, const char *peer,
		 const unsigned char *p, size_t n);

/* Append the trace of line mode's text: a sanitized, quoted header and a hex dump per line. */
void trace_text(struct buf *out, const char *stamp, enum trace_dir dir, const char *peer,
		const unsigned char *p, size_t n);

/* Append a one-line remark (e.g. a lab fault taking effect): "stamp --- peer: text". */
void trace_note(struct buf *out, const char *stamp, const char *peer, const char *text);

/* Format a wall-clock time as local HH:MM:SS.uuuuuu. */
void trace_stamp(char *dst, size_t cap, int64_t sec, long usec);

/* Where trace blocks go, whole: a file or stderr; after a failed write, nowhere. */
struct trace_sink {
	int fd;
	bool own_fd; /* opened here: closed by trace_sink_close */
	bool failed;
	int error;	/* errno of the write that failed */
	char name[128]; /* the file, or "standard error", for messages */
	struct buf buf; /* the blocks being built */
	char stamp[TRACE_STAMP_BYTES];
};

/* Open path for appending (NULL: stderr); a symbolic link or another's file is refused. */
int trace_sink_open(struct trace_sink *t, const char *path, struct errmsg *e);
void trace_sink_close(struct trace_sink *t);

/* The current time, formatted for the next block (kept in t->stamp). */
const char *trace_sink_stamp(struct trace_sink *t);

/* Write t->buf in full and clear it: 0, or -1 (errno set) the first time a write fails. */
int trace_write(struct trace_sink *t);

#endif
