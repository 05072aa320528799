/* SPDX-License-Identifier: ISC */
/* json.h - JSON string literals built from untrusted bytes. */
#ifndef NATTER_JSON_H
#define NATTER_JSON_H

#include <stddef.h>

#include "buf.h"

/*
 * Append s[0..n) to out as a quoted JSON string. The result is always valid
 * UTF-8 and never holds a raw control or invisible formatting character:
 * quote and backslash are escaped, controls become \n, \t or \u00XX, bidi and
 * other format characters \uXXXX, and each invalid byte becomes U+FFFD.
 */
void json_append_str(struct buf *out, const char *s, size_t n);

#endif
