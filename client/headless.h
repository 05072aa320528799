/* SPDX-License-Identifier: ISC */
/* headless.h - the line-oriented front end: stdin lines in, one event per stdout line out. */
#ifndef NATTER_HEADLESS_H
#define NATTER_HEADLESS_H

#include "buf.h"
#include "core.h"
#include "sigpipe.h"
#include "lines.h"

struct headless {
	struct core *c;
	bool json;
	bool stdin_open;
	bool interrupted;
	struct lines lines;
	struct buf out;	    /* one formatted event */
	struct sigpipe sig; /* SIGINT, SIGTERM, SIGHUP into the loop; sig.rd -1 when not set up */
};

/* Set up the front end and make it c's event sink (call before connecting c). */
void headless_init(struct headless *h, struct core *c, bool json);

/*
 * Run until done: commands from stdin, events on stdout; the first SIGINT, SIGTERM or SIGHUP
 * quits politely, a second at once. A failure's reason goes to stderr; returns the exit status.
 */
int headless_run(struct headless *h);

void headless_free(struct headless *h);

#endif
