/* SPDX-License-Identifier: ISC */
/* proto.c - table-driven encoder and decoder for natter frames. */
#include "proto.h"

#include "errmsg.h"

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
	const char *names; /* the fields' names, space-separated, for frame_layout */
};

static const struct frame_spec specs[] = {
    {T_HELLO, DIR_C2S, "HELLO", "hss", "version nick client"}, /* + optional q resume */
    {T_WELCOME, DIR_S2C, "WELCOME", "hsssw", "version nick server room users"}, /* + b roles (v3) */
    {T_ERROR, DIR_S2C, "ERROR", "hs", "code text"},
    {T_BYE, DIR_S2C, "BYE", "s", "reason"}, /* + optional h code (version 3) */
    {T_PING, DIR_BOTH, "PING", "q", "token"},
    {T_PONG, DIR_BOTH, "PONG", "q", "token"},
    {T_SAY, DIR_C2S, "SAY", "sbs", "target flags text"},
    {T_NICK, DIR_C2S, "NICK", "s", "nick"},
    {T_WHO, DIR_C2S, "WHO", "s", "target"},
    {T_QUIT, DIR_C2S, "QUIT", "s", "reason"},
    {T_ENTER, DIR_C2S, "ENTER", "sq", "room after"},
    {T_PART, DIR_C2S, "PART", "ss", "room reason"},
    {T_LIST, DIR_C2S, "LIST", "", ""},
    {T_TOPIC, DIR_C2S, "TOPIC", "sbs", "room set text"},
    {T_AWAY, DIR_C2S, "AWAY", "s", "text"},
    {T_ANNOUNCE, DIR_C2S, "ANNOUNCE", "s", "text"},
    {T_SLOW, DIR_C2S, "SLOW", "sw", "room seconds"},
    {T_MUTE, DIR_C2S, "MUTE", "sb", "nick on"},
    {T_KICK, DIR_C2S, "KICK", "ss", "nick reason"},
    {T_HAND, DIR_C2S, "HAND", "b", "op"},
    {T_MSG, DIR_S2C, "MSG", "qqssbs", "id time target from flags text"},
    {T_JOIN, DIR_S2C, "JOIN", "qsss", "time room nick login"},
    {T_LEAVE, DIR_S2C, "LEAVE", "qsss", "time room nick reason"},
    {T_RENAME, DIR_S2C, "RENAME", "qss", "time old new"},
    {T_WHOREPLY, DIR_S2C, "WHOREPLY", "sbh", "room more count"},
    {T_NOTICE, DIR_S2C, "NOTICE", "qs", "time text"},
    {T_TOPICIS, DIR_S2C, "TOPICIS", "qsss", "time room nick text"},
    {T_ROOMLIST, DIR_S2C, "ROOMLIST", "bh", "more count"},
    {T_MISSED, DIR_S2C, "MISSED", "sqqb", "room count first exact"},
    {T_DONE, DIR_S2C, "DONE", "wq", "tag id"},
};

/* The repeated entries that follow a list frame's fixed fields. */
static const char *list_entry_spec(uint8_t type)
{
	return type == T_WHOREPLY ? "sswbss" : type == T_ROOMLIST ? "sws" : NULL;
}

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

unsigned frame_type_since(uint8_t type)
{
	if (spec_of(type) == NULL)
		return 0;
	if (type == T_DONE)
		return 3;
	return type >= T_ANNOUNCE && type <= T_HAND ? 2 : 1;
}

enum frame_dir frame_type_dir(uint8_t type)
{
	const struct frame_spec *s = spec_of(type);

	return s ? s->dir : 0;
}

