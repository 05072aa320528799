/* SPDX-License-Identifier: ISC */
/* wrap.h - terminal display text: widths, word wrapping with a hanging indent, sanitizing. */
#ifndef NATTER_WRAP_H
#define NATTER_WRAP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* One display row: bytes text[off .. off+len) of the wrapped string. */
struct wrap_row {
	size_t off, len;
};

/* Columns that the UTF-8 text s[0..n) takes on one row. */
size_t wrap_str_width(const char *s, size_t n);

/* Bytes of the longest prefix of s[0..n) that fits in cols columns, never splitting a character
 * from its combining marks; its width goes in *used (may be NULL). */
size_t wrap_fit(const char *s, size_t n, size_t cols, size_t *used);

/*
 * Break s[0..n) into rows: the first row is width columns wide, later rows width - indent (a
 * hanging indent; at least 1). Rows break after the last space that fits, inside a word only when
 * the word alone is wider than a later row (it then starts right after the space before it), and
 * always at '\n' (which no row contains); spaces at a soft break are dropped. Fills up to max rows
 * (rows may be NULL) and returns how many rows the whole text needs (at least 1).
 */
size_t wrap_text(const char *s, size_t n, size_t width, size_t indent, struct wrap_row *rows,
		 size_t max);

/* Append untrusted s[0..n) to out made safe to draw: text_sanitize (controls in caret notation,
 * bidi and invisible characters as <U+XXXX>, bad bytes as <XX>), then any character the terminal
 * has no width for as <U+XXXX>, so the widths wrap_text counts are the widths curses draws. */
void wrap_sanitize(struct buf *out, const char *s, size_t n, bool keep_newline);

#endif
