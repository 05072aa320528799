/* SPDX-License-Identifier: ISC */
/* report.h - medians of repeated runs, and the results as a table, JSON or Markdown. */
#ifndef NATTER_BENCH_REPORT_H
#define NATTER_BENCH_REPORT_H

#include <stdio.h>

#include "bench.h"

/* The median of each number over k runs of one configuration; ok only if all were. */
void report_median(const struct result *runs, int k, struct result *out);

/*
 * Print the medians (one per target and transport) in o->format; runs are
 * every single run, listed in the JSON output.
 */
void report_print(FILE *out, const struct bench_opts *o, const struct result *med, int nmed,
		  const struct result *runs, int nruns);

#endif
