/* SPDX-License-Identifier: ISC */
/* common/test_proto.c - unit tests for the frame codec (common/proto.h) against PROTOCOL.md. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Each type's fields as PROTOCOL.md section 3 lists them: b u8, h u16, w u32, q u64, s str. */
struct layout {
	uint8_t type;
	const char *name;
	enum frame_dir dir;
	const char *fields;
};

static const struct layout layouts[] = {
    {T_HELLO, "HELLO", DIR_C2S, "hss"},
    {T_WELCOME, "WELCOME", DIR_S2C, "hsssw"},
    {T_ERROR, "ERROR", DIR_S2C, "hs"},
    {T_BYE, "BYE", DIR_S2C, "s"},
    {T_PING, "PING", DIR_BOTH, "q"},
    {T_PONG, "PONG", DIR_BOTH, "q"},
    {T_SAY, "SAY", DIR_C2S, "sbs"},
    {T_NICK, "NICK", DIR_C2S, "s"},
    {T_WHO, "WHO", DIR_C2S, "s"},
    {T_QUIT, "QUIT", DIR_C2S, "s"},
    {T_ENTER, "ENTER", DIR_C2S, "sq"},
    {T_PART, "PART", DIR_C2S, "ss"},
    {T_LIST, "LIST", DIR_C2S, ""},
    {T_TOPIC, "TOPIC", DIR_C2S, "sbs"},
    {T_AWAY, "AWAY", DIR_C2S, "s"},
    {T_ANNOUNCE, "ANNOUNCE", DIR_C2S, "s"},
    {T_SLOW, "SLOW", DIR_C2S, "sw"},
    {T_MUTE, "MUTE", DIR_C2S, "sb"},
    {T_KICK, "KICK", DIR_C2S, "ss"},
    {T_HAND, "HAND", DIR_C2S, "b"},
    {T_MSG, "MSG", DIR_S2C, "qqssbs"},
    {T_JOIN, "JOIN", DIR_S2C, "qsss"},
    {T_LEAVE, "LEAVE", DIR_S2C, "qsss"},
    {T_RENAME, "RENAME", DIR_S2C, "qss"},
    {T_WHOREPLY, "WHOREPLY", DIR_S2C, "sbh"},
    {T_NOTICE, "NOTICE", DIR_S2C, "qs"},
    {T_TOPICIS, "TOPICIS", DIR_S2C, "qsss"},
    {T_ROOMLIST, "ROOMLIST", DIR_S2C, "bh"},
    {T_MISSED, "MISSED", DIR_S2C, "sqqb"},
    {T_DONE, "DONE", DIR_S2C, "wq"},
};

enum { N_LAYOUTS = sizeof layouts / sizeof layouts[0] };

