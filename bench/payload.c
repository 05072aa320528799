/* payload.c - encoding and parsing the benchmark's message texts. */
#include "payload.h"

#include "bench.h"

static const char hexdig[] = "0123456789abcdef";

static void put_hex(char *out, uint64_t v)
{
	for (int i = 15; i >= 0; i--) {
		out[i] = hexdig[v & 0xf];
		v >>= 4;
	}
}

/* 16 hex digits; false if any is not one. */
static bool get_hex(const char *p, uint64_t *v)
{
	uint64_t x = 0;

	for (int i = 0; i < 16; i++) {
		char c = p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return false;
		x = x << 4 | d;
	}
	*v = x;
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

bool payload_of_frame(const struct frame *fr, struct str *text)
{
	if (fr->type == T_MSG && !(fr->f[MSG_FLAGS].n & MSGF_HISTORY)) {
		*text = fr->f[MSG_TEXT].s;
		return true;
	}
	if (fr->type == T_SAY) {
		*text = fr->f[SAY_TEXT].s;
		return true;
	}
	return false;
}
