/* SPDX-License-Identifier: ISC */
/* json.c - JSON string escaping: valid UTF-8 out, whatever bytes come in. */
#include "json.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

void json_append_str(struct buf *out, const char *s, size_t n)
{
	/* The characters with a short escape, and the letter of each. */
	static const char brief[] = "\"\\\b\f\n\r\t", letter[] = "\"\\bfnrt";
	char esc[8];
	unsigned cp;

	buf_append(out, "\"", 1);
	for (size_t i = 0, len; i < n; i += len) {
		const char *hit;

		len = utf8_decode(s + i, n - i, &cp);
		hit = len == 1 && cp != 0 ? strchr(brief, (int)cp) : NULL;
		if (len == 0) {
			buf_append(out, "\xef\xbf\xbd", 3); /* U+FFFD, the replacement character */
			len = 1;
		} else if (hit != NULL) {
			snprintf(esc, sizeof esc, "\\%c", letter[hit - brief]);
			buf_append(out, esc, 2);
		} else if (codepoint_unsafe(cp) || cp == 0x2028 || cp == 0x2029) {
			/* U+2028 and U+2029 end lines in JavaScript; all these are in the BMP. */
			snprintf(esc, sizeof esc, "\\u%04x", cp);
			buf_append(out, esc, strlen(esc));
		} else {
			buf_append(out, s + i, len);
		}
	}
	buf_append(out, "\"", 1);
}
