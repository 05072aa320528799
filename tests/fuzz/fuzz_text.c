/* SPDX-License-Identifier: ISC */
/* fuzz_text.c - libFuzzer target: text rules and display sanitizing never let a control through. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf out = {0};
	enum text_verdict v = text_check(s, size, MAX_TEXT_BYTES);

	/* Accepted text is valid UTF-8 and within the limit. */
	if (v == TEXT_OK && (!utf8_valid(s, size) || size > MAX_TEXT_BYTES || size == 0))
		__builtin_trap();
	for (int flags = 0; flags <= SAN_KEEP_NEWLINE; flags++) {
		buf_clear(&out);
		text_sanitize(&out, s, size, flags);
		if (!utf8_valid((const char *)out.data, out.len))
			__builtin_trap();
		for (size_t i = 0; i < out.len;) {
			unsigned cp;
			size_t n = utf8_decode((const char *)out.data + i, out.len - i, &cp);

			if (n == 0)
				__builtin_trap();
			/* Nothing a terminal would act on: no C0 (but a kept newline), DEL, C1,
			 * bidi. */
			if (codepoint_unsafe(cp) && !(cp == '\n' && flags == SAN_KEEP_NEWLINE))
				__builtin_trap();
			i += n;
		}
	}
	/* Truncation never splits a character of valid text. */
	if (utf8_valid(s, size)) {
		size_t cut = utf8_truncate(s, size, size / 2);

		if (cut > size / 2 || !utf8_valid(s, cut))
			__builtin_trap();
	}
	nick_valid(s, size);
	room_valid(s, size);
	buf_free(&out);
	return 0;
}
