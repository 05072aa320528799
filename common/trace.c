/* SPDX-License-Identifier: ISC */
/* trace.c - formatting frames and text lines for --trace, and the sink that writes them whole. */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "text.h"

/* Columns of the hex dump: "    0004  " then 16 "xx " groups with a gap after 8. */
enum { HEX_COLUMN_CHARS = TRACE_ROW_BYTES * 3 + 1 };
enum { TRACE_FILE_MODE = 0600, TRACE_WRITE_WAIT_MS = 1000 };

static void put(struct buf *out, const char *s)
{
	buf_append(out, s, strlen(s));
}

/* Append s[0..n) sanitized, in double quotes, cut after TRACE_STR_MAX_BYTES. */
static void put_quoted(struct buf *out, const unsigned char *s, size_t n)
{
	size_t show = utf8_truncate((const char *)s, n, TRACE_STR_MAX_BYTES);
	struct buf safe = {0};

	text_sanitize(&safe, (const char *)s, show, 0);
	put(out, "\"");
	for (size_t i = 0; i < safe.len; i++) {
		/* Quotes and backslashes escaped, so the end of the string is unmistakable. */
		if (safe.data[i] == '"' || safe.data[i] == '\\')
			put(out, "\\");
		buf_append(out, &safe.data[i], 1);
	}
	put(out, "\"");
	if (show < n)
		buf_printf(out, "...(+%zu bytes)", n - show);
	buf_free(&safe);
}

/* Append the header's start: time, direction and the peer (sanitized). */
static void put_lead(struct buf *out, const char *stamp, enum trace_dir dir, const char *peer)
{
	buf_printf(out, "%s %s ", stamp, dir == TRACE_IN ? "in " : "out");
	text_sanitize(out, peer, strlen(peer), 0);
	put(out, "  ");
}

/* Append "name=value" for each decoded field of a spec (as proto.c's letters). */
static void put_fields(struct buf *out, const char *spec, const char *names, const struct field *f)
{
	for (size_t i = 0; spec[i] != '\0'; i++) {
		size_t len = strcspn(names, " ");

		buf_printf(out, "%s%.*s=", i > 0 ? " " : "", (int)len, names);
		names += names[len] == ' ' ? len + 1 : len;
		if (spec[i] == 's')
			put_quoted(out, (const unsigned char *)f[i].s.p, f[i].s.len);
		else
			buf_printf(out, "%" PRIu64, f[i].n);
	}
}

/* Append a list frame's entries (at most TRACE_ENTRIES_MAX), or a note if they are malformed. */
static void put_entries(struct buf *out, const struct frame_layout *l, const struct frame *f)
{
	const unsigned char *p = f->rest;
	/* Every list type ends its fixed fields with u8 more, u16 count. */
	size_t n = f->rest_len, shown = 0, count = (size_t)f->f[strlen(l->fields) - 1].n;
	struct field e[MAX_FIELDS];

	while (shown < count && list_next(f->type, &p, &n, e) == 1) {
		if (shown == TRACE_ENTRIES_MAX) {
			buf_printf(out, " ...and %zu more", count - shown);
			return;
		}
		put(out, " {");
		put_fields(out, l->entry_fields, l->entry_names, e);
		put(out, "}");
		shown++;
	}
	if (shown < count)
		buf_printf(out, "  (malformed: count says %zu entries, only %zu are whole)", count,
			   shown);
	else if (n > 0)
		buf_printf(out, "  (+%zu bytes after the last field, ignored)", n);
}

