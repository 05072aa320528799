/* SPDX-License-Identifier: ISC */
/* connline.c - reading natterd's plain-text line mode: the welcome, message lines, errors. */
#include <string.h>

#include "conn.h"

/* The text of a message line "HH:MM:SS #room <nick> TEXT", or false for any other line. */
static bool message_text(struct str line, struct str *text)
{
	const char *lt = memchr(line.p, '<', line.len);
	const char *gt;

	if (lt == NULL)
		return false;
	gt = memchr(lt, '>', line.len - (size_t)(lt - line.p));
	if (gt == NULL || (size_t)(gt - line.p) + 2 > line.len || gt[1] != ' ')
		return false;
	*text = str_n(gt + 2, line.len - (size_t)(gt + 2 - line.p));
	return true;
}

/* One line from the server (without its newline); false if the connection failed. */
static bool one_line(struct fleet *f, struct conn *c, struct str line, uint64_t now)
{
	static const char welcome[] = "-- welcome to ";
	struct str text;

	if ((line.len >= 4 && memcmp(line.p, "bye:", 4) == 0) ||
	    (line.len >= 5 && memcmp(line.p, "error", 5) == 0)) {
		fleet_fail(f, "the server sent line-mode %s: %.*s", c->nick, (int)line.len, line.p);
		return false;
	}
	if (!c->ready) {
		if (line.len >= sizeof welcome - 1 &&
		    memcmp(line.p, welcome, sizeof welcome - 1) == 0)
			conn_set_ready(f, c);
		return true;
	}
	if (message_text(line, &text))
		f->on_text(f, c, text, now);
	return true;
}

long conn_lines(struct fleet *f, struct conn *c, const unsigned char *p, size_t n, uint64_t now)
{
	size_t at = 0;

	for (;;) {
		const unsigned char *nl = memchr(p + at, '\n', n - at);
		size_t len;

		if (nl == NULL)
			break;
		len = (size_t)(nl - (p + at));
		if (!one_line(f, c, str_n((const char *)p + at, len), now))
			return -1;
		at += len + 1;
	}
	if (n - at > MAX_FRAME_BYTES) {
		fleet_fail(f, "%s got a line of more than %d bytes", c->nick, MAX_FRAME_BYTES);
		return -1;
	}
	return (long)at;
}
