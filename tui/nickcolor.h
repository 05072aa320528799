/* SPDX-License-Identifier: ISC */
/* nickcolor.h - a stable colour for each nick, from a hash of its case-folded name. */
#ifndef NATTER_NICKCOLOR_H
#define NATTER_NICKCOLOR_H

#include <stddef.h>

/*
 * Index 0..ncolors-1 of nick[0..n)'s colour. Nicks are unique without
 * regard to case, so "Alice" and "alice" get the same one; the value depends
 * only on the name, so it is the same in every run and every client.
 */
unsigned nick_color(const char *nick, size_t n, unsigned ncolors);

#endif
