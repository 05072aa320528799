/* SPDX-License-Identifier: ISC */
/* fuzz_ctl.c - libFuzzer target: control datagrams (requests, reply parts, reassembly) and the
 * reply splitter. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char out[CTL_DGRAM_MAX_BYTES];
	struct ctl_request r;
	struct ctl_part pt;
	struct ctl_assembly a;
	struct ctl_splitter sp;
	struct errmsg e;
	size_t n, total = 0, parts = 0;

	/* A parsed request's arguments lie inside the datagram. */
	if (ctl_request_parse(p, size, &r, &e) == 0 &&
	    (r.verb == NULL || r.args < p || r.args + r.args_len > p + size))
		__builtin_trap();
	if (ctl_part_parse(p, size, &pt, &e) == 0 && (pt.text < p || pt.text + pt.len > p + size))
		__builtin_trap();
	/* Any bytes fed to an assembly are taken or refused, never overrun it. */
	ctl_assembly_init(&a, 1);
	for (size_t off = 0; off < size;) {
		size_t chunk = (size_t)data[off] % 64 + 1;

		if (chunk > size - off)
			chunk = size - off;
		if (ctl_assembly_take(&a, p + off, chunk, &e) == CTL_TAKE_BROKEN)
			break;
		off += chunk;
	}
	ctl_assembly_free(&a);
	/* Split as a reply, every part fits one datagram and reassembles to the text. */
	if (size > CTL_REPLY_MAX_BYTES)
		return 0;
	ctl_split_begin(&sp, 7, CTL_OK, p, size);
	ctl_assembly_init(&a, 7);
	while ((n = ctl_split_next(&sp, out)) > 0) {
		enum ctl_take t;

		if (n > CTL_DGRAM_MAX_BYTES || ++parts > CTL_MAX_PARTS)
			__builtin_trap();
		t = ctl_assembly_take(&a, out, n, &e);
		if (t == CTL_TAKE_BROKEN || t == CTL_TAKE_IGNORED)
			__builtin_trap();
		total += n;
	}
	if (a.text.len != size || (size > 0 && memcmp(a.text.data, p, size) != 0))
		__builtin_trap();
	(void)total;
	ctl_assembly_free(&a);
	return 0;
}