static const struct layout *layout_of(uint8_t type)
{
	for (size_t i = 0; i < N_LAYOUTS; i++)
		if (layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

/* Strings of every kind a field may carry: empty, ASCII, 2-, 3- and 4-byte UTF-8. */
static const char *const pool[] = {
    "",
    "alice",
    "#lobby",
    "h\xc3\xa9llo w\xc3\xb6rld",
    "\xe4\xb8\x96\xe7\x95\x8c",
    "\xf0\x9f\x98\x80 emoji",
    "natter/0.1",
    "multi\nline\ttext",
};

enum { N_POOL = sizeof pool / sizeof pool[0] };

/* Fill f with type's fields: variant 0 zeros and empty strings, 1 maxima, 2 mixed. */
static void fill_frame(struct frame *f, uint8_t type, unsigned variant)
{
	const struct layout *l = layout_of(type);

	memset(f, 0, sizeof *f);
	f->type = type;
	if (l == NULL) {
		fail_msg("no layout for type 0x%02x", type);
		return;
	}
	for (size_t i = 0; l->fields[i] != '\0'; i++) {
		static const uint64_t max[] = {0xff, 0xffff, 0xffffffff, UINT64_MAX};
		static const uint64_t mid[] = {0x5a, 0x1234, 0x89abcdef, 0x0123456789abcdefULL};
		size_t w = l->fields[i] == 'b'	 ? 0
			   : l->fields[i] == 'h' ? 1
			   : l->fields[i] == 'w' ? 2
						 : 3;

		if (l->fields[i] == 's')
			f->f[i].s =
			    str_c(variant == 0 ? "" : pool[(i + variant * 3) % (N_POOL - 1) + 1]);
		else
			f->f[i].n = variant == 0 ? 0 : variant == 1 ? max[w] : mid[w] - i;
	}
}

/* Assert got carries exactly want's fields and trailing bytes. */
static void frame_check(const struct frame *got, const struct frame *want)
{
	const struct layout *l = layout_of(want->type);

	if (l == NULL) {
		fail_msg("no layout for type 0x%02x", want->type);
		return;
	}
	assert_int_equal(got->type, want->type);
	for (size_t i = 0; l->fields[i] != '\0'; i++) {
		if (l->fields[i] != 's') {
			assert_int_equal(got->f[i].n, want->f[i].n);
			continue;
		}
		assert_int_equal(got->f[i].s.len, want->f[i].s.len);
		if (want->f[i].s.len > 0)
			assert_memory_equal(got->f[i].s.p, want->f[i].s.p, want->f[i].s.len);
	}
	assert_int_equal(got->tag, want->tag);
	assert_int_equal(got->rest_len, want->rest_len);
	if (want->rest_len > 0)
		assert_memory_equal(got->rest, want->rest, want->rest_len);
}

/* Assert a decoded WHOREPLY's entries parse to the end and match its count. */
static void whoreply_check(const struct frame *f)
{
	const unsigned char *p = f->rest;
	size_t n = f->rest_len;
	struct who_entry e;
	uint64_t count = 0;
	int r;

	while ((r = who_next(&p, &n, &e)) == 1 && count <= UINT16_MAX)
		count++;
	assert_int_equal(r, 0);
	assert_int_equal(count, f->f[WHOREPLY_COUNT].n);
}

/* Append one WHOREPLY entry by hand, independently of who_add. */
static void put_entry(struct buf *b, const char *nick, const char *login, uint32_t idle)
{
	unsigned char n[2], l[2],
	    i[4] = {(unsigned char)(idle >> 24), (unsigned char)(idle >> 16),
		    (unsigned char)(idle >> 8), (unsigned char)idle};

	n[0] = (unsigned char)(strlen(nick) >> 8);
	n[1] = (unsigned char)strlen(nick);
	l[0] = (unsigned char)(strlen(login) >> 8);
	l[1] = (unsigned char)strlen(login);
	buf_append(b, n, 2);
	buf_append(b, nick, strlen(nick));
	buf_append(b, l, 2);
	buf_append(b, login, strlen(login));
	buf_append(b, i, 4);
	/* flags 0, no away message, no rooms */
	buf_append(b, "\x00\x00\x00\x00\x00", 5);
}

static const struct {
	const char *nick, *login;
	uint32_t idle;
} who_sample[] = {
    {"alice", "alice", 30},
    {"Bob_2", "z\xc3\xb6\xc3\xab", 0},
    {"carol.x", "", UINT32_MAX},
};

enum { N_WHO_SAMPLE = sizeof who_sample / sizeof who_sample[0] };

/* The stream used by the reassembly tests, and the frames it must decode to. */
struct stream {
	struct buf bytes;
	struct buf entries;
	struct frame want[N_LAYOUTS + 3];
	size_t n;
};

static void stream_build(struct stream *s)
{
	static const unsigned char ext[] = {0xde, 0xad, 0xbe, 0xef, 0x00};
	struct list_builder w;

	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < N_WHO_SAMPLE; i++)
		put_entry(&s->entries, who_sample[i].nick, who_sample[i].login, who_sample[i].idle);
	for (size_t i = 0; i < N_LAYOUTS; i++) {
		fill_frame(&s->want[s->n], layouts[i].type, 1 + (unsigned)(i % 2));
		if (layouts[i].type == T_WHOREPLY) {
			s->want[s->n].f[WHOREPLY_MORE].n = 1;
			s->want[s->n].f[WHOREPLY_COUNT].n = N_WHO_SAMPLE;
			s->want[s->n].rest = s->entries.data;
			s->want[s->n].rest_len = s->entries.len;
		}
		assert_int_equal(proto_encode(&s->bytes, &s->want[s->n]), 0);
		s->n++;
	}
	/* A WHOREPLY made by the builder must decode like the hand-made one. */
	fill_frame(&s->want[s->n], T_WHOREPLY, 2);
	s->want[s->n].f[WHOREPLY_ROOM].s = str_c("#caf\xc3\xa9");
	s->want[s->n].f[WHOREPLY_MORE].n = 0;
	s->want[s->n].f[WHOREPLY_COUNT].n = N_WHO_SAMPLE;
	s->want[s->n].rest = s->entries.data;
	s->want[s->n].rest_len = s->entries.len;
	who_begin(&w, &s->bytes, s->want[s->n].f[WHOREPLY_ROOM].s);
	for (size_t i = 0; i < N_WHO_SAMPLE; i++) {
		struct who_entry e = {.nick = str_c(who_sample[i].nick),
				      .login = str_c(who_sample[i].login),
				      .idle = who_sample[i].idle};

		assert_true(who_add(&w, &e));
	}
	who_finish(&w, false);
	s->n++;
	/* An empty WHOREPLY, and a PING carrying fields from a later minor version. */
	fill_frame(&s->want[s->n], T_WHOREPLY, 0);
	s->want[s->n].f[WHOREPLY_ROOM].s = str_c("#lobby");
	who_begin(&w, &s->bytes, s->want[s->n].f[WHOREPLY_ROOM].s);
	who_finish(&w, false);
	s->n++;
	fill_frame(&s->want[s->n], T_PING, 2);
	s->want[s->n].rest = ext;
	s->want[s->n].rest_len = sizeof ext;
	assert_int_equal(proto_encode(&s->bytes, &s->want[s->n]), 0);
	s->n++;
}

static void stream_free(struct stream *s)
{
	buf_free(&s->bytes);
	buf_free(&s->entries);
}

/* Append bytes to a receive buffer and decode every complete frame, checking each. */
static void feed(struct buf *in, const unsigned char *p, size_t n, const struct stream *s,
		 size_t *got)
{
	buf_append(in, p, n);
	for (size_t guard = 0; guard <= s->n; guard++) {
		long r = frame_complete(in->data, in->len);
		struct frame f;

		assert_true(r >= 0);
		if (r == 0)
			return;
		assert_true(*got < s->n);
		assert_true((size_t)r <= in->len);
		assert_int_equal(in->data[0], 0x00);
		assert_int_equal(
		    proto_decode(in->data + FRAME_HEADER_BYTES, (size_t)r - FRAME_HEADER_BYTES, &f),
		    0);
		frame_check(&f, &s->want[*got]);
		if (f.type == T_WHOREPLY)
			whoreply_check(&f);
		(*got)++;
		buf_consume(in, (size_t)r);
	}
	fail_msg("more frames decoded than were sent");
}

static void test_stream_all_at_once(void **state)
{
	struct stream s;
	struct buf in = {0};
	size_t got = 0;

	(void)state;
	stream_build(&s);
	feed(&in, s.bytes.data, s.bytes.len, &s, &got);
	assert_int_equal(got, s.n);
	assert_int_equal(in.len, 0);
	buf_free(&in);
	stream_free(&s);
}

static void test_stream_every_split(void **state)
{
	struct stream s;

	(void)state;
	stream_build(&s);
	for (size_t k = 0; k <= s.bytes.len; k++) {
		struct buf in = {0};
		size_t got = 0;

		feed(&in, s.bytes.data, k, &s, &got);
		feed(&in, s.bytes.data + k, s.bytes.len - k, &s, &got);
		assert_int_equal(got, s.n);
		assert_int_equal(in.len, 0);
		buf_free(&in);
	}
	stream_free(&s);
}

static void test_stream_byte_at_a_time(void **state)
{
	struct stream s;
	struct buf in = {0};
	size_t got = 0;

	(void)state;
	stream_build(&s);
	for (size_t k = 0; k < s.bytes.len; k++)
		feed(&in, s.bytes.data + k, 1, &s, &got);
	assert_int_equal(got, s.n);
	assert_int_equal(in.len, 0);
	buf_free(&in);
	stream_free(&s);
}

static void test_roundtrip_every_type(void **state)
{
	static const unsigned char ext[] = {0x01, 0x02, 0x03, 0x00, 0xff};

	(void)state;
	for (size_t i = 0; i < N_LAYOUTS; i++) {
		for (unsigned variant = 0; variant < 3; variant++) {
			struct buf out = {0};
			struct frame want, got;
			size_t body;

			fill_frame(&want, layouts[i].type, variant);
			buf_append(&out, "xyz", 3);
			assert_int_equal(proto_encode(&out, &want), 0);
			assert_memory_equal(out.data, "xyz", 3);
			body = out.len - 3 - FRAME_HEADER_BYTES;
			assert_int_equal(out.data[3], 0x00);
			assert_int_equal(frame_body_len(out.data + 3), body);
			assert_int_equal(frame_complete(out.data + 3, out.len - 3),
					 (long)(out.len - 3));
			assert_int_equal(out.data[3 + FRAME_HEADER_BYTES], layouts[i].type);
			assert_int_equal(
			    proto_decode(out.data + 3 + FRAME_HEADER_BYTES, body, &got), 0);
			frame_check(&got, &want);
			assert_int_equal(got.rest_len, 0);

			/* Version 3 reads the first 4 bytes after the fields as the tag
			 * (a list frame's after its entries: test_tagged_list_frames); a
			 * peer of a later minor version appends fields after that, and
			 * they are ignored. HELLO, BYE and WELCOME have optional fields of
			 * their own there (test_v3_hex, test_protocol_md_hex). */
			if (layouts[i].type == T_WHOREPLY || layouts[i].type == T_ROOMLIST ||
			    layouts[i].type == T_HELLO || layouts[i].type == T_BYE ||
			    layouts[i].type == T_WELCOME) {
				buf_free(&out);
				continue;
			}
			buf_append(&out, ext, sizeof ext);
			assert_int_equal(proto_decode(out.data + 3 + FRAME_HEADER_BYTES,
						      body + sizeof ext, &got),
					 0);
			want.tag = 0x01020300;
			want.rest = ext + 4;
			want.rest_len = sizeof ext - 4;
			frame_check(&got, &want);

			/* proto_encode sends rest after the fields. */
			buf_clear(&out);
			assert_int_equal(proto_encode(&out, &want), 0);
			assert_int_equal(frame_body_len(out.data), body + sizeof ext);
			assert_memory_equal(out.data + out.len - sizeof ext, ext, sizeof ext);
			assert_int_equal(proto_decode(out.data + FRAME_HEADER_BYTES,
						      out.len - FRAME_HEADER_BYTES, &got),
					 0);
			frame_check(&got, &want);
			buf_free(&out);
		}
	}
}

static void test_type_table(void **state)
{
	(void)state;
	for (unsigned t = 0; t < 256; t++) {
		const struct layout *l = layout_of((uint8_t)t);

		if (l == NULL) {
			assert_null(frame_type_name((uint8_t)t));
			assert_int_equal(frame_type_dir((uint8_t)t), 0);
		} else {
			assert_string_equal(frame_type_name((uint8_t)t), l->name);
			assert_int_equal(frame_type_dir((uint8_t)t), l->dir);
		}
	}
	assert_string_equal(error_code_name(ERR_NICK_TAKEN), "ERR_NICK_TAKEN");
	assert_string_equal(error_code_name(ERR_FRAME_SIZE), "ERR_FRAME_SIZE");
	assert_string_equal(error_code_name(999), "ERR_UNKNOWN");
	assert_string_equal(error_code_name(ERR_NOT_TEACHER), "ERR_NOT_TEACHER");
	assert_string_equal(error_code_name(ERR_READ_ONLY), "ERR_READ_ONLY");
	assert_string_equal(error_code_name(ERR_SLOW_MODE), "ERR_SLOW_MODE");
	assert_false(error_is_fatal(ERR_SLOW_MODE));
	/* Version 2 added the classroom requests, version 3 DONE; everything else is version 1. */
	assert_int_equal(PROTO_VERSION, 3);
	assert_int_equal(PROTO_MIN_VERSION, 1);
	for (unsigned t = 0; t < 256; t++) {
		bool v2 = t >= T_ANNOUNCE && t <= T_HAND;

		unsigned want = layout_of((uint8_t)t) == NULL ? 0 : t == T_DONE ? 3 : v2 ? 2 : 1;

		assert_int_equal(frame_type_since((uint8_t)t), want);
	}
	assert_true(error_is_fatal(ERR_VERSION));
	assert_true(error_is_fatal(ERR_TIMEOUT));
	assert_false(error_is_fatal(ERR_NICK_INVALID));
	assert_false(error_is_fatal(ERR_NO_SUCH_TARGET));
}

static void test_frame_complete_limits(void **state)
{
	static const unsigned char zero[] = {0x00, 0x00, 0x00, 0x00};
	static const unsigned char over[] = {0x00, 0x01, 0x00, 0x01};
	static const unsigned char ones[] = {0xff, 0xff, 0xff, 0xff};
	static const unsigned char top[] = {0x80, 0x00, 0x00, 0x01};
	unsigned char *p = calloc(1, MAX_FRAME_BYTES + 1);

	(void)state;
	assert_non_null(p);
	assert_int_equal(frame_complete(zero, 4), -1);
	assert_int_equal(frame_complete(over, 4), -1);
	assert_int_equal(frame_complete(ones, 4), -1);
	assert_int_equal(frame_complete(top, 4), -1);
	assert_int_equal(frame_body_len(ones), 0xffffffffu);
	/* Fewer than 4 header bytes: always "need more", whatever they hold. */
	for (size_t n = 0; n < FRAME_HEADER_BYTES; n++) {
		assert_int_equal(frame_complete(zero, n), 0);
		assert_int_equal(frame_complete(over, n), 0);
		assert_int_equal(frame_complete(ones, n), 0);
	}
	assert_int_equal(frame_complete(NULL, 0), 0);
	/* Every legal length: need more until the whole body is in, never more. */
	for (uint32_t len = 1; len <= MAX_BODY_BYTES; len++) {
		p[0] = (unsigned char)(len >> 24);
		p[1] = (unsigned char)(len >> 16);
		p[2] = (unsigned char)(len >> 8);
		p[3] = (unsigned char)len;
		if (frame_complete(p, FRAME_HEADER_BYTES) != 0 ||
		    frame_complete(p, FRAME_HEADER_BYTES + len - 1) != 0 ||
		    frame_complete(p, FRAME_HEADER_BYTES + len) !=
			(long)(FRAME_HEADER_BYTES + len) ||
		    frame_complete(p, FRAME_HEADER_BYTES + len + 1) !=
			(long)(FRAME_HEADER_BYTES + len))
			fail_msg("frame_complete wrong for body length %u", (unsigned)len);
	}
	p[0] = 0x00, p[1] = 0x01, p[2] = 0x00, p[3] = 0x00;
	assert_int_equal(frame_complete(p, MAX_FRAME_BYTES), MAX_FRAME_BYTES);
	/* 65537 is refused on the header alone, and still refused with the body present. */
	p[3] = 0x01;
	assert_int_equal(frame_complete(p, FRAME_HEADER_BYTES), -1);
	assert_int_equal(frame_complete(p, MAX_FRAME_BYTES + 1), -1);
	free(p);
}

/* Encode a NOTICE whose text is n bytes long into out. */
static int encode_notice(struct buf *out, size_t n, char *text)
{
	struct frame f = {.type = T_NOTICE};

	memset(text, 'x', n);
	f.f[NOTICE_TIME].n = 1;
	f.f[NOTICE_TEXT].s = str_n(text, n);
	return proto_encode(out, &f);
}

static void test_encode_limits(void **state)
{
	/* NOTICE body: type 1 + time 8 + str count 2 + text. */
	const size_t fit = MAX_BODY_BYTES - 11;
	char *text = malloc(UINT16_MAX + 2);
	struct buf out = {0};
	struct frame f = {.type = T_BYE};
	struct frame got;

	(void)state;
	assert_non_null(text);
	assert_int_equal(encode_notice(&out, fit, text), 0);
	assert_int_equal(out.len, MAX_FRAME_BYTES);
	assert_memory_equal(out.data, "\x00\x01\x00\x00", 4);
	assert_int_equal(frame_complete(out.data, out.len), MAX_FRAME_BYTES);
	assert_int_equal(proto_decode(out.data + 4, out.len - 4, &got), 0);
	assert_int_equal(got.f[NOTICE_TEXT].s.len, fit);

	/* One byte more: refused, out exactly as it was. */
	buf_clear(&out);
	buf_append(&out, "keep", 4);
	assert_int_equal(encode_notice(&out, fit + 1, text), -1);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);

	/* Strings that do not fit a u16 count are refused. */
	memset(text, 'y', UINT16_MAX + 1);
	for (size_t n = UINT16_MAX; n <= UINT16_MAX + 1; n++) {
		f.f[BYE_REASON].s = str_n(text, n);
		assert_int_equal(proto_encode(&out, &f), -1);
		assert_int_equal(out.len, 4);
		assert_memory_equal(out.data, "keep", 4);
	}

	/* Trailing bytes (after version 3's 4 tag bytes) count towards the limit too. */
	f.type = T_PING;
	f.f[PING_TOKEN].n = 7;
	f.rest = (const unsigned char *)text;
	f.rest_len = MAX_BODY_BYTES - 9 - 4;
	assert_int_equal(proto_encode(&out, &f), 0);
	assert_int_equal(out.len, 4 + MAX_FRAME_BYTES);
	assert_int_equal(out.data[4], 0x00);
	out.len = 4;
	f.rest_len++;
	assert_int_equal(proto_encode(&out, &f), -1);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);

	/* Unknown types are not encoded. */
	f.rest_len = 0;
	f.type = 0x00;
	assert_int_equal(proto_encode(&out, &f), -1);
	f.type = 0x7f;
	assert_int_equal(proto_encode(&out, &f), -1);
	assert_int_equal(out.len, 4);
	buf_free(&out);
	free(text);
}