/* Append the decoded type and fields of a body, or what is wrong with it. */
static void put_decoded(struct buf *out, const unsigned char *body, size_t len)
{
	const struct frame_layout *l;
	struct frame f;

	if (len == 0) {
		put(out, "(empty body: no type byte)");
		return;
	}
	l = frame_layout(body[0]);
	if (l == NULL) {
		buf_printf(out, "type 0x%02x (unknown type: not in PROTOCOL.md)", body[0]);
		return;
	}
	put(out, l->name);
	if (proto_decode(body, len, &f) != 0) {
		put(out, "  (malformed: a field runs past the end of the body)");
		return;
	}
	if (l->fields[0] != '\0')
		put(out, " ");
	put_fields(out, l->fields, l->names, f.f);
	if (f.type == T_ERROR)
		buf_printf(out, " (%s)", error_code_name((unsigned)f.f[ERROR_CODE].n));
	if (f.type == T_HELLO && f.f[HELLO_RESUME].n != 0)
		buf_printf(out, " resume=%" PRIu64, f.f[HELLO_RESUME].n);
	if (f.type == T_BYE && f.f[BYE_CODE].n != 0)
		buf_printf(out, " code=%" PRIu64, f.f[BYE_CODE].n);
	if (l->entry_fields != NULL)
		put_entries(out, l, &f);
	else if (f.rest_len > 0)
		buf_printf(out, "  (+%zu bytes after the last field, ignored)", f.rest_len);
	if (f.tag != 0)
		buf_printf(out, "  tag=%" PRIu32, f.tag);
}

/* One row of the dump: offset, up to TRACE_ROW_BYTES bytes in hex, then as ASCII or a note. */
static void put_row(struct buf *out, size_t offset, const unsigned char *p, size_t n,
		    const char *note)
{
	size_t start = out->len;

	buf_printf(out, "    %04zx  ", offset);
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%02x %s", p[i], i == TRACE_ROW_BYTES / 2 - 1 ? " " : "");
	while (out->len - start < 10 + HEX_COLUMN_CHARS)
		put(out, " ");
	if (note != NULL) {
		put(out, note);
	} else {
		put(out, "|");
		for (size_t i = 0; i < n; i++)
			buf_append(out, p[i] >= 0x20 && p[i] < 0x7f ? (const char *)&p[i] : ".", 1);
		put(out, "|");
	}
	put(out, "\n");
}

/* Dump p[0..n) from frame offset `offset`, at most TRACE_HEX_MAX_BYTES, then "... N more bytes". */
static void put_dump(struct buf *out, size_t offset, const unsigned char *p, size_t n)
{
	size_t show = n < TRACE_HEX_MAX_BYTES ? n : TRACE_HEX_MAX_BYTES;

	for (size_t at = 0; at < show; at += TRACE_ROW_BYTES)
		put_row(out, offset + at, p + at,
			show - at < TRACE_ROW_BYTES ? show - at : TRACE_ROW_BYTES, NULL);
	if (show < n)
		buf_printf(out, "    ... %zu more bytes\n", n - show);
}

void trace_frame(struct buf *out, const char *stamp, enum trace_dir dir, const char *peer,
		 const unsigned char *p, size_t n)
{
	char note[128];
	uint32_t len;
	size_t body;

	put_lead(out, stamp, dir, peer);
	if (n < FRAME_HEADER_BYTES) {
		buf_printf(out, "(incomplete)  (%zu bytes)\n", n);
		snprintf(note, sizeof note, "length prefix cut short: %zu of its 4 bytes", n);
		put_row(out, 0, p, n, note);
		return;
	}
	len = frame_body_len(p);
	body = n - FRAME_HEADER_BYTES;
	if (len == 0 || len > MAX_BODY_BYTES) {
		buf_printf(out, "(bad length)  (%zu bytes)\n", n);
		snprintf(note, sizeof note,
			 "length prefix = %lu: out of range (1 to %d), ERR_FRAME_SIZE",
			 (unsigned long)len, MAX_BODY_BYTES);
	} else if (body < len) {
		buf_printf(out, "(incomplete)  (%zu bytes)\n", n);
		snprintf(note, sizeof note, "length prefix = %lu, but only %zu body bytes are here",
			 (unsigned long)len, body);
	} else {
		put_decoded(out, p + FRAME_HEADER_BYTES, len);
		buf_printf(out, "  (%zu bytes)\n", FRAME_HEADER_BYTES + (size_t)len);
		snprintf(note, sizeof note, "length prefix = %lu: the body is the next %lu bytes",
			 (unsigned long)len, (unsigned long)len);
		if (body > len)
			snprintf(note + strlen(note), sizeof note - strlen(note),
				 "; %zu more bytes are not this frame's", body - len);
		body = len;
	}
	put_row(out, 0, p, FRAME_HEADER_BYTES, note);
	put_dump(out, FRAME_HEADER_BYTES, p + FRAME_HEADER_BYTES, body);
}

