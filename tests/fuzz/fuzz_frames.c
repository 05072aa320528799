/* SPDX-License-Identifier: ISC */
/* fuzz_frames.c - libFuzzer target: a byte stream split anywhere decodes as it does in one piece;
 * its trace is safe. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_FRAMES = 512 };

/* What one decoding run saw: per frame its type, result and body bytes. */
struct trace {
	int n;
	uint8_t type[MAX_FRAMES];
	int rc[MAX_FRAMES];
	size_t len[MAX_FRAMES];
	int error; /* -1 when a header declared a bad size */
};

/* Feed data in two chunks split at cut, reassembling like a client does. */
static void run(const uint8_t *data, size_t size, size_t cut, struct trace *t)
{
	struct buf in = {0};
	size_t fed = 0;

	memset(t, 0, sizeof *t);
	for (int step = 0; step < 2 && t->error == 0; step++) {
		size_t upto = step == 0 ? cut : size;

		buf_append(&in, data + fed, upto - fed);
		fed = upto;
		while (t->n < MAX_FRAMES) {
			long whole = frame_complete(in.data, in.len);
			struct frame f;

			if (whole < 0) {
				t->error = -1;
				break;
			}
			if (whole == 0)
				break;
			/* The declared size is checked before the body is kept. */
			if ((size_t)whole > MAX_FRAME_BYTES)
				__builtin_trap();
			t->rc[t->n] = proto_decode(in.data + FRAME_HEADER_BYTES,
						   (size_t)whole - FRAME_HEADER_BYTES, &f);
			t->type[t->n] = in.data[FRAME_HEADER_BYTES];
			t->len[t->n] = (size_t)whole;
			if (t->rc[t->n] == 0 && f.type == T_WHOREPLY) {
				const unsigned char *p = f.rest;
				size_t n = f.rest_len;
				struct who_entry e;
				int guard = 0;

				while (who_next(&p, &n, &e) == 1 && guard++ < 70000)
					if (e.nick.p < (const char *)in.data ||
					    e.nick.p + e.nick.len > (const char *)in.data + in.len)
						__builtin_trap();
			}
			t->n++;
			buf_consume(&in, (size_t)whole);
		}
	}
	buf_free(&in);
}

/* --trace shows any bytes, frame or not, without a raw control character (newlines end its lines).
 */
static void check_trace(const uint8_t *data, size_t size)
{
	struct buf out = {0};

	trace_frame(&out, "00:00:00.000000", TRACE_IN, "fuzz", data, size);
	trace_text(&out, "00:00:00.000000", TRACE_OUT, "fuzz", data, size);
	for (size_t i = 0; i < out.len; i++)
		if ((out.data[i] < 0x20 && out.data[i] != '\n') || out.data[i] == 0x7f)
			__builtin_trap();
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace whole, split;
	size_t cut;

	run(data, size, size, &whole);
	/* The split point comes from the data itself, so the fuzzer explores it. */
	cut = size > 0 ? data[0] % (size + 1) : 0;
	run(data, size, cut, &split);
	if (memcmp(&whole, &split, sizeof whole) != 0)
		__builtin_trap();
	check_trace(data, size);
	return 0;
}