static void test_decode_unknown_type(void **state)
{
	unsigned char body[64] = {0};
	struct frame f;

	(void)state;
	for (unsigned t = 0; t < 256; t++) {
		int r;

		body[0] = (unsigned char)t;
		r = proto_decode(body, sizeof body, &f);
		if (layout_of((uint8_t)t) == NULL) {
			assert_int_equal(r, ERR_UNKNOWN_TYPE);
			/* A lone unknown type byte is still an unknown type. */
			assert_int_equal(proto_decode(body, 1, &f), ERR_UNKNOWN_TYPE);
		} else {
			assert_int_equal(r, 0);
			assert_int_equal(f.type, t);
		}
	}
	assert_int_equal(proto_decode(body, 0, &f), ERR_FRAME_SIZE);
}

static void test_decode_every_truncation(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_LAYOUTS; i++) {
		for (unsigned variant = 0; variant < 3; variant++) {
			struct buf out = {0};
			struct frame want, got;
			const unsigned char *body;
			size_t len;

			fill_frame(&want, layouts[i].type, variant);
			assert_int_equal(proto_encode(&out, &want), 0);
			body = out.data + FRAME_HEADER_BYTES;
			len = out.len - FRAME_HEADER_BYTES;
			for (size_t cut = 1; cut < len; cut++) {
				/* A copy of exactly cut bytes, so ASan sees any read past it. */
				unsigned char *p;

				/* Without its version 3 roles byte a WELCOME is a whole older one.
				 */
				if (want.type == T_WELCOME && want.f[WELCOME_VERSION].n >= 3 &&
				    cut == len - 1)
					continue;
				p = malloc(cut);

				assert_non_null(p);
				memcpy(p, body, cut);
				if (proto_decode(p, cut, &got) != ERR_MALFORMED)
					fail_msg("%s variant %u cut at %zu/%zu not ERR_MALFORMED",
						 layouts[i].name, variant, cut, len);
				free(p);
			}
			assert_int_equal(proto_decode(body, len, &got), 0);
			buf_free(&out);
		}
	}
}

