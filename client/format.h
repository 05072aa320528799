/* SPDX-License-Identifier: ISC */
/* format.h - events rendered as headless output: one text line or one JSON object. */
#ifndef NATTER_FORMAT_H
#define NATTER_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "words.h"

/*
 * Append ev as "[HH:MM:SS] ..." with every network string sanitized; no
 * final newline. The answer to our own WHO (ev->requested) is several lines:
 * "users in ROOM: ..." and then one line per user.
 */
void format_line(struct buf *out, const struct event *ev);

/* Append ev as one JSON object (valid UTF-8, no raw controls); no newline. */
void format_json(struct buf *out, const struct event *ev);

#endif
