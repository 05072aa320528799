/* SPDX-License-Identifier: ISC */
/* translog.c - room transcripts: the line format (one line per message, with its id), reading. */
#include "translog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

/*
 * A line is "ID YYYY-MM-DDTHH:MM:SS.mmmZ <nick> text" or, for an action,
 * "ID TIME * nick text". Backslash, newline and tab in the text are written
 * as \\, \n and \t, so a message is always one line.
 */

void translog_format(const struct logged_msg *m, struct buf *out)
{
	time_t secs = (time_t)(m->time_ms / 1000);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	buf_printf(out, "%llu %04d-%02d-%02dT%02d:%02d:%02d.%03uZ ", (unsigned long long)m->id,
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		   (unsigned)(m->time_ms % 1000));
	buf_printf(out, (m->flags & MSGF_ACTION) ? "* %.*s " : "<%.*s> ", (int)m->nick.len,
		   m->nick.p);
	for (size_t i = 0; i < m->text.len; i++) {
		char c = m->text.p[i];
		const char *esc = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : NULL;

		buf_append(out, esc != NULL ? esc : &c, esc != NULL ? 2 : 1);
	}
}

/* Parse "YYYY-MM-DDTHH:MM:SS.mmmZ" into milliseconds since the epoch. */
static int parse_time(const char *s, size_t n, uint64_t *ms)
{
	char tmp[32];
	struct tm tm;
	unsigned frac;
	time_t secs;

	if (n != 24 || s[23] != 'Z')
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(&tm, 0, sizeof tm);
	if (sscanf(tmp, "%4d-%2d-%2dT%2d:%2d:%2d.%3uZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac) != 7)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	secs = timegm(&tm);
	if (secs == (time_t)-1)
		return -1;
	*ms = (uint64_t)secs * 1000 + frac;
	return 0;
}

int translog_parse(const char *line, size_t len, struct logged_msg *m, struct buf *scratch)
{
	const char *p = line, *end = line + len, *sp;
	char num[24];
	char *nend;

	memset(m, 0, sizeof *m);
	sp = memchr(p, ' ', (size_t)(end - p));
	if (sp == NULL || sp == p || (size_t)(sp - p) >= sizeof num)
		return -1;
	memcpy(num, p, (size_t)(sp - p));
	num[sp - p] = '\0';
	errno = 0;
	m->id = strtoull(num, &nend, 10);
	if (errno != 0 || *nend != '\0' || m->id == 0)
		return -1;
	p = sp + 1;
	if (end - p < 25 || parse_time(p, 24, &m->time_ms) < 0 || p[24] != ' ')
		return -1;
	p += 25;
	if (end - p >= 2 && p[0] == '*' && p[1] == ' ') {
		m->flags = MSGF_ACTION;
		p += 2;
		sp = memchr(p, ' ', (size_t)(end - p));
		if (sp == NULL)
			return -1;
		m->nick = str_n(p, (size_t)(sp - p));
		p = sp + 1;
	} else if (end - p >= 1 && p[0] == '<') {
		sp = memchr(p, '>', (size_t)(end - p));
		if (sp == NULL || end - sp < 2 || sp[1] != ' ')
			return -1;
		m->nick = str_n(p + 1, (size_t)(sp - p - 1));
		p = sp + 2;
	} else {
		return -1;
	}
	if (!nick_valid(m->nick.p, m->nick.len))
		return -1;
	buf_clear(scratch);
	for (; p < end; p++) {
		char c = *p;

		if (c == '\\' && p + 1 < end) {
			p++;
			c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		}
		buf_append(scratch, &c, 1);
	}
	m->text = str_n((const char *)scratch->data, scratch->len);
	if (text_check(m->text.p, m->text.len, MAX_TEXT_BYTES) != TEXT_OK)
		return -1;
	return 0;
}

/*
 * Open a transcript for reading without blocking (a FIFO would wait for a writer, a device never
 * ends) or following a link, and only if it is a regular file. The fd, or -1 with a sentence in e.
 */
static int open_transcript(const char *path, struct stat *st, struct errmsg *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

	if (fd < 0) {
		if (errno == ELOOP)
			errmsg_set(
			    e,
			    "transcript %s is a symbolic link; natterd does not follow links "
			    "in its log directory: put the file itself in its place",
			    path);
		else
			errmsg_set(e, "cannot read transcript %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0) {
		errmsg_set(e, "cannot read transcript %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		errmsg_set(e,
			   "transcript %s is %s, not a regular file; natterd keeps transcripts "
			   "only in regular files: move it out of the log directory",
			   path,
			   S_ISFIFO(st->st_mode)   ? "a FIFO"
			   : S_ISDIR(st->st_mode)  ? "a directory"
			   : S_ISSOCK(st->st_mode) ? "a socket"
						   : "a device");
		close(fd);
		return -1;
	}
	return fd;
}

/* Offset just past the last newline of a file of size bytes (0 if none); -1 on a read error. */
static off_t whole_lines_end(int fd, off_t size)
{
	char block[4096];
	off_t at = size;

	while (at > 0) {
		size_t n = at < (off_t)sizeof block ? (size_t)at : sizeof block;
		ssize_t got = pread(fd, block, n, at - (off_t)n);

		if (got != (ssize_t)n)
			return -1;
		for (size_t i = n; i > 0; i--)
			if (block[i - 1] == '\n')
				return at - (off_t)n + (off_t)i;
		at -= (off_t)n;
	}
	return 0;
}

/*
 * A last line without its newline was being written when natterd stopped (a crash, a full disk):
 * cut it off the file, so the next line starts on a line of its own, and say so. If it cannot be
 * cut, the reader skips it and the writer starts a fresh line before the next message.
 */
static void cut_unfinished_line(int fd, const char *path, const struct stat *st)
{
	off_t keep = whole_lines_end(fd, st->st_size);
	const char *why = NULL;
	struct stat wst;
	int wfd;

	if (keep < 0 || keep == st->st_size)
		return;
	wfd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (wfd < 0 || fstat(wfd, &wst) < 0)
		why = strerror(errno);
	else if (wst.st_ino != st->st_ino || wst.st_dev != st->st_dev)
		why = "it was replaced meanwhile";
	else if (ftruncate(wfd, keep) < 0)
		why = strerror(errno);
	if (why != NULL)
		log_error("cannot cut the unfinished last line (%lld bytes) off %s: %s; it is "
			  "skipped, and the next message starts on a new line",
			  (long long)(st->st_size - keep), path, why);
	else
		log_warn("cut %lld bytes off the end of %s: a last line left unfinished when "
			 "natterd stopped while writing it (a crash or a full disk)",
			 (long long)(st->st_size - keep), path);
	if (wfd >= 0)
		close(wfd);
}

/*
 * Feed every line of one transcript file to found, a line at a time into a
 * fixed buffer: an overlong line is skipped and counted, never grown into.
 * The number of lines skipped, or -1 with a sentence in e.
 */
static long load_file(const char *path, const char *room, translog_found_fn found, void *ctx,
		      struct errmsg *e)
{
	enum { LINE_BYTES = 16384 }; /* a 4096-byte text escaped, with its head */
	static char line[LINE_BYTES];
	struct buf scratch = {0};
	struct stat st;
	long bad = 0;
	bool skipping = false;
	FILE *f;
	int fd = open_transcript(path, &st, e);

	if (fd < 0)
		return -1;
	cut_unfinished_line(fd, path, &st);
	f = fdopen(fd, "r");
	if (f == NULL) {
		errmsg_set(e, "cannot read transcript %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		size_t n = strlen(line);
		bool whole = n > 0 && line[n - 1] == '\n';
		struct logged_msg m;

		if (skipping || !whole) {
			/* The tail of an overlong line, or a line cut short at end of file. */
			if (!skipping)
				bad++;
			skipping = !whole;
			continue;
		}
		if (translog_parse(line, n - 1, &m, &scratch) == 0)
			found(room, &m, ctx);
		else
			bad++;
	}
	buf_free(&scratch);
	fclose(f);
	return bad;
}

long translog_load(const char *dir, translog_found_fn found, void *ctx, struct errmsg *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long bad = 0;

	if (d == NULL) {
		errmsg_set(e, "cannot read log directory %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char room[MAX_ROOM_BYTES + 1], path[4096];
		long n;

		if (len <= 4 || strcmp(de->d_name + len - 4, ".log") != 0 ||
		    len - 4 + 1 > MAX_ROOM_BYTES)
			continue;
		snprintf(room, sizeof room, "#%.*s", (int)(len - 4), de->d_name);
		if (!room_valid(room, strlen(room)))
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
			continue;
		n = load_file(path, room, found, ctx, e);
		if (n < 0) {
			bad = -1;
			break;
		}
		bad += n;
	}
	closedir(d);
	return bad;
}
