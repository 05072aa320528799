/* proto.c - table-driven encoder and decoder for natter frames. */
#include "proto.h"

#include <string.h>

/*
 * Each frame type's fields, as one letter per field in wire order:
 * b = u8, h = u16, w = u32, q = u64, s = str. One table drives both the
 * encoder and the decoder, so they cannot disagree.
 */
struct frame_spec {
	uint8_t type;
	enum frame_dir dir;
	const char *name;
	const char *fields;
};

static const struct frame_spec specs[] = {
	{T_HELLO, DIR_C2S, "HELLO", "hss"},
	{T_WELCOME, DIR_S2C, "WELCOME", "hsssw"},
	{T_ERROR, DIR_S2C, "ERROR", "hs"},
	{T_BYE, DIR_S2C, "BYE", "s"},
	{T_PING, DIR_BOTH, "PING", "q"},
	{T_PONG, DIR_BOTH, "PONG", "q"},
	{T_SAY, DIR_C2S, "SAY", "sbs"},
	{T_NICK, DIR_C2S, "NICK", "s"},
	{T_WHO, DIR_C2S, "WHO", "s"},
	{T_QUIT, DIR_C2S, "QUIT", "s"},
	{T_MSG, DIR_S2C, "MSG", "qqssbs"},
	{T_JOIN, DIR_S2C, "JOIN", "qsss"},
	{T_LEAVE, DIR_S2C, "LEAVE", "qsss"},
	{T_RENAME, DIR_S2C, "RENAME", "qss"},
	{T_WHOREPLY, DIR_S2C, "WHOREPLY", "sbh"},
	{T_NOTICE, DIR_S2C, "NOTICE", "qs"},
};

static const struct frame_spec *spec_of(uint8_t type)
{
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
		if (specs[i].type == type)
			return &specs[i];
	return NULL;
}

const char *frame_type_name(uint8_t type)
{
	const struct frame_spec *s = spec_of(type);

	return s ? s->name : NULL;
}

enum frame_dir frame_type_dir(uint8_t type)
{
	const struct frame_spec *s = spec_of(type);

	return s ? s->dir : 0;
}

const char *error_code_name(unsigned code)
{
	switch (code) {
	case ERR_VERSION: return "ERR_VERSION";
	case ERR_MALFORMED: return "ERR_MALFORMED";
	case ERR_FRAME_SIZE: return "ERR_FRAME_SIZE";
	case ERR_UNKNOWN_TYPE: return "ERR_UNKNOWN_TYPE";
	case ERR_NOT_REGISTERED: return "ERR_NOT_REGISTERED";
	case ERR_SERVER_FULL: return "ERR_SERVER_FULL";
	case ERR_TIMEOUT: return "ERR_TIMEOUT";
	case ERR_NICK_INVALID: return "ERR_NICK_INVALID";
	case ERR_NICK_TAKEN: return "ERR_NICK_TAKEN";
	case ERR_BAD_TEXT: return "ERR_BAD_TEXT";
	case ERR_TEXT_TOO_LONG: return "ERR_TEXT_TOO_LONG";
	case ERR_NO_SUCH_TARGET: return "ERR_NO_SUCH_TARGET";
	default: return "ERR_UNKNOWN";
	}
}

uint32_t frame_body_len(const unsigned char *hdr)
{
	return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 |
	       (uint32_t)hdr[3];
}

long frame_complete(const unsigned char *p, size_t n)
{
	uint32_t len;

	if (n < FRAME_HEADER_BYTES)
		return 0;
	len = frame_body_len(p);
	if (len == 0 || len > MAX_BODY_BYTES)
		return -1;
	if (n - FRAME_HEADER_BYTES < len)
		return 0;
	return (long)(FRAME_HEADER_BYTES + len);
}

