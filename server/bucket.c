/* SPDX-License-Identifier: ISC */
/* bucket.c - a token bucket in thousandths of a token, on a clock the caller reads. */
#include "bucket.h"

enum { MILLI = 1000 };

/* The milli-tokens held at time now (earned since the last refill, up to the burst). */
static uint64_t held_at(const struct bucket *b, unsigned rate, unsigned burst, uint64_t now)
{
	uint64_t cap = (uint64_t)burst * MILLI;
	uint64_t earned = now > b->refill_ms ? (now - b->refill_ms) * rate : 0;

	return b->milli + earned > cap ? cap : b->milli + earned;
}

void bucket_init(struct bucket *b, unsigned burst, uint64_t now)
{
	b->milli = (uint64_t)burst * MILLI;
	b->refill_ms = now;
}

bool bucket_take(struct bucket *b, unsigned rate, unsigned burst, uint64_t now)
{
	b->milli = held_at(b, rate, burst, now);
	if (now > b->refill_ms)
		b->refill_ms = now;
	if (b->milli < MILLI)
		return false;
	b->milli -= MILLI;
	return true;
}

uint64_t bucket_wait_ms(const struct bucket *b, unsigned rate, unsigned burst, uint64_t now)
{
	uint64_t have = held_at(b, rate, burst, now);

	if (have >= MILLI || rate == 0)
		return 0;
	return (MILLI - have + rate - 1) / rate; /* rounded up: a whole token by then */
}
