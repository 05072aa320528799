/* SPDX-License-Identifier: ISC */
/* bucket.h - a token bucket in thousandths of a token, on a clock the caller reads. */
#ifndef NATTER_BUCKET_H
#define NATTER_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

/* rate tokens a second, burst at most; a millisecond at rate R is R milli-tokens: no rounding. */
struct bucket {
	uint64_t milli;	    /* tokens held, in thousandths */
	uint64_t refill_ms; /* when milli was last brought up to date */
};

/* A full bucket (burst tokens) at time now. */
void bucket_init(struct bucket *b, unsigned burst, uint64_t now);

/* Take one token at time now; false (nothing taken) if there is no whole token. */
bool bucket_take(struct bucket *b, unsigned rate, unsigned burst, uint64_t now);

/* Milliseconds from now until bucket_take can succeed (0: now); rate must not be 0. */
uint64_t bucket_wait_ms(const struct bucket *b, unsigned rate, unsigned burst, uint64_t now);

#endif
