/* SPDX-License-Identifier: ISC */
/* opts.h - natter-bench's command line. */
#ifndef NATTER_BENCH_OPTS_H
#define NATTER_BENCH_OPTS_H

#include "bench.h"

/*
 * Parse and check argv into o. Returns 0, 1 if --help or --version was printed, or -1
 * after printing a usage error on stderr.
 */
int opts_parse(int argc, char **argv, struct bench_opts *o);

#endif
