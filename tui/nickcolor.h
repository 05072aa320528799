/* SPDX-License-Identifier: ISC */
/* nickcolor.h - a stable colour for each nick, from a hash of its case-folded name. */
#ifndef NATTER_NICKCOLOR_H
#define NATTER_NICKCOLOR_H

#include <stddef.h>

/* Index 0..ncolors-1 of nick[0..n)'s colour: the same for "Alice" and "alice" (nicks ignore
 * case), and in every run and every client (it depends on the name only). */
unsigned nick_color(const char *nick, size_t n, unsigned ncolors);

#endif
