/* translog.h - the append-only transcript of each room (--log DIR), and reading it back. */
#ifndef NATTER_TRANSLOG_H
#define NATTER_TRANSLOG_H

#include <stdint.h>

#include "errmsg.h"
#include "proto.h"

/* One message as the transcript records it. */
struct logged_msg {
	uint64_t id;
	uint64_t time_ms;
	uint8_t flags;
	struct str nick;
	struct str text; /* unescaped */
};

/* Open (creating) DIR/NAME.log for appending; -1 with a sentence in e. */
int translog_open(const char *dir, const char *room, struct errmsg *e);

/*
 * Append one line for a message. Returns 0, or -1 with errno (ENOSPC, EIO,
 * ...) if the whole line could not be written.
 */
int translog_append(int fd, const struct logged_msg *m);

/*
 * Read every transcript in dir, calling found(room, msg, ctx) for each valid
 * line in file order. Returns the number of unreadable lines skipped, or -1
 * with a sentence in e if dir cannot be read at all.
 */
typedef void (*translog_found_fn)(const char *room, const struct logged_msg *m, void *ctx);
long translog_load(const char *dir, translog_found_fn found, void *ctx, struct errmsg *e);

/* Format and parse a line (without its newline); exposed for unit tests. */
void translog_format(const struct logged_msg *m, struct buf *out);
int translog_parse(const char *line, size_t len, struct logged_msg *m, struct buf *scratch);

#endif
