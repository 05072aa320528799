/* SPDX-License-Identifier: ISC */
/* json.h - JSON string literals built from untrusted bytes. */
#ifndef NATTER_JSON_H
#define NATTER_JSON_H

#include <stddef.h>

#include "buf.h"

/*
 * Append s[0..n) to out as a quoted JSON string: valid UTF-8 without raw controls or invisible
 * format characters (those become \n, \u00XX, \uXXXX), each invalid byte U+FFFD.
 */
void json_append_str(struct buf *out, const char *s, size_t n);

#endif
