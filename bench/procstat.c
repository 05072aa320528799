/* SPDX-License-Identifier: ISC */
/* procstat.c - VmRSS, VmHWM and CPU time of the server under test, read from /proc. */
#include "procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { PROC_FILE_BYTES = 4096 };

/* Read a whole small /proc file into out (NUL-terminated); false on failure. */
static bool slurp(const char *path, char *out, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	if (fd < 0)
		return false;
	while (n + 1 < cap) {
		ssize_t r = read(fd, out + n, cap - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	out[n] = '\0';
	return n > 0;
}

/* The number after "key:" in a status file, in kB; -1 if absent. */
static long status_kib(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	if (p == NULL)
		return -1;
	return strtol(p + strlen(key), NULL, 10);
}

/*
 * The CPU time in nanoseconds from /proc/PID/schedstat, when the kernel has
 * it: stat's clock ticks (10 ms) are too coarse for a run of a second. It
 * counts the main thread, which is all of natterd and of the relay.
 */
static void schedstat_cpu(pid_t pid, struct procstat *ps)
{
	char path[64], text[128];
	unsigned long long ns;

	snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
	if (slurp(path, text, sizeof text) && sscanf(text, "%llu", &ns) == 1 && ns > 0)
		ps->cpu_s = (double)ns / 1e9;
}

bool procstat_read(pid_t pid, struct procstat *ps)
{
	char path[64], text[PROC_FILE_BYTES];
	const char *p;
	unsigned long utime = 0, stime = 0;
	long tick = sysconf(_SC_CLK_TCK);

	if (pid <= 0 || tick <= 0)
		return false;
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if (!slurp(path, text, sizeof text))
		return false;
	ps->rss_kib = status_kib(text, "\nVmRSS:");
	ps->hwm_kib = status_kib(text, "\nVmHWM:");
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (!slurp(path, text, sizeof text))
		return false;
	/* Fields after the command name, which may hold spaces and parentheses. */
	p = strrchr(text, ')');
	if (p == NULL || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
				&utime, &stime) != 2)
		return false;
	ps->cpu_s = (double)(utime + stime) / (double)tick;
	schedstat_cpu(pid, ps);
	return ps->rss_kib >= 0 && ps->hwm_kib >= 0;
}

double procstat_self_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}
