/* translog.c - room transcripts: one human-readable line per message, with its id. */
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

int translog_open(const char *dir, const char *room, struct errmsg *e)
{
	char path[4096];
	int fd, n;

	/* Room names are '#' and [A-Za-z0-9_.-]: safe as a file name, lowercased. */
	n = snprintf(path, sizeof path, "%s/", dir);
	for (const char *p = room + 1; *p != '\0' && n > 0 && (size_t)n < sizeof path - 5; p++)
		path[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	if (n < 0 || (size_t)n >= sizeof path - 5) {
		errmsg_set(e, "log directory name %s is too long", dir);
		return -1;
	}
	memcpy(path + n, ".log", 5);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		errmsg_set(e, "cannot open transcript %s: %s", path, strerror(errno));
	return fd;
}

void translog_format(const struct logged_msg *m, struct buf *out)
{
	char head[96];
	time_t secs = (time_t)(m->time_ms / 1000);
	struct tm tm;
	int n;

	if (gmtime_r(&secs, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	n = snprintf(head, sizeof head, "%llu %04d-%02d-%02dT%02d:%02d:%02d.%03uZ ",
		     (unsigned long long)m->id, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(m->time_ms % 1000));
	buf_append(out, head, (size_t)n);
	if (m->flags & MSGF_ACTION) {
		buf_append(out, "* ", 2);
		buf_append(out, m->nick.p, m->nick.len);
		buf_append(out, " ", 1);
	} else {
		buf_append(out, "<", 1);
		buf_append(out, m->nick.p, m->nick.len);
		buf_append(out, "> ", 2);
	}
	for (size_t i = 0; i < m->text.len; i++) {
		char c = m->text.p[i];

		if (c == '\\')
			buf_append(out, "\\\\", 2);
		else if (c == '\n')
			buf_append(out, "\\n", 2);
		else if (c == '\t')
			buf_append(out, "\\t", 2);
		else
			buf_append(out, &c, 1);
	}
}

int translog_append(int fd, const struct logged_msg *m)
{
	struct buf line = {0};
	size_t off = 0;
	int rc = 0;

	translog_format(m, &line);
	buf_append(&line, "\n", 1);
	/* One write per line: O_APPEND keeps lines whole unless the disk fills. */
	while (off < line.len) {
		ssize_t w = write(fd, line.data + off, line.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	buf_free(&line);
	return rc;
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
 * Feed every line of one transcript file to found. Only a regular file is
 * read (a device such as /dev/full would never end), a line at a time into a
 * fixed buffer: an overlong line is skipped and counted, never grown into.
 */
static long load_file(const char *path, const char *room, translog_found_fn found, void *ctx)
{
	enum { LINE_BYTES = 16384 }; /* a 4096-byte text escaped, with its head */
	static char line[LINE_BYTES];
	struct buf scratch = {0};
	struct stat st;
	long bad = 0;
	bool skipping = false;
	FILE *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_warn("transcript %s is not a regular file; it is not read back", path);
		close(fd);
		return 0;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return 1;
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

		if (len <= 4 || strcmp(de->d_name + len - 4, ".log") != 0 ||
		    len - 4 + 1 > MAX_ROOM_BYTES)
			continue;
		room[0] = '#';
		memcpy(room + 1, de->d_name, len - 4);
		room[len - 3] = '\0';
		if (!room_valid(room, strlen(room)))
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
			continue;
		bad += load_file(path, room, found, ctx);
	}
	closedir(d);
	return bad;
}
