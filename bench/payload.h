/* SPDX-License-Identifier: ISC */
/* payload.h - the text of a benchmark message: kind, sequence number and send time, then filler. */
#ifndef NATTER_BENCH_PAYLOAD_H
#define NATTER_BENCH_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

enum payload_kind { PAYLOAD_MSG = 'B', PAYLOAD_SYNC = 'S' };

/*
 * Write a payload of exactly size bytes (>= BENCH_MIN_TEXT_BYTES) into out:
 * "B" or "S", 16 hex digits of seq, ".", 16 hex digits of the CLOCK_MONOTONIC
 * send time in ns, " ", then printable filler.
 */
void payload_format(char *out, size_t size, enum payload_kind kind, uint64_t seq, uint64_t ns);

/* Parse a payload; false if text is not one (another user's message). */
bool payload_parse(struct str text, enum payload_kind *kind, uint64_t *seq, uint64_t *ns);

/*
 * The text a frame carries to a receiver, straight from its body (type
 * byte first): a live MSG from natterd, or the SAY the relay copied. No
 * full decode, which was most of natter-bench's own CPU per delivery.
 * Returns 1 with text, 0 for a history replay or another type, -1 if a MSG
 * or SAY is malformed.
 */
int payload_of_body(const unsigned char *body, size_t n, struct str *text);

#endif
