/* SPDX-License-Identifier: ISC */
/* text.h - UTF-8 rules for chat text and nicks, and making text safe to display. */
#ifndef NATTER_TEXT_H
#define NATTER_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum text_verdict { TEXT_OK, TEXT_EMPTY, TEXT_TOO_LONG, TEXT_BAD_UTF8, TEXT_CONTROL };

/* Decode one UTF-8 character from s[0..n): its length with *cp, or 0 if it is not valid. */
size_t utf8_decode(const char *s, size_t n, unsigned *cp);

/* Whether all of s[0..n) is valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* Check chat text (PROTOCOL.md section 4): UTF-8, max bytes, no controls but newline and tab. */
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
 * Append s[0..n) made safe for a terminal: C0 controls as ^[, DEL ^?, other unsafe code points
 * <U+202E>, invalid bytes <XX>, tabs as a space, newlines only with SAN_KEEP_NEWLINE.
 */
enum { SAN_KEEP_NEWLINE = 1 };
void text_sanitize(struct buf *out, const char *s, size_t n, int flags);

/* Whether a code point must never be shown raw (controls, bidi, format). */
bool codepoint_unsafe(unsigned cp);

/*
 * Copy a reason or away message into out (max bytes + NUL): its first line, cut on a
 * character boundary; "" if it breaks the text rules. Returns the length copied.
 */
size_t text_copy_reason(const char *s, size_t n, char *out, size_t max);

/* The length of s cut to at most max bytes without splitting a UTF-8 character. */
size_t utf8_truncate(const char *s, size_t n, size_t max);

#endif
