/* SPDX-License-Identifier: ISC */
/* sigpipe.h - the self-pipe trick: a handler writes the signal's number, the poll loop reads it. */
#ifndef NATTER_SIGPIPE_H
#define NATTER_SIGPIPE_H

#include <signal.h>

enum { SIGPIPE_MAX_SIGNALS = 8 };

/* One process's signal pipe: at most one is open at a time. */
struct sigpipe {
	int rd; /* the read end, for poll(); -1 when closed */
	int nsigs;
	int sigs[SIGPIPE_MAX_SIGNALS];
	struct sigaction old[SIGPIPE_MAX_SIGNALS];
};

/* Route the n signals in sigs into a socketpair, saving old actions; -1 with errno, all undone. */
int sigpipe_open(struct sigpipe *sp, const int *sigs, int n);

/* Read the signals caught so far into out (at most cap); returns how many. */
int sigpipe_read(struct sigpipe *sp, int *out, int cap);

/* Put the old actions back and close the pipe. */
void sigpipe_close(struct sigpipe *sp);

#endif
