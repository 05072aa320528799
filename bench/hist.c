/* SPDX-License-Identifier: ISC */
/* hist.c - log-linear latency buckets: exact below 128, then 64 buckets per power of two. */
#include "hist.h"

/*
 * Values below 2^(SUB_BITS+1) have a bucket each. Above, a value whose top
 * bit is b keeps its SUB_BITS+1 top bits m (64 <= m < 128) and goes to
 * bucket (b - SUB_BITS) * 64 + m, so every bucket is at most 1/64 wide.
 */
static unsigned index_of(uint64_t v)
{
	unsigned shift;

	if (v < (2u << HIST_SUB_BITS))
		return (unsigned)v;
	shift = (unsigned)(63 - __builtin_clzll(v)) - HIST_SUB_BITS;
	return shift * (1u << HIST_SUB_BITS) + (unsigned)(v >> shift);
}

/* The middle of bucket i's range. */
static uint64_t middle_of(unsigned i)
{
	unsigned shift;
	uint64_t m;

	if (i < (2u << HIST_SUB_BITS))
		return i;
	shift = i / (1u << HIST_SUB_BITS) - 1;
	m = (uint64_t)(i % (1u << HIST_SUB_BITS) + (1u << HIST_SUB_BITS));
	return (m << shift) + ((1ull << shift) >> 1);
}

void hist_add(struct hist *h, uint64_t v)
{
	unsigned i = index_of(v);

	if (i >= HIST_BUCKETS)
		i = HIST_BUCKETS - 1;
	h->bucket[i]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t want, seen = 0;

	if (h->count == 0)
		return 0;
	want = (uint64_t)(q * (double)h->count);
	if (want >= h->count)
		want = h->count - 1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen > want) {
			uint64_t mid = middle_of(i);

			return mid > h->max ? h->max : mid;
		}
	}
	return h->max;
}
