/* SPDX-License-Identifier: ISC */
/* ctlproto.h - the control socket's datagrams (PROTOCOL.md section 8). */
#ifndef NATTER_CTLPROTO_H
#define NATTER_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "errmsg.h"

enum {
	CTL_DGRAM_MAX_BYTES = 4096, /* every request and every reply part, header included */
	CTL_HEADER_MAX_BYTES = 48,  /* "ID PART more|end STATUS\n" at its longest */
	CTL_VERB_MAX_BYTES = 16,
	CTL_REPLY_MAX_BYTES = 2 * 1024 * 1024, /* longest reply text; the server cuts longer ones */
	/* A part is at least half a datagram (see ctl_split_next), so this many always suffice. */
	CTL_MAX_PARTS =
	    CTL_REPLY_MAX_BYTES / ((CTL_DGRAM_MAX_BYTES - CTL_HEADER_MAX_BYTES) / 2) + 1,
};

/* The control socket is the chat socket's path plus this suffix (natter.sock.ctl). */
#define CTL_PATH_SUFFIX ".ctl"

enum ctl_status { CTL_OK, CTL_ERROR, CTL_REFUSED };

/* One request verb: its name, its arguments (for usage) and how many words it needs. */
struct ctl_verb {
	const char *name;
	const char *args;    /* "NICK [REASON]", "" for none */
	unsigned min_words;  /* arguments that must be present */
	bool takes_rest;     /* whether text may follow the required words */
	const char *summary; /* one line for --help */
};

/* The verb table (NULL-named terminator), shared by natterd and natterctl. */
extern const struct ctl_verb ctl_verbs[];

/* The verb called name[0..len), or NULL. */
const struct ctl_verb *ctl_verb_find(const char *name, size_t len);

/* A parsed request: args point into the datagram (not NUL-terminated). */
struct ctl_request {
	uint32_t id;
	const struct ctl_verb *verb;
	const char *args;
	size_t args_len;
};

/* Write "ID VERB[ ARGS]" to out (CTL_DGRAM_MAX_BYTES): its length, or -1 if it would not fit. */
int ctl_request_encode(char *out, uint32_t id, const char *verb, const char *args,
		       struct errmsg *e);

/* Parse a request datagram: 0, or -1 with a sentence in e and r->id set if it could be read. */
int ctl_request_parse(const char *p, size_t n, struct ctl_request *r, struct errmsg *e);

/* Splitting a reply text into datagrams of at most CTL_DGRAM_MAX_BYTES. */
struct ctl_splitter {
	const char *text;
	size_t len;
	size_t off;
	uint32_t id;
	uint32_t part;
	enum ctl_status status;
	bool done;
};

/* Start splitting text[0..len) (at most CTL_REPLY_MAX_BYTES) as the reply to id. */
void ctl_split_begin(struct ctl_splitter *sp, uint32_t id, enum ctl_status status, const char *text,
		     size_t len);

/* Write the next part to out, cut at a newline if one fits, never mid-character; 0 at the end. */
size_t ctl_split_next(struct ctl_splitter *sp, char *out);

/* One parsed reply datagram; text points into it. */
struct ctl_part {
	uint32_t id;
	uint32_t part;
	bool more;
	enum ctl_status status;
	const char *text;
	size_t len;
};

/* Parse a reply datagram. Returns 0, or -1 with a sentence in e. */
int ctl_part_parse(const char *p, size_t n, struct ctl_part *pt, struct errmsg *e);

/* Putting the parts of one reply back together, in order. */
struct ctl_assembly {
	uint32_t id;
	uint32_t next_part;
	enum ctl_status status;
	struct buf text;
};

enum ctl_take {
	CTL_TAKE_MORE,	  /* a part was added; more are coming */
	CTL_TAKE_DONE,	  /* the last part was added: text is whole */
	CTL_TAKE_IGNORED, /* a reply to another request (a late answer): not ours */
	CTL_TAKE_BROKEN,  /* malformed, or a part is missing: e says which */
};

void ctl_assembly_init(struct ctl_assembly *a, uint32_t id);
enum ctl_take ctl_assembly_take(struct ctl_assembly *a, const char *p, size_t n, struct errmsg *e);
void ctl_assembly_free(struct ctl_assembly *a);

/* The control socket path for a chat socket path; -1 with a sentence if it would not fit. */
int ctl_path_for(const char *sock_path, char *out, size_t cap, struct errmsg *e);

#endif
