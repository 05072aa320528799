/* SPDX-License-Identifier: ISC */
/* termsafe.h - the terminal checked before curses starts, and put back even when natter dies. */
#ifndef NATTER_TERMSAFE_H
#define NATTER_TERMSAFE_H

#include "errmsg.h"

/* Whether $TERM names a terminal the full-screen client can drive (terminfo knows it and it can
 * move the cursor); also records, from terminfo, the sequence that puts the screen back (see
 * termsafe_arm). Returns 0, or -1 with one sentence in e that suggests --headless. */
int termsafe_check(struct errmsg *e);

/*
 * Save the terminal's modes and catch the signals that kill at once
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, ...): their handler only
 * restores the saved modes and writes the reset sequence (both
 * async-signal-safe), then lets the signal take its old course. Call
 * before curses starts. Returns 0, or -1 with errno.
 */
int termsafe_arm(void);

/* The terminal is ours again (curses has ended): put the old signal actions back. */
void termsafe_disarm(void);

#endif
