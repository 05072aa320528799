/* SPDX-License-Identifier: ISC */
/* wrap.c - width-aware word wrapping and display sanitizing (pure: depends only on the locale). */
#include "wrap.h"

#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "text.h"

/* Columns a code point takes (wchar_t holds one everywhere we build); characters without a width
 * count as 1: wrap_sanitize replaces them before anything is drawn. */
static int cp_width(unsigned cp)
{
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 1 : w;
}

/* Decode one character at s[0..n); bytes that are not UTF-8 count as one column each. */
static size_t next_char(const char *s, size_t n, unsigned *cp)
{
	size_t len = utf8_decode(s, n, cp);

	if (len == 0) {
		*cp = 0xfffd;
		return 1;
	}
	return len;
}

/* The length of the cluster at s[0..n): a character and the zero-width ones after it (combining
 * marks, variation selectors); its width goes in *w, its first code point in *first. */
static size_t next_cluster(const char *s, size_t n, int *w, unsigned *first)
{
	unsigned cp;
	size_t len = next_char(s, n, first);

	*w = *first == '\n' ? 0 : cp_width(*first);
	if (*first == '\n')
		return len;
	while (len < n) {
		size_t l = next_char(s + len, n - len, &cp);

		if (cp == '\n' || cp_width(cp) != 0)
			break;
		len += l;
	}
	return len;
}

size_t wrap_fit(const char *s, size_t n, size_t cols, size_t *used)
{
	size_t i = 0, u = 0;

	while (i < n) {
		int w;
		unsigned cp;
		size_t len = next_cluster(s + i, n - i, &w, &cp);

		if (u + (size_t)w > cols)
			break;
		u += (size_t)w;
		i += len;
	}
	if (used != NULL)
		*used = u;
	return i;
}

size_t wrap_str_width(const char *s, size_t n)
{
	size_t cols;

	wrap_fit(s, n, SIZE_MAX, &cols);
	return cols;
}

/* Where the next row starts after a soft break at i: past the spaces there. */
static size_t skip_spaces(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* Drop trailing spaces from a row that ends at a soft break. */
static size_t trim_end(const char *s, size_t start, size_t end)
{
	while (end > start && s[end - 1] == ' ')
		end--;
	return end;
}

/* Columns of the word at s[i..n): up to the next space or newline. */
static size_t word_width(const char *s, size_t n, size_t i)
{
	size_t end = i;

	while (end < n && s[end] != ' ' && s[end] != '\n')
		end++;
	return wrap_str_width(s + i, end - i);
}

/* Lay out the row at pos in avail columns (later rows have rest): its end, and in *next where the
 * next row starts. */
static size_t one_row(const char *s, size_t n, size_t pos, size_t avail, size_t rest, size_t *next)
{
	size_t cols = 0, space = 0, i = pos; /* space: the last one after pos, if above pos */

	while (i < n) {
		int w;
		unsigned cp;
		size_t len = next_cluster(s + i, n - i, &w, &cp);

		if (cp == '\n') {
			*next = i + len;
			return i;
		}
		if (cols + (size_t)w > avail) {
			if (cp == ' ') {
				*next = skip_spaces(s, n, i);
				return trim_end(s, pos, i);
			}
			/* Break at the last space if the word after it fits on the next row; a word
			 * wider than any row (a URL, Japanese text) is cut here instead, so no row
			 * is left half empty. */
			if (space > pos && word_width(s, n, skip_spaces(s, n, space)) <= rest) {
				*next = skip_spaces(s, n, space);
				return trim_end(s, pos, space);
			}
			/* Always make progress, even with a character wider than the row. */
			if (i == pos)
				i += len;
			*next = i;
			return i;
		}
		if (cp == ' ' && i > pos)
			space = i;
		cols += (size_t)w;
		i += len;
	}
	*next = n;
	return n;
}

size_t wrap_text(const char *s, size_t n, size_t width, size_t indent, struct wrap_row *rows,
		 size_t max)
{
	size_t count = 0, pos = 0, rest = width > indent ? width - indent : 1;

	if (width == 0)
		width = 1;
	for (;;) {
		size_t next, end = one_row(s, n, pos, count == 0 ? width : rest, rest, &next);

		if (rows != NULL && count < max)
			rows[count] = (struct wrap_row){pos, end - pos};
		count++;
		/* A text ending in '\n' has an empty last row: one more pass lays it out at n. */
		if (next >= n && (end >= n || s[end] != '\n'))
			break;
		pos = next;
	}
	return count;
}

void wrap_sanitize(struct buf *out, const char *s, size_t n, bool keep_newline)
{
	struct buf tmp = {0};
	unsigned cp;

	text_sanitize(&tmp, s, n, keep_newline ? SAN_KEEP_NEWLINE : 0);
	for (size_t i = 0; i < tmp.len;) {
		const char *p = (const char *)tmp.data + i;
		size_t len = utf8_decode(p, tmp.len - i, &cp);

		/* text_sanitize leaves only valid UTF-8, so len is never 0 here. */
		if (len == 0)
			len = 1;
		if (cp != '\n' && wcwidth((wchar_t)cp) < 0)
			buf_printf(out, "<U+%04X>", cp);
		else
			buf_append(out, p, len);
		i += len;
	}
	buf_free(&tmp);
}