bool frame_layout(uint8_t type, struct frame_layout *out)
{
	const struct frame_spec *s = spec_of(type);

	if (s == NULL)
		return false;
	out->fields = s->fields;
	out->names = s->names;
	out->entry_fields = list_entry_spec(type);
	out->entry_names = type == T_WHOREPLY	? "nick login idle flags away rooms"
			   : type == T_ROOMLIST ? "room members topic"
						: NULL;
	return true;
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
	case ERR_ROOM_INVALID: return "ERR_ROOM_INVALID";
	case ERR_ROOM_LIMIT: return "ERR_ROOM_LIMIT";
	case ERR_NOT_ALLOWED: return "ERR_NOT_ALLOWED";
	case ERR_RATE_LIMITED: return "ERR_RATE_LIMITED";
	case ERR_MUTED: return "ERR_MUTED";
	case ERR_NOT_TEACHER: return "ERR_NOT_TEACHER";
	case ERR_READ_ONLY: return "ERR_READ_ONLY";
	case ERR_SLOW_MODE: return "ERR_SLOW_MODE";
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
static long decode_fields(const char *spec, const unsigned char *p, size_t n, struct field *out)
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

/*
 * Version 3's tag: the u32 after the last field, which for a list frame is
 * its count-th entry. A list's rest keeps its entries; another frame's rest
 * keeps what follows the tag (later extensions).
 */
static void decode_tag(struct frame *f)
{
	const char *entry = list_entry_spec(f->type);
	size_t entries = 0;

	if (entry == NULL) {
		if (f->rest_len >= 4) {
			f->tag = (uint32_t)get_be(f->rest, 4);
			f->rest += 4;
			f->rest_len -= 4;
		}
		return;
	}
	{
		uint64_t count = f->f[f->type == T_WHOREPLY ? WHOREPLY_COUNT : ROOMLIST_COUNT].n;
		struct field tmp[MAX_FIELDS];

		for (uint64_t i = 0; i < count; i++) {
			long used =
			    decode_fields(entry, f->rest + entries, f->rest_len - entries, tmp);

			if (used < 0)
				return; /* malformed: list_next reports it */
			entries += (size_t)used;
		}
	}
	if (f->rest_len - entries >= 4) {
		f->tag = (uint32_t)get_be(f->rest + entries, 4);
		f->rest_len = entries;
	}
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
	/* HELLO's resume id and BYE's code are optional: older peers end before them. */
	if (f->type == T_HELLO && f->rest_len >= 8) {
		f->f[HELLO_RESUME].n = get_be(f->rest, 8);
		f->rest += 8;
		f->rest_len -= 8;
	} else if (f->type == T_BYE && f->rest_len >= 2) {
		f->f[BYE_CODE].n = get_be(f->rest, 2);
		f->rest += 2;
		f->rest_len -= 2;
	} else if (f->type == T_WELCOME && f->rest_len >= 1) {
		f->f[WELCOME_ROLES].n = f->rest[0];
		f->rest += 1;
		f->rest_len -= 1;
	}
	decode_tag(f);
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

/* Append version 3's tag; 0 (none) only when extensions follow, which must not be read as one. */
static void encode_tag(struct buf *out, uint32_t tag, bool always)
{
	unsigned char t[4];

	if (tag == 0 && !always)
		return;
	put_be(t, tag, 4);
	buf_append(out, t, 4);
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
	if (f->type == T_HELLO && f->f[HELLO_RESUME].n != 0)
		encode_field(out, 'q', &f->f[HELLO_RESUME]);
	if (f->type == T_BYE && f->f[BYE_CODE].n != 0)
		encode_field(out, 'h', &f->f[BYE_CODE]);
	if (f->type == T_WELCOME && f->f[WELCOME_VERSION].n >= 3)
		encode_field(out, 'b', &f->f[WELCOME_ROLES]);
	if (list_entry_spec(f->type) != NULL) {
		buf_append(out, f->rest, f->rest_len); /* the entries come before the tag */
		encode_tag(out, f->tag, false);
	} else if (f->tag != 0 || f->rest_len > 0) {
		encode_tag(out, f->tag, true); /* extensions follow the tag */
		buf_append(out, f->rest, f->rest_len);
	}
	if (patch_length(out, start) < 0)
		goto fail;
	return 0;
fail:
	out->len = start;
	return -1;
}

int proto_tag_frames(struct buf *out, const unsigned char *p, size_t n, uint32_t tag)
{
	unsigned char t[4];
	long whole;

	put_be(t, tag, 4);
	while ((whole = frame_complete(p, n)) > 0) {
		size_t start = out->len;

		buf_append(out, p, (size_t)whole);
		buf_append(out, t, 4);
		if (patch_length(out, start) < 0) {
			out->len = start;
			return -1;
		}
		p += whole;
		n -= (size_t)whole;
	}
	return 0;
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

void list_begin(struct list_builder *l, struct buf *out, const struct frame *head)
{
	const struct frame_spec *s = spec_of(head->type);
	unsigned char hdr[FRAME_HEADER_BYTES + 1] = {0, 0, 0, 0, head->type};
	size_t nfixed;

	if (s == NULL || list_entry_spec(head->type) == NULL)
		fatal("list_begin: frame type 0x%02x is not a list", head->type);
	nfixed = strlen(s->fields);

	l->out = out;
	l->start = out->len;
	l->count = 0;
	l->type = head->type;
	buf_append(out, hdr, sizeof hdr);
	/* The fixed part is short strings and integers: it always fits. */
	for (size_t i = 0; i < nfixed; i++)
		encode_field(out, s->fields[i], &head->f[i]);
	l->more_at = out->len - 3; /* every list type ends its fixed part with b more, h count */
}

/* Encoded size of an entry, or SIZE_MAX if a string is too long for a field. */
static size_t entry_size(const char *spec, const struct field *e)
{
	size_t n = 0;

	for (size_t i = 0; spec[i] != '\0'; i++) {
		if (spec[i] == 's') {
			if (e[i].s.len > UINT16_MAX)
				return SIZE_MAX;
			n += 2 + e[i].s.len;
		} else {
			n += width_of(spec[i]);
		}
	}
	return n;
}

bool list_add(struct list_builder *l, const struct field *entry)
{
	const char *spec = list_entry_spec(l->type);
	size_t body = l->out->len - l->start - FRAME_HEADER_BYTES;
	size_t need;

	if (spec == NULL)
		return false;
	need = entry_size(spec, entry);
	if (need == SIZE_MAX || body + need > MAX_BODY_BYTES || l->count == UINT16_MAX)
		return false;
	for (size_t i = 0; spec[i] != '\0'; i++)
		encode_field(l->out, spec[i], &entry[i]);
	l->count++;
	return true;
}

void list_finish(struct list_builder *l, bool more)
{
	unsigned char *at = l->out->data + l->more_at;

	at[0] = more ? 1 : 0;
	put_be(at + 1, l->count, 2);
	patch_length(l->out, l->start);
}

int list_next(uint8_t type, const unsigned char **p, size_t *n, struct field *entry)
{
	const char *spec = list_entry_spec(type);
	long used;

	if (*n == 0)
		return 0;
	if (spec == NULL)
		return -1;
	used = decode_fields(spec, *p, *n, entry);
	if (used < 0)
		return -1;
	*p += used;
	*n -= (size_t)used;
	return 1;
}

void who_begin(struct list_builder *w, struct buf *out, struct str room)
{
	struct frame f = {.type = T_WHOREPLY};

	f.f[WHOREPLY_ROOM].s = room;
	list_begin(w, out, &f);
}

bool who_add(struct list_builder *w, const struct who_entry *e)
{
	struct field fl[6] = {
	    [WHOE_NICK] = {.s = e->nick}, [WHOE_LOGIN] = {.s = e->login},
	    [WHOE_IDLE] = {.n = e->idle}, [WHOE_FLAGS] = {.n = e->flags},
	    [WHOE_AWAY] = {.s = e->away}, [WHOE_ROOMS] = {.s = e->rooms},
	};

	return list_add(w, fl);
}

void who_finish(struct list_builder *w, bool more)
{
	list_finish(w, more);
}

int who_next(const unsigned char **p, size_t *n, struct who_entry *e)
{
	struct field fl[6];
	int rc = list_next(T_WHOREPLY, p, n, fl);

	if (rc == 1) {
		e->nick = fl[WHOE_NICK].s;
		e->login = fl[WHOE_LOGIN].s;
		e->idle = (uint32_t)fl[WHOE_IDLE].n;
		e->flags = (uint8_t)fl[WHOE_FLAGS].n;
		e->away = fl[WHOE_AWAY].s;
		e->rooms = fl[WHOE_ROOMS].s;
	}
	return rc;
}