static void test_decode_string_overrun(void **state)
{
	/* SAY whose target claims 0xffff bytes, and one whose text claims one too many. */
	static const unsigned char huge[] = {T_SAY, 0xff, 0xff, 'a', 'b'};
	static const unsigned char one_more[] = {T_SAY, 0x00, 0x00, 0x00, 0x00, 0x03, 'h', 'i'};
	struct frame f;

	(void)state;
	assert_int_equal(proto_decode(huge, sizeof huge, &f), ERR_MALFORMED);
	assert_int_equal(proto_decode(one_more, sizeof one_more, &f), ERR_MALFORMED);
	assert_int_equal(proto_decode(one_more, sizeof one_more - 1, &f), ERR_MALFORMED);
}

/* Encode f and compare with the hex copied from PROTOCOL.md section 6. */
static void check_hex(const struct frame *f, const unsigned char *hex, size_t n)
{
	struct buf out = {0};
	struct frame got;

	assert_int_equal(proto_encode(&out, f), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, hex, n);
	assert_int_equal(frame_complete(hex, n), (long)n);
	assert_int_equal(proto_decode(hex + 4, n - 4, &got), 0);
	frame_check(&got, f);
	buf_free(&out);
}

static void test_protocol_md_hex(void **state)
{
	static const unsigned char hello[] = {0x00, 0x00, 0x00, 0x16, 0x01, 0x00, 0x01, 0x00, 0x05,
					      0x61, 0x6c, 0x69, 0x63, 0x65, 0x00, 0x0a, 0x6e, 0x61,
					      0x74, 0x74, 0x65, 0x72, 0x2f, 0x30, 0x2e, 0x31};
	static const unsigned char welcome[] = {
	    0x00, 0x00, 0x00, 0x1f, 0x02, 0x00, 0x01, 0x00, 0x05, 0x61, 0x6c, 0x69,
	    0x63, 0x65, 0x00, 0x07, 0x6e, 0x61, 0x74, 0x74, 0x65, 0x72, 0x64, 0x00,
	    0x06, 0x23, 0x6c, 0x6f, 0x62, 0x62, 0x79, 0x00, 0x00, 0x00, 0x03};
	static const unsigned char say[] = {0x00, 0x00, 0x00, 0x08, 0x10, 0x00,
					    0x00, 0x00, 0x00, 0x02, 0x68, 0x69};
	static const unsigned char msg[] = {
	    0x00, 0x00, 0x00, 0x23, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
	    0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, 0x00, 0x06, 0x23, 0x6c, 0x6f,
	    0x62, 0x62, 0x79, 0x00, 0x03, 0x62, 0x6f, 0x62, 0x00, 0x00, 0x02, 0x68, 0x69};
	static const unsigned char error[] = {0x00, 0x00, 0x00, 0x16, 0x03, 0x00, 0xc9, 0x00, 0x11,
					      0x6e, 0x69, 0x63, 0x6b, 0x20, 0x62, 0x6f, 0x62, 0x20,
					      0x69, 0x73, 0x20, 0x74, 0x61, 0x6b, 0x65, 0x6e};
	static const unsigned char ping[] = {0x00, 0x00, 0x00, 0x09, 0x05, 0x00, 0x00,
					     0x00, 0x00, 0x00, 0x00, 0x00, 0x2a};
	static const unsigned char bye[] = {0x00, 0x00, 0x00, 0x07, 0x04, 0x00,
					    0x04, 0x71, 0x75, 0x69, 0x74};
	/* SLOW #lab, 30 s (PROTOCOL.md section 6, a version 2 request). */
	static const unsigned char slow[] = {0x00, 0x00, 0x00, 0x0b, 0x1a, 0x00, 0x04, 0x23,
					     0x6c, 0x61, 0x62, 0x00, 0x00, 0x00, 0x1e};
	static const unsigned char len0[] = {0x00, 0x00, 0x00, 0x00};
	static const unsigned char len65537[] = {0x00, 0x01, 0x00, 0x01};
	struct frame f;

	(void)state;
	memset(&f, 0, sizeof f);
	f.type = T_HELLO;
	f.f[HELLO_VERSION].n = 1; /* the example is version 1's; the layout never changes */
	f.f[HELLO_NICK].s = str_c("alice");
	f.f[HELLO_CLIENT].s = str_c("natter/0.1");
	check_hex(&f, hello, sizeof hello);

	memset(&f, 0, sizeof f);
	f.type = T_WELCOME;
	f.f[WELCOME_VERSION].n = 1;
	f.f[WELCOME_NICK].s = str_c("alice");
	f.f[WELCOME_SERVER].s = str_c("natterd");
	f.f[WELCOME_ROOM].s = str_c(DEFAULT_ROOM);
	f.f[WELCOME_USERS].n = 3;
	check_hex(&f, welcome, sizeof welcome);

	memset(&f, 0, sizeof f);
	f.type = T_SAY;
	f.f[SAY_TARGET].s = str_c("");
	f.f[SAY_FLAGS].n = 0;
	f.f[SAY_TEXT].s = str_c("hi");
	check_hex(&f, say, sizeof say);

	memset(&f, 0, sizeof f);
	f.type = T_SLOW;
	f.f[SLOW_ROOM].s = str_c("#lab");
	f.f[SLOW_SECONDS].n = 30;
	check_hex(&f, slow, sizeof slow);

	memset(&f, 0, sizeof f);
	f.type = T_MSG;
	f.f[MSG_ID].n = 7;
	f.f[MSG_TIME].n = 1700000000000ULL;
	f.f[MSG_TARGET].s = str_c("#lobby");
	f.f[MSG_FROM].s = str_c("bob");
	f.f[MSG_FLAGS].n = 0;
	f.f[MSG_TEXT].s = str_c("hi");
	check_hex(&f, msg, sizeof msg);

	memset(&f, 0, sizeof f);
	f.type = T_ERROR;
	f.f[ERROR_CODE].n = ERR_NICK_TAKEN;
	f.f[ERROR_TEXT].s = str_c("nick bob is taken");
	check_hex(&f, error, sizeof error);

	memset(&f, 0, sizeof f);
	f.type = T_PING;
	f.f[PING_TOKEN].n = 42;
	check_hex(&f, ping, sizeof ping);

	memset(&f, 0, sizeof f);
	f.type = T_BYE;
	f.f[BYE_REASON].s = str_c("quit");
	check_hex(&f, bye, sizeof bye);

	assert_int_equal(frame_complete(len0, sizeof len0), -1);
	assert_int_equal(frame_complete(len65537, sizeof len65537), -1);
}