void trace_text(struct buf *out, const char *stamp, enum trace_dir dir, const char *peer,
		const unsigned char *p, size_t n)
{
	while (n > 0) {
		const unsigned char *nl = memchr(p, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - p) + 1 : n;
		size_t text = nl != NULL ? take - 1 : take;

		put_lead(out, stamp, dir, peer);
		put(out, "line ");
		put_quoted(out, p, text);
		buf_printf(out, "  (%zu bytes%s)\n", take,
			   nl != NULL ? ", newline included" : ", no newline");
		put_dump(out, 0, p, take);
		p += take;
		n -= take;
	}
}

void trace_note(struct buf *out, const char *stamp, const char *peer, const char *text)
{
	buf_printf(out, "%s --- ", stamp);
	text_sanitize(out, peer, strlen(peer), 0);
	put(out, ": ");
	text_sanitize(out, text, strlen(text), 0);
	put(out, "\n");
}

void trace_stamp(char *dst, size_t cap, int64_t sec, long usec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char hms[16];

	if (localtime_r(&t, &tm) == NULL || strftime(hms, sizeof hms, "%H:%M:%S", &tm) == 0)
		snprintf(hms, sizeof hms, "--:--:--");
	snprintf(dst, cap, "%s.%06ld", hms, usec);
}

int trace_sink_open(struct trace_sink *t, const char *path, struct errmsg *e)
{
	struct stat st;

	memset(t, 0, sizeof *t);
	if (path == NULL) {
		t->fd = STDERR_FILENO;
		snprintf(t->name, sizeof t->name, "standard error");
		return 0;
	}
	t->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, TRACE_FILE_MODE);
	if (t->fd < 0) {
		errmsg_set(e, "cannot open the trace file %s: %s%s", path, strerror(errno),
			   errno == ELOOP
			       ? " (a symbolic link is not followed; name the file itself)"
			       : "");
		return -1;
	}
	if (fstat(t->fd, &st) < 0 || (S_ISREG(st.st_mode) && st.st_uid != geteuid())) {
		errmsg_set(e,
			   "the trace file %s belongs to another user; a trace holds your chat, so "
			   "choose a file of your own",
			   path);
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	t->own_fd = true;
	snprintf(t->name, sizeof t->name, "%s", path);
	return 0;
}

void trace_sink_close(struct trace_sink *t)
{
	if (t->own_fd && t->fd >= 0)
		close(t->fd); /* the trace is written already; nothing to do if close fails */
	t->fd = -1;
	t->own_fd = false;
	buf_free(&t->buf);
}

const char *trace_sink_stamp(struct trace_sink *t)
{
	struct timespec ts = {0, 0};

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		ts.tv_sec = ts.tv_nsec = 0;
	trace_stamp(t->stamp, sizeof t->stamp, (int64_t)ts.tv_sec, ts.tv_nsec / 1000);
	return t->stamp;
}

int trace_write(struct trace_sink *t)
{
	size_t done = 0;

	while (!t->failed && done < t->buf.len) {
		ssize_t n = write(t->fd, t->buf.data + done, t->buf.len - done);
		struct pollfd pfd = {.fd = t->fd, .events = POLLOUT};

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		/* stderr may be a non-blocking pipe: wait for it a little, not forever. */
		if (n < 0 && (errno == EINTR || ((errno == EAGAIN || errno == EWOULDBLOCK) &&
						 poll(&pfd, 1, TRACE_WRITE_WAIT_MS) > 0)))
			continue;
		t->error = n < 0 ? errno : EIO;
		t->failed = true;
		buf_clear(&t->buf);
		errno = t->error;
		return -1;
	}
	buf_clear(&t->buf);
	return 0;
}
