/* SPDX-License-Identifier: ISC */
/* format.h - events rendered as headless output: one text line or one JSON object. */
#ifndef NATTER_FORMAT_H
#define NATTER_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"

enum { CLOCK_BYTES = sizeof "HH:MM:SS" };

/* Local wall-clock time of ms (since the epoch) as HH:MM:SS. */
void format_clock(char out[CLOCK_BYTES], uint64_t ms);

/*
 * Append ev as "[HH:MM:SS] ..." with every network string sanitized; no
 * final newline. The answer to our own WHO (ev->requested) is several lines:
 * "users in ROOM: ..." and then one line per user.
 */
void format_line(struct buf *out, const struct event *ev);

/*
 * The words of a WHO listing, shared by every front end (network strings
 * sanitized, no stamp): "users in #dev: a b c" ("users on the server: ..."
 * for /who *), and for the answer to our own WHO one line per user, "alice
 * (login alice, idle 3s, in #lobby #dev, away: lunch)".
 */
void format_who_head(struct buf *out, const struct event *ev);
void format_who_user(struct buf *out, const struct who_entry *w);

/* Append ev as one JSON object (valid UTF-8, no raw controls); no newline. */
void format_json(struct buf *out, const struct event *ev);

#endif
