/* SPDX-License-Identifier: ISC */
/* json.c - JSON string escaping: valid UTF-8 out, whatever bytes come in. */
#include "json.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define REPLACEMENT_CHAR "\xef\xbf\xbd"

/* The short escape for cp, or NULL if it has none. */
static const char *short_escape(unsigned cp)
{
	switch (cp) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default: return NULL;
	}
}

/*
 * U+2028 and U+2029 are legal in JSON but end a line in JavaScript and in
 * some terminals, so they are escaped like the characters text.h calls unsafe.
 */
static int needs_uescape(unsigned cp)
{
	return codepoint_unsafe(cp) || cp == 0x2028 || cp == 0x2029;
}

void json_append_str(struct buf *out, const char *s, size_t n)
{
	char esc[8];
	unsigned cp;

	buf_append(out, "\"", 1);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_decode(s + i, n - i, &cp);
		const char *brief;

		if (len == 0) {
			buf_append(out, REPLACEMENT_CHAR, strlen(REPLACEMENT_CHAR));
			i++;
			continue;
		}
		brief = short_escape(cp);
		if (brief != NULL) {
			buf_append(out, brief, strlen(brief));
		} else if (needs_uescape(cp)) {
			/* Every unsafe code point is in the BMP, so four digits suffice. */
			snprintf(esc, sizeof esc, "\\u%04x", cp);
			buf_append(out, esc, strlen(esc));
		} else {
			buf_append(out, s + i, len);
		}
		i += len;
	}
	buf_append(out, "\"", 1);
}
