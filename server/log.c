/* SPDX-License-Identifier: ISC */
/* log.c - timestamped, levelled log lines on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[] = {"error", "warning", "info", "debug"};
static const int syslog_priority[] = {3, 4, 6, 7}; /* LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG */

/* The only process-wide settings: chosen once at startup (--log-level, the journal). */
static enum log_level max_level = LOG_INFO;
static bool stamped = true;

/*
 * Whether stderr is the systemd journal: JOURNAL_STREAM holds "DEV:INODE" of
 * the stream it connected us to, and it is still our stderr (not a shell's
 * redirection of a child started from a journaled session).
 */
static bool stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (v == NULL || sscanf(v, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(void)
{
	/* The journal stamps every line itself; ours would only repeat it. */
	stamped = !stderr_is_journal();
}

int log_level_parse(const char *name)
{
	for (int i = LOG_ERROR; i <= LOG_DEBUG; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

void log_set_level(enum log_level level)
{
	max_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char stamp[32] = "";
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > max_level)
		return;
	if (stamped && clock_gettime(CLOCK_REALTIME, &ts) == 0 &&
	    localtime_r(&ts.tv_sec, &tm) != NULL)
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S ", &tm);
	/* The journal adds the process and time itself; a "<N>" syslog prefix sets the level. */
	if (stamped)
		fprintf(stderr, "%snatterd[%ld]: %s: ", stamp, (long)getpid(), level_names[level]);
	else
		fprintf(stderr, "<%d>%s: ", syslog_priority[level], level_names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
