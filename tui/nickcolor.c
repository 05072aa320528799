/* SPDX-License-Identifier: ISC */
/* nickcolor.c - FNV-1a over the lower-cased nick, so every client colours a nick alike. */
#include "nickcolor.h"

#include <stdint.h>

unsigned nick_color(const char *nick, size_t n, unsigned ncolors)
{
	uint32_t h = 2166136261u;

	if (ncolors == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)nick[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	/* Fold the high bits in: FNV's low bits alone spread short names poorly. */
	h ^= h >> 16;
	return h % ncolors;
}
