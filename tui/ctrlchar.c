/* SPDX-License-Identifier: ISC */
/* ctrlchar.c - control characters in a typed or pasted line: find, describe, strip (pure). */
#include "ctrlchar.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

/* The ASCII names of the C0 controls, for a message a user can act on. */
static const char *const c0_names[32] = {
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS",  "HT",  "LF",
    "VT",  "FF",  "CR",	 "SO",	"SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
    "SYN", "ETB", "CAN", "EM",	"SUB", "ESC", "FS",  "GS",  "RS",  "US",
};

static bool forbidden(unsigned cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f);
}

bool ctrl_find(const char *s, size_t n, struct ctrl_found *f)
{
	size_t line = 1, column = 1;
	bool multiline = memchr(s, '\n', n) != NULL;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_decode(s + i, n - i, &cp);

		if (len == 0 || forbidden(cp)) {
			*f = (struct ctrl_found){.offset = i,
						 .cp = len == 0 ? (unsigned char)s[i] : cp,
						 .utf8 = len != 0,
						 .line = line,
						 .column = column,
						 .multiline = multiline};
			return true;
		}
		if (cp == '\n')
			line++, column = 1;
		else
			column++;
		i += len;
	}
	return false;
}

void ctrl_describe(const struct ctrl_found *f, char *out, size_t cap)
{
	char what[48];

	if (!f->utf8)
		snprintf(what, sizeof what, "the byte 0x%02X (not UTF-8)", f->cp);
	else if (f->cp < 0x20)
		snprintf(what, sizeof what, "%s (^%c)", c0_names[f->cp], (char)(f->cp + 0x40));
	else if (f->cp == 0x7f)
		snprintf(what, sizeof what, "DEL (^?)");
	else
		snprintf(what, sizeof what, "U+%04X", f->cp);
	if (f->multiline)
		snprintf(out, cap, "%s at line %zu, column %zu", what, f->line, f->column);
	else
		snprintf(out, cap, "%s at column %zu", what, f->column);
}

/* The length to remove at ESC s[0..n): the CSI or OSC sequence it starts, else the ESC alone. */
static size_t escape_len(const char *s, size_t n)
{
	size_t i = 2;

	if (n >= 2 && s[1] == '[') {
		/* Parameters and intermediates, then one final byte in 0x40-0x7E. */
		while (i < n && s[i] >= 0x20 && s[i] <= 0x3f)
			i++;
		while (i < n && s[i] >= 0x20 && s[i] <= 0x2f)
			i++;
		return i < n && s[i] >= 0x40 && s[i] <= 0x7e ? i + 1 : 1;
	}
	if (n >= 2 && s[1] == ']') {
		for (; i < n; i++) {
			if (s[i] == '\a')
				return i + 1;
			if (s[i] == '\033' && i + 1 < n && s[i + 1] == '\\')
				return i + 2;
		}
	}
	return 1;
}

size_t ctrl_strip(char *s, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_decode(s + i, n - i, &cp);

		if (len == 0) {
			i++;
		} else if (cp == 0x1b) {
			i += escape_len(s + i, n - i);
		} else {
			if (!forbidden(cp))
				for (size_t k = 0; k < len; k++)
					s[out++] = s[i + k];
			i += len;
		}
	}
	return out;
}
