/* SPDX-License-Identifier: ISC */
/* ctrlchar.h - control characters in a typed or pasted line: find, describe, strip (pure). */
#ifndef NATTER_CTRLCHAR_H
#define NATTER_CTRLCHAR_H

#include <stdbool.h>
#include <stddef.h>

/* The first character of a line that chat text may not hold (PROTOCOL.md section 4). */
struct ctrl_found {
	size_t offset;	/* byte offset in the line */
	unsigned cp;	/* the code point, or the byte if !utf8 */
	bool utf8;	/* false: a byte that is not valid UTF-8 */
	size_t line;	/* 1-based, counting '\n' */
	size_t column;	/* 1-based, in characters, within its line */
	bool multiline; /* the text holds a '\n' (so the line number is worth saying) */
};

/* Find the first control character (C0 but newline and tab, DEL, C1) or invalid UTF-8 byte in
 * s[0..n). Returns whether there is one. */
bool ctrl_find(const char *s, size_t n, struct ctrl_found *f);

/* One phrase naming what f found and where, e.g. "ESC (^[) at column 12", "U+0085 at line 2,
 * column 3" or "the byte 0xFF (not UTF-8) at column 4". */
void ctrl_describe(const struct ctrl_found *f, char *out, size_t cap);

/* Remove in place, from s[0..n), what ctrl_find finds, together with the terminal escape sequences
 * an ESC starts (CSI "ESC [ ... final" and OSC "ESC ] ... BEL or ESC \"). Returns the new length; s
 * is not terminated. */
size_t ctrl_strip(char *s, size_t n);

#endif
