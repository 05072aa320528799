/* SPDX-License-Identifier: ISC */
/* procstat.h - a local process's memory and CPU time, from /proc. */
#ifndef NATTER_BENCH_PROCSTAT_H
#define NATTER_BENCH_PROCSTAT_H

#include <stdbool.h>
#include <sys/types.h>

struct procstat {
	long rss_kib; /* VmRSS */
	long hwm_kib; /* VmHWM: peak RSS */
	double cpu_s; /* utime + stime */
};

/* Read pid's numbers; false if it cannot be read (gone, another user's, no /proc). */
bool procstat_read(pid_t pid, struct procstat *ps);

/* This process's user + system CPU seconds. */
double procstat_self_cpu(void);

#endif
