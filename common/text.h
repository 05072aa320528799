/* SPDX-License-Identifier: ISC */
/* text.h - UTF-8 rules for chat text and nicks, and making text safe to display. */
#ifndef NATTER_TEXT_H
#define NATTER_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum text_verdict {
	TEXT_OK,
	TEXT_EMPTY,
	TEXT_TOO_LONG,
	TEXT_BAD_UTF8,
	TEXT_CONTROL,
};

/*
 * Decode one UTF-8 character from s[0..n). Returns its length (1-4) and the
 * code point in *cp, or 0 if the bytes there are not valid UTF-8 (overlong,
 * surrogate, above U+10FFFF, or cut short).
 */
size_t utf8_decode(const char *s, size_t n, unsigned *cp);

/* Whether all of s[0..n) is valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

/*
 * Check chat text against PROTOCOL.md section 4: valid UTF-8, at most max
 * bytes, no control characters but newline and tab.
 */
enum text_verdict text_check(const char *s, size_t n, size_t max);

/* One sentence for a verdict, e.g. "message is not valid UTF-8". */
const char *text_verdict_str(enum text_verdict v);

/* Whether a nick follows the rules (charset, length, not reserved). */
bool nick_valid(const char *s, size_t n);

/* Whether a nick is one of the reserved names (server, nobody, ...), in any case. */
bool nick_reserved(const char *s, size_t n);

/* Whether a room name follows the rules: '#' and 1 to 31 name characters. */
bool room_valid(const char *s, size_t n);

/* Case-insensitive nick (or room) equality (names are ASCII). */
bool nick_equal(const char *a, size_t an, const char *b, size_t bn);

/*
 * Append s[0..n) to out made safe for a terminal: C0 controls become caret
 * notation (^[), DEL ^?, C1 controls and bidi/invisible format characters
 * <U+202E>, invalid bytes <XX>. Newlines are kept only if keep_newline,
 * tabs become a space. Nothing from the network reaches a terminal raw.
 */
enum { SAN_KEEP_NEWLINE = 1 };
void text_sanitize(struct buf *out, const char *s, size_t n, int flags);

/* Whether a code point must never be shown raw (controls, bidi, format). */
bool codepoint_unsafe(unsigned cp);

/*
 * Copy a reason-like field (QUIT/PART/KICK reasons, away messages) into out
 * (max bytes + NUL): its first line, cut at max bytes on a character
 * boundary; "" if it breaks the text rules. Returns the length copied.
 */
size_t text_copy_reason(const char *s, size_t n, char *out, size_t max);

/*
 * Cut s to at most max bytes without splitting a UTF-8 character;
 * returns the new length.
 */
size_t utf8_truncate(const char *s, size_t n, size_t max);

#endif
