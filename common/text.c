/* SPDX-License-Identifier: ISC */
/* text.c - UTF-8 validation, chat text and nick rules, display sanitizing. */
#include "text.h"

#include <string.h>

#include "proto.h"

size_t utf8_decode(const char *str, size_t n, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c, min;
	size_t len;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0; /* continuation byte, overlong lead (c0/c1) or > f4 */
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	unsigned cp;
	size_t len;

	for (size_t i = 0; i < n; i += len)
		if ((len = utf8_decode(s + i, n - i, &cp)) == 0)
			return false;
	return true;
}

enum text_verdict text_check(const char *s, size_t n, size_t max)
{
	unsigned cp;

	if (n == 0)
		return TEXT_EMPTY;
	if (n > max)
		return TEXT_TOO_LONG;
	for (size_t i = 0, len; i < n; i += len) {
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0)
			return TEXT_BAD_UTF8;
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			return TEXT_CONTROL;
	}
	return TEXT_OK;
}

const char *text_verdict_str(enum text_verdict v)
{
	static const char *const why[] = {[TEXT_OK] = "text is fine",
					  [TEXT_EMPTY] = "message is empty",
					  [TEXT_TOO_LONG] = "message is too long",
					  [TEXT_BAD_UTF8] = "message is not valid UTF-8",
					  [TEXT_CONTROL] = "message contains a control character"};

	return (unsigned)v < sizeof why / sizeof why[0] ? why[v] : "message is not acceptable";
}

static const char *const reserved_nicks[] = {"server", "natter", "natterd", "system", "nobody"};

/* Letters, digits, '_', '-', '.', and extra (a string of more allowed bytes). */
static bool name_chars_ok(const char *s, size_t n, const char *extra)
{
	static const char plain[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || (strchr(plain, s[i]) == NULL && strchr(extra, s[i]) == NULL))
			return false;
	return true;
}

bool room_valid(const char *s, size_t n)
{
	return n >= 2 && n <= MAX_ROOM_BYTES && s[0] == '#' && name_chars_ok(s + 1, n - 1, "");
}

bool nick_valid(const char *s, size_t n)
{
	return n > 0 && n <= MAX_NICK_BYTES && s[0] != '-' && s[0] != '.' && s[0] != '/' &&
	       name_chars_ok(s, n, "/") && !nick_reserved(s, n);
}

bool nick_reserved(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof reserved_nicks / sizeof reserved_nicks[0]; i++)
		if (nick_equal(s, n, reserved_nicks[i], strlen(reserved_nicks[i])))
			return true;
	return false;
}

/* ASCII-only folding over all n bytes: strncasecmp stops at a NUL and follows the locale. */
static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

bool nick_equal(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

bool codepoint_unsafe(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       /* zero-width and direction marks, bidi embeddings, isolates, deprecated format */
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	       /* interlinear annotation and other format controls */
	       (cp >= 0xfff9 && cp <= 0xfffb) || cp == 0x061c || cp == 0x115f || cp == 0x1160 ||
	       cp == 0x3164 || cp == 0xffa0 ||
	       /* line and paragraph separators, soft hyphen, Mongolian vowel separator */
	       cp == 0x2028 || cp == 0x2029 || cp == 0x00ad || cp == 0x180e ||
	       /* tag characters: invisible, and used to smuggle text */
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

void text_sanitize(struct buf *out, const char *s, size_t n, int flags)
{
	unsigned cp;

	for (size_t i = 0; i < n;) {
		size_t len = 0;

		/* Printable ASCII is kept as it is: a run of it goes out whole. */
		while (i + len < n && (unsigned char)s[i + len] >= 0x20 &&
		       (unsigned char)s[i + len] < 0x7f)
			len++;
		if (len > 0) {
			buf_append(out, s + i, len);
			i += len;
			continue;
		}
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			buf_printf(out, "<%02X>", (unsigned char)s[i++]);
			continue;
		}
		if (cp == '\n' && (flags & SAN_KEEP_NEWLINE)) {
			buf_append(out, "\n", 1);
		} else if (cp == '\t') {
			buf_append(out, " ", 1);
		} else if (cp < 0x20 || cp == 0x7f) {
			buf_printf(out, "^%c", cp == 0x7f ? '?' : (char)(cp + 0x40));
		} else if (codepoint_unsafe(cp)) {
			buf_printf(out, "<U+%04X>", cp);
		} else {
			buf_append(out, s + i, len);
		}
		i += len;
	}
}

size_t utf8_truncate(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	/* Step back over continuation bytes to a character start. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

size_t text_copy_reason(const char *s, size_t n, char *out, size_t max)
{
	const char *nl = n > 0 ? memchr(s, '\n', n) : NULL;

	if (nl != NULL)
		n = (size_t)(nl - s); /* a reason is shown on one line: the rest is dropped */
	n = text_check(s, n, SIZE_MAX) == TEXT_OK ? utf8_truncate(s, n, max) : 0;
	memcpy(out, n ? s : "", n);
	out[n] = '\0';
	return n;
}
