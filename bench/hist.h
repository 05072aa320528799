/* SPDX-License-Identifier: ISC */
/* hist.h - a latency histogram: log-linear buckets (about 1.5% wide), exact count and maximum. */
#ifndef NATTER_BENCH_HIST_H
#define NATTER_BENCH_HIST_H

#include <stdint.h>

enum {
	HIST_SUB_BITS = 6,
	HIST_BUCKETS = (64 - HIST_SUB_BITS) * (1 << HIST_SUB_BITS) + (1 << HIST_SUB_BITS)
};

struct hist {
	uint64_t count;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_add(struct hist *h, uint64_t v);

/* The value at quantile q (0..1), to the bucket's middle; 0 if empty. */
uint64_t hist_quantile(const struct hist *h, double q);

#endif