/* Read an unsigned big-endian integer of width bytes. */
static uint64_t get_be(const unsigned char *p, size_t width)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(unsigned char *p, uint64_t v, size_t width)
{
	for (size_t i = width; i > 0; i--) {
		p[i - 1] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static size_t width_of(char kind)
{
	switch (kind) {
	case 'b': return 1;
	case 'h': return 2;
	case 'w': return 4;
	case 'q': return 8;
	default: return 0;
	}
}

/* Decode fields by spec from p[0..n); returns bytes used or -1 if truncated. */
static long decode_fields(const char *spec, const unsigned char *p, size_t n,
			  struct field *out)
{
	size_t at = 0;

	for (size_t i = 0; spec[i] != '\0'; i++) {
		memset(&out[i], 0, sizeof out[i]);
		if (spec[i] == 's') {
			size_t len;

			if (n - at < 2)
				return -1;
			len = (size_t)get_be(p + at, 2);
			at += 2;
			if (n - at < len)
				return -1;
			out[i].s.p = (const char *)p + at;
			out[i].s.len = len;
			at += len;
		} else {
			size_t w = width_of(spec[i]);

			if (n - at < w)
				return -1;
			out[i].n = get_be(p + at, w);
			at += w;
		}
	}
	return (long)at;
}

int proto_decode(const unsigned char *body, size_t len, struct frame *f)
{
	const struct frame_spec *s;
	long used;

	memset(f, 0, sizeof *f);
	if (len < 1)
		return ERR_FRAME_SIZE;
	f->type = body[0];
	s = spec_of(f->type);
	if (s == NULL)
		return ERR_UNKNOWN_TYPE;
	used = decode_fields(s->fields, body + 1, len - 1, f->f);
	if (used < 0)
		return ERR_MALFORMED;
	f->rest = body + 1 + used;
	f->rest_len = len - 1 - (size_t)used;
	return 0;
}

/* Append one field; strings longer than a u16 count are refused. */
static int encode_field(struct buf *out, char kind, const struct field *fl)
{
	unsigned char tmp[8];

	if (kind == 's') {
		if (fl->s.len > UINT16_MAX)
			return -1;
		put_be(tmp, fl->s.len, 2);
		buf_append(out, tmp, 2);
		buf_append(out, fl->s.p, fl->s.len);
		return 0;
	}
	put_be(tmp, fl->n, width_of(kind));
	buf_append(out, tmp, width_of(kind));
	return 0;
}

/* Write the 4-byte header for a body that runs from start+4 to the end of out. */
static int patch_length(struct buf *out, size_t start)
{
	size_t body = out->len - start - FRAME_HEADER_BYTES;

	if (body == 0 || body > MAX_BODY_BYTES)
		return -1;
	put_be(out->data + start, body, FRAME_HEADER_BYTES);
	return 0;
}

int proto_encode(struct buf *out, const struct frame *f)
{
	const struct frame_spec *s = spec_of(f->type);
	size_t start = out->len;
	unsigned char hdr[FRAME_HEADER_BYTES + 1] = {0, 0, 0, 0, f->type};

	if (s == NULL)
		return -1;
	buf_append(out, hdr, sizeof hdr);
	for (size_t i = 0; s->fields[i] != '\0'; i++) {
		if (encode_field(out, s->fields[i], &f->f[i]) < 0)
			goto fail;
	}
	buf_append(out, f->rest, f->rest_len);
	if (patch_length(out, start) < 0)
		goto fail;
	return 0;
fail:
	out->len = start;
	return -1;
}

struct str str_c(const char *s)
{
	return (struct str){s, strlen(s)};
}

struct str str_n(const char *s, size_t n)
{
	return (struct str){s, n};
}

bool str_eq(struct str a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && memcmp(a.p, b, n) == 0;
}


void who_begin(struct who_builder *w, struct buf *out, struct str room)
{
	struct frame f = {.type = T_WHOREPLY};

	f.f[WHOREPLY_ROOM].s = room;
	w->out = out;
	w->start = out->len;
	w->count = 0;
	/* Room names are short; encoding the fixed part cannot overflow. */
	buf_append(out, (unsigned char[4]){0}, FRAME_HEADER_BYTES);
	buf_append(out, &f.type, 1);
	encode_field(out, 's', &f.f[WHOREPLY_ROOM]);
	encode_field(out, 'b', &f.f[WHOREPLY_MORE]);
	encode_field(out, 'h', &f.f[WHOREPLY_COUNT]);
}

bool who_add(struct who_builder *w, const struct who_entry *e)
{
	size_t body = w->out->len - w->start - FRAME_HEADER_BYTES;
	size_t need = 2 + e->nick.len + 2 + e->login.len + 4;
	struct field fl[3] = {{.s = e->nick}, {.s = e->login}, {.n = e->idle}};

	if (body + need > MAX_BODY_BYTES || w->count == UINT16_MAX)
		return false;
	encode_field(w->out, 's', &fl[0]);
	encode_field(w->out, 's', &fl[1]);
	encode_field(w->out, 'w', &fl[2]);
	w->count++;
	return true;
}

void who_finish(struct who_builder *w, bool more)
{
	unsigned char *body = w->out->data + w->start + FRAME_HEADER_BYTES;
	size_t room_len = (size_t)get_be(body + 1, 2);
	unsigned char *more_at = body + 1 + 2 + room_len;

	more_at[0] = more ? 1 : 0;
	put_be(more_at + 1, w->count, 2);
	patch_length(w->out, w->start);
}

int who_next(const unsigned char **p, size_t *n, struct who_entry *e)
{
	struct field fl[3];
	long used;

	if (*n == 0)
		return 0;
	used = decode_fields("ssw", *p, *n, fl);
	if (used < 0)
		return -1;
	e->nick = fl[0].s;
	e->login = fl[1].s;
	e->idle = (uint32_t)fl[2].n;
	*p += used;
	*n -= (size_t)used;
	return 1;
}