/* Version 3 (PROTOCOL.md 3.7, 3.11 and section 6): tags, DONE and BYE's code, byte for byte. */
static void test_v3_hex(void **state)
{
	static const unsigned char who[] = {0x00, 0x00, 0x00, 0x0b, 0x12, 0x00, 0x04, 0x23,
					    0x64, 0x65, 0x76, 0x00, 0x00, 0x00, 0x07};
	static const unsigned char done[] = {0x00, 0x00, 0x00, 0x0d, 0x29, 0x00, 0x00, 0x00, 0x07,
					     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	static const unsigned char bye[] = {0x00, 0x00, 0x00, 0x09, 0x04, 0x00, 0x04,
					    0x71, 0x75, 0x69, 0x74, 0x00, 0x01};
	struct frame f;

	(void)state;
	memset(&f, 0, sizeof f);
	f.type = T_WHO;
	f.f[WHO_TARGET].s = str_c("#dev");
	f.tag = 7;
	check_hex(&f, who, sizeof who);

	memset(&f, 0, sizeof f);
	f.type = T_DONE;
	f.f[DONE_TAG].n = 7;
	check_hex(&f, done, sizeof done);

	memset(&f, 0, sizeof f);
	f.type = T_BYE;
	f.f[BYE_REASON].s = str_c("quit");
	f.f[BYE_CODE].n = BYE_QUIT;
	check_hex(&f, bye, sizeof bye);
	assert_false(bye_may_reconnect(BYE_KICKED));

	/* WELCOME's roles byte goes to version 3 only; an older WELCOME is unchanged. */
	memset(&f, 0, sizeof f);
	f.type = T_WELCOME;
	f.f[WELCOME_VERSION].n = 3;
	f.f[WELCOME_NICK].s = str_c("t");
	f.f[WELCOME_ROLES].n = ROLE_CLASSROOM | ROLE_TEACHER;
	{
		struct buf out = {0};
		struct frame got;

		assert_int_equal(proto_encode(&out, &f), 0);
		assert_int_equal(out.data[out.len - 1], ROLE_CLASSROOM | ROLE_TEACHER);
		assert_int_equal(proto_decode(out.data + 4, out.len - 4, &got), 0);
		assert_int_equal(got.f[WELCOME_ROLES].n, ROLE_CLASSROOM | ROLE_TEACHER);
		buf_clear(&out);
		f.f[WELCOME_VERSION].n = 2;
		assert_int_equal(proto_encode(&out, &f), 0);
		assert_int_equal(out.len, 4 + 1 + 2 + 2 + 1 + 2 + 2 + 4);
		buf_free(&out);
	}
	assert_true(bye_may_reconnect(BYE_SHUTDOWN));
}

/* A list frame's tag follows its count-th entry; tagging encoded frames keeps them whole. */
static void test_tagged_list_frames(void **state)
{
	struct list_builder w;
	struct buf out = {0}, tagged = {0};
	struct who_entry e = {.nick = {"ann", 3}, .login = {"ann", 3}, .rooms = {"#a", 2}};
	struct who_entry got;
	const unsigned char *p;
	size_t n, frames = 0;
	struct frame f;
	long whole;

	(void)state;
	who_begin(&w, &out, str_c("#a"));
	assert_true(who_add(&w, &e));
	assert_true(who_add(&w, &e));
	who_finish(&w, false);
	assert_int_equal(proto_tag_frames(&tagged, out.data, out.len, 0xdeadbeef), 0);
	assert_int_equal(tagged.len, out.len + 4);
	whole = frame_complete(tagged.data, tagged.len);
	assert_int_equal(whole, (long)tagged.len);
	assert_int_equal(proto_decode(tagged.data + 4, tagged.len - 4, &f), 0);
	assert_int_equal(f.tag, 0xdeadbeef);
	p = f.rest, n = f.rest_len;
	while (who_next(&p, &n, &got) == 1) {
		assert_true(str_eq(got.nick, "ann"));
		frames++;
	}
	assert_int_equal(frames, 2);
	assert_int_equal(n, 0);
	/* Untagged (versions 1 and 2): no tag, and the entries are all of rest. */
	assert_int_equal(proto_decode(out.data + 4, out.len - 4, &f), 0);
	assert_int_equal(f.tag, 0);
	buf_free(&out);
	buf_free(&tagged);
}

enum { MANY_WHO = 12000 };

static void test_who_builder_splits(void **state)
{
	struct who_entry *ent = calloc(MANY_WHO, sizeof *ent);
	char(*names)[2][48] = calloc(MANY_WHO, sizeof *names);
	struct buf out = {0};
	struct list_builder w;
	size_t frames = 1, pos = 0, idx = 0;

	(void)state;
	assert_non_null(ent);
	assert_non_null(names);
	for (size_t i = 0; i < MANY_WHO; i++) {
		int a = snprintf(names[i][0], sizeof names[i][0], "user%05zu", i);
		int b = snprintf(
		    names[i][1], sizeof names[i][1], "login-%zu-%.*s", i * 7, (int)(i % 9) * 2,
		    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");

		assert_true(a > 0 && (size_t)a < sizeof names[i][0]);
		assert_true(b > 0 && (size_t)b < sizeof names[i][1]);
		ent[i].nick = str_c(names[i][0]);
		ent[i].login = str_c(names[i][1]);
		ent[i].idle = i % 5 == 0 ? UINT32_MAX : (uint32_t)(i * 37);
	}
	buf_append(&out, "\x00\x00\x00\x01\x06", 5); /* an earlier frame in the queue */
	who_begin(&w, &out, str_c(DEFAULT_ROOM));
	for (size_t i = 0; i < MANY_WHO; i++) {
		if (who_add(&w, &ent[i]))
			continue;
		who_finish(&w, true);
		frames++;
		who_begin(&w, &out, str_c(DEFAULT_ROOM));
		assert_true(who_add(&w, &ent[i]));
	}
	who_finish(&w, false);
	assert_true(frames >= 4);

	assert_int_equal(frame_complete(out.data, out.len), 5);
	pos = 5;
	for (size_t fr = 0; fr < frames; fr++) {
		long r = frame_complete(out.data + pos, out.len - pos);
		const unsigned char *p;
		size_t n, body, count = 0;
		struct who_entry e;
		struct frame f;
		int rc;

		assert_true(r > 0);
		body = (size_t)r - FRAME_HEADER_BYTES;
		assert_true(body <= MAX_BODY_BYTES);
		assert_int_equal(out.data[pos], 0x00);
		assert_int_equal(proto_decode(out.data + pos + 4, body, &f), 0);
		assert_int_equal(f.type, T_WHOREPLY);
		assert_true(str_eq(f.f[WHOREPLY_ROOM].s, DEFAULT_ROOM));
		assert_int_equal(f.f[WHOREPLY_MORE].n, fr + 1 < frames ? 1 : 0);
		p = f.rest;
		n = f.rest_len;
		while ((rc = who_next(&p, &n, &e)) == 1 && idx < MANY_WHO) {
			assert_int_equal(e.nick.len, ent[idx].nick.len);
			assert_memory_equal(e.nick.p, ent[idx].nick.p, e.nick.len);
			assert_int_equal(e.login.len, ent[idx].login.len);
			assert_memory_equal(e.login.p, ent[idx].login.p, e.login.len);
			assert_int_equal(e.idle, ent[idx].idle);
			idx++;
			count++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(f.f[WHOREPLY_COUNT].n, count);
		/* A frame is only cut when the next entry would not have fit. */
		if (fr + 1 < frames)
			assert_true(body + 13 + ent[idx].nick.len + ent[idx].login.len >
				    MAX_BODY_BYTES);
		pos += (size_t)r;
	}
	assert_int_equal(pos, out.len);
	assert_int_equal(idx, MANY_WHO);
	buf_free(&out);
	free(names);
	free(ent);
}

static void test_who_builder_exact_fit(void **state)
{
	/* WHOREPLY fixed part for "#lobby": type 1 + str 8 + more 1 + count 2 = 12;
	 * an entry is nick 2+1, login 2+L, idle 4, flags 1, away 2, rooms 2. */
	const size_t login_fit = MAX_BODY_BYTES - 12 - 13 - 1;
	char *login = malloc(login_fit + 1);
	struct who_entry big = {0}, small = {.nick = str_c("y"), .login = str_c(""), .idle = 5};
	struct buf out = {0};
	struct list_builder w;
	struct frame f;
	const unsigned char *p;
	size_t n;

	(void)state;
	assert_non_null(login);
	memset(login, 'L', login_fit + 1);
	big.nick = str_c("x");
	big.idle = 9;

	/* An entry one byte too big for an empty frame is refused. */
	big.login = str_n(login, login_fit + 1);
	who_begin(&w, &out, str_c(DEFAULT_ROOM));
	assert_false(who_add(&w, &big));
	who_finish(&w, false);
	assert_int_equal(frame_complete(out.data, out.len), FRAME_HEADER_BYTES + 12);

	/* Exactly filling the frame is accepted; nothing more then fits. */
	buf_clear(&out);
	big.login = str_n(login, login_fit);
	who_begin(&w, &out, str_c(DEFAULT_ROOM));
	assert_true(who_add(&w, &big));
	assert_false(who_add(&w, &small));
	who_finish(&w, true);
	assert_int_equal(out.len, MAX_FRAME_BYTES);
	assert_int_equal(frame_complete(out.data, out.len), MAX_FRAME_BYTES);
	assert_int_equal(proto_decode(out.data + 4, out.len - 4, &f), 0);
	assert_int_equal(f.f[WHOREPLY_MORE].n, 1);
	assert_int_equal(f.f[WHOREPLY_COUNT].n, 1);
	p = f.rest;
	n = f.rest_len;
	assert_int_equal(who_next(&p, &n, &small), 1);
	assert_int_equal(small.login.len, login_fit);
	assert_int_equal(small.idle, 9);
	assert_int_equal(who_next(&p, &n, &small), 0);
	buf_free(&out);
	free(login);
}

static void test_who_next_malformed(void **state)
{
	struct buf ent = {0};
	size_t bounds[N_WHO_SAMPLE + 1] = {0};

	(void)state;
	for (size_t i = 0; i < N_WHO_SAMPLE; i++) {
		put_entry(&ent, who_sample[i].nick, who_sample[i].login, who_sample[i].idle);
		bounds[i + 1] = ent.len;
	}
	/* Every prefix: whole entries iterate to 0, a cut entry gives -1. */
	for (size_t cut = 0; cut <= ent.len; cut++) {
		unsigned char *copy = malloc(cut + 1);
		const unsigned char *p = copy;
		size_t n = cut, seen = 0, whole = 0;
		struct who_entry e;
		int r;

		assert_non_null(copy);
		if (cut > 0)
			memcpy(copy, ent.data, cut);
		while ((r = who_next(&p, &n, &e)) == 1 && seen <= N_WHO_SAMPLE) {
			assert_true(str_eq(e.nick, who_sample[seen].nick));
			assert_true(str_eq(e.login, who_sample[seen].login));
			assert_int_equal(e.idle, who_sample[seen].idle);
			seen++;
		}
		for (size_t b = 0; b <= N_WHO_SAMPLE; b++)
			if (bounds[b] <= cut)
				whole = b;
		assert_int_equal(seen, whole);
		assert_int_equal(r, bounds[whole] == cut ? 0 : -1);
		free(copy);
	}
	/* A nick whose count runs past the end. */
	{
		static const unsigned char bad[] = {0x00, 0x09, 'a', 'b', 0x00, 0x00, 0, 0, 0, 1};
		const unsigned char *p = bad;
		size_t n = sizeof bad;
		struct who_entry e;

		assert_int_equal(who_next(&p, &n, &e), -1);
	}
	buf_free(&ent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_all_at_once),
	    cmocka_unit_test(test_stream_every_split),
	    cmocka_unit_test(test_stream_byte_at_a_time),
	    cmocka_unit_test(test_roundtrip_every_type),
	    cmocka_unit_test(test_type_table),
	    cmocka_unit_test(test_frame_complete_limits),
	    cmocka_unit_test(test_encode_limits),
	    cmocka_unit_test(test_decode_unknown_type),
	    cmocka_unit_test(test_decode_every_truncation),
	    cmocka_unit_test(test_decode_string_overrun),
	    cmocka_unit_test(test_protocol_md_hex),
	    cmocka_unit_test(test_v3_hex),
	    cmocka_unit_test(test_tagged_list_frames),
	    cmocka_unit_test(test_who_builder_splits),
	    cmocka_unit_test(test_who_builder_exact_fit),
	    cmocka_unit_test(test_who_next_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
