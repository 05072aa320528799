/* SPDX-License-Identifier: ISC */
/* payload.c - encoding and parsing the benchmark's message texts. */
#include "payload.h"

#include "bench.h"

#include <endian.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static void put_hex(char *out, uint64_t v)
{
	for (int i = 15; i >= 0; i--) {
		out[i] = hexdig[v & 0xf];
		v >>= 4;
	}
}

#define BYTES(b) (0x0101010101010101ull * (b))

/*
 * 8 lower-case hex digits at p as a number, eight bytes at a time (this
 * runs twice per delivery, and a digit at a time was natter-bench's largest
 * cost); false if any byte is not a digit.
 */
static bool get_hex8(const char *p, uint32_t *out)
{
	uint64_t w, v, big, enc;

	memcpy(&w, p, sizeof w);
	w = le64toh(w); /* p[0] in the low byte */
	/* '0'..'9' -> 0..9, 'a'..'f' -> 10..15 (bit 6 set adds 9). */
	v = (w & BYTES(0x0f)) + 9 * ((w >> 6) & BYTES(0x01));
	if ((v + BYTES(0x70)) & BYTES(0x80))
		return false; /* a byte came out 16 or more */
	/* Valid only if writing the values back gives the same bytes. */
	big = ((v + BYTES(0x76)) & BYTES(0x80)) >> 7;
	enc = v + BYTES(0x30) + big * 0x27;
	if (enc != w)
		return false;
	/* Pack the nibbles, p[0] the most significant. */
	v = ((v & 0x0f000f000f000f00ull) >> 8) | ((v & 0x000f000f000f000full) << 4);
	v = ((v & 0x00ff000000ff0000ull) >> 16) | ((v & 0x000000ff000000ffull) << 8);
	*out = (uint32_t)(((v >> 32) & 0xffff) | ((v & 0xffff) << 16));
	return true;
}

/* 16 hex digits; false if any is not one. */
static bool get_hex(const char *p, uint64_t *v)
{
	uint32_t hi, lo;

	if (!get_hex8(p, &hi) || !get_hex8(p + 8, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

void payload_format(char *out, size_t size, enum payload_kind kind, uint64_t seq, uint64_t ns)
{
	out[0] = (char)kind;
	put_hex(out + 1, seq);
	out[17] = '.';
	put_hex(out + 18, ns);
	out[34] = ' ';
	for (size_t i = BENCH_MIN_TEXT_BYTES; i < size; i++)
		out[i] = (char)('a' + i % 26);
}

bool payload_parse(struct str text, enum payload_kind *kind, uint64_t *seq, uint64_t *ns)
{
	const char *p = text.p;

	if (text.len < BENCH_MIN_TEXT_BYTES || (p[0] != PAYLOAD_MSG && p[0] != PAYLOAD_SYNC) ||
	    p[17] != '.' || p[34] != ' ')
		return false;
	*kind = (enum payload_kind)p[0];
	return get_hex(p + 1, seq) && get_hex(p + 18, ns);
}

/* A str field at *at in body[0..n): its text, advancing *at; false if it runs past the end. */
static bool take_str(const unsigned char *body, size_t n, size_t *at, struct str *s)
{
	size_t len;

	if (*at + 2 > n)
		return false;
	len = (size_t)body[*at] << 8 | body[*at + 1];
	if (*at + 2 + len > n)
		return false;
	*s = str_n((const char *)body + *at + 2, len);
	*at += 2 + len;
	return true;
}

int payload_of_body(const unsigned char *body, size_t n, struct str *text)
{
	struct str skip;
	size_t at = 1;
	unsigned flags;

	if (n == 0 || (body[0] != T_MSG && body[0] != T_SAY))
		return 0;
	if (body[0] == T_SAY) { /* the relay's copy: target, flags, text */
		if (!take_str(body, n, &at, &skip) || at >= n)
			return -1;
		at++;
		return take_str(body, n, &at, text) ? 1 : -1;
	}
	/* MSG: id, time, target, from, flags, text; later versions may append fields. */
	at += 16;
	if (!take_str(body, n, &at, &skip) || !take_str(body, n, &at, &skip) || at >= n)
		return -1;
	flags = body[at++];
	if (!take_str(body, n, &at, text))
		return -1;
	return flags & MSGF_HISTORY ? 0 : 1;
}
