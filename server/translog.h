/* SPDX-License-Identifier: ISC */
/* translog.h - the append-only transcript of each room (--log DIR), and reading it back. */
#ifndef NATTER_TRANSLOG_H
#define NATTER_TRANSLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "errmsg.h"
#include "proto.h"

/* Lines a transcript refused (full disk) wait in memory up to this; lines past it are lost. */
enum { MAX_LOG_PENDING_BYTES = 256 * 1024 };

/* One message as the transcript records it. */
struct logged_msg {
	uint64_t id;
	uint64_t time_ms;
	uint8_t flags;
	struct str nick;
	struct str text; /* unescaped */
};

/* One room's transcript file and the lines it has not taken yet. */
struct translog {
	int fd;		      /* -1 until opened (or after a failed open) */
	char *path;	      /* DIR/room.log, set by translog_init */
	struct buf pending;   /* lines still to write, oldest first; the first may be
				 the rest of a line the file took only part of */
	size_t pending_lines; /* messages in pending (a torn one counts) */
	uint64_t delayed;     /* messages that had to wait, since the last report */
	uint64_t dropped;     /* messages not kept past the bound, since the last report */
	char *why;	      /* the last failure as a sentence, NULL when writing works */
	bool reported;	      /* the failure was logged; the recovery will be too */
};

/* Name the transcript of room in dir (no file is touched); -1 with a sentence in e. */
int translog_init(struct translog *tl, const char *dir, const char *room, struct errmsg *e);

/*
 * Append a message's line after any waiting ones: written, left waiting (the file refused it), or
 * dropped (MAX_LOG_PENDING_BYTES wait already); tl->why says why it is not written.
 */
enum translog_result { TL_WRITTEN, TL_WAITING, TL_DROPPED };
enum translog_result translog_append(struct translog *tl, const struct logged_msg *m);

/* Try again to write the waiting lines, in order; returns how many still wait. */
size_t translog_flush(struct translog *tl);

/* Close the file and forget waiting lines (the caller reports them first). */
void translog_close(struct translog *tl);

/*
 * Call found(room, msg, ctx) for each valid line of every transcript in dir, cutting off an
 * unfinished last line. The number of unreadable lines skipped, or -1 with a sentence in e.
 */
typedef void (*translog_found_fn)(const char *room, const struct logged_msg *m, void *ctx);
long translog_load(const char *dir, translog_found_fn found, void *ctx, struct errmsg *e);

/* Format and parse a line (without its newline); exposed for unit tests. */
void translog_format(const struct logged_msg *m, struct buf *out);
int translog_parse(const char *line, size_t len, struct logged_msg *m, struct buf *scratch);

#endif
