/* SPDX-License-Identifier: ISC */
/* proto.c - table-driven encoder and decoder for natter frames. */
#include "proto.h"

#include "errmsg.h"

#include <string.h>

/* One table drives the encoder, the decoder and the tracer, so they cannot disagree. */
static const struct frame_layout specs[] = {
    {T_HELLO, DIR_C2S, 1, "HELLO", "hss", "version nick client", "q", NULL, NULL},
    {T_WELCOME, DIR_S2C, 1, "WELCOME", "hsssw", "version nick server room users", "b", NULL, NULL},
    {T_ERROR, DIR_S2C, 1, "ERROR", "hs", "code text", NULL, NULL, NULL},
    {T_BYE, DIR_S2C, 1, "BYE", "s", "reason", "h", NULL, NULL},
    {T_PING, DIR_BOTH, 1, "PING", "q", "token", NULL, NULL, NULL},
    {T_PONG, DIR_BOTH, 1, "PONG", "q", "token", NULL, NULL, NULL},
    {T_SAY, DIR_C2S, 1, "SAY", "sbs", "target flags text", NULL, NULL, NULL},
    {T_NICK, DIR_C2S, 1, "NICK", "s", "nick", NULL, NULL, NULL},
    {T_WHO, DIR_C2S, 1, "WHO", "s", "target", NULL, NULL, NULL},
    {T_QUIT, DIR_C2S, 1, "QUIT", "s", "reason", NULL, NULL, NULL},
    {T_ENTER, DIR_C2S, 1, "ENTER", "sq", "room after", NULL, NULL, NULL},
    {T_PART, DIR_C2S, 1, "PART", "ss", "room reason", NULL, NULL, NULL},
    {T_LIST, DIR_C2S, 1, "LIST", "", "", NULL, NULL, NULL},
    {T_TOPIC, DIR_C2S, 1, "TOPIC", "sbs", "room set text", NULL, NULL, NULL},
    {T_AWAY, DIR_C2S, 1, "AWAY", "s", "text", NULL, NULL, NULL},
    {T_ANNOUNCE, DIR_C2S, 2, "ANNOUNCE", "s", "text", NULL, NULL, NULL},
    {T_SLOW, DIR_C2S, 2, "SLOW", "sw", "room seconds", NULL, NULL, NULL},
    {T_MUTE, DIR_C2S, 2, "MUTE", "sb", "nick on", NULL, NULL, NULL},
    {T_KICK, DIR_C2S, 2, "KICK", "ss", "nick reason", NULL, NULL, NULL},
    {T_HAND, DIR_C2S, 2, "HAND", "b", "op", NULL, NULL, NULL},
    {T_MSG, DIR_S2C, 1, "MSG", "qqssbs", "id time target from flags text", NULL, NULL, NULL},
    {T_JOIN, DIR_S2C, 1, "JOIN", "qsss", "time room nick login", NULL, NULL, NULL},
    {T_LEAVE, DIR_S2C, 1, "LEAVE", "qsss", "time room nick reason", NULL, NULL, NULL},
    {T_RENAME, DIR_S2C, 1, "RENAME", "qss", "time old new", NULL, NULL, NULL},
    {T_WHOREPLY, DIR_S2C, 1, "WHOREPLY", "sbh", "room more count", NULL, "sswbss",
     "nick login idle flags away rooms"},
    {T_NOTICE, DIR_S2C, 1, "NOTICE", "qs", "time text", NULL, NULL, NULL},
    {T_TOPICIS, DIR_S2C, 1, "TOPICIS", "qsss", "time room nick text", NULL, NULL, NULL},
    {T_ROOMLIST, DIR_S2C, 1, "ROOMLIST", "bh", "more count", NULL, "sws", "room members topic"},
    {T_MISSED, DIR_S2C, 1, "MISSED", "sqqb", "room count first exact", NULL, NULL, NULL},
    {T_DONE, DIR_S2C, 3, "DONE", "wq", "tag id", NULL, NULL, NULL},
};

/* Error names by code, from ERR_VERSION and from ERR_NICK_INVALID on. */
static const char *const fatal_errors[] = {
    "ERR_VERSION",	  "ERR_MALFORMED",   "ERR_FRAME_SIZE", "ERR_UNKNOWN_TYPE",
    "ERR_NOT_REGISTERED", "ERR_SERVER_FULL", "ERR_TIMEOUT"};
static const char *const user_errors[] = {
    "ERR_NICK_INVALID",	  "ERR_NICK_TAKEN",   "ERR_BAD_TEXT",	 "ERR_TEXT_TOO_LONG",
    "ERR_NO_SUCH_TARGET", "ERR_ROOM_INVALID", "ERR_ROOM_LIMIT",	 "ERR_NOT_ALLOWED",
    "ERR_RATE_LIMITED",	  "ERR_MUTED",	      "ERR_NOT_TEACHER", "ERR_READ_ONLY",
    "ERR_SLOW_MODE"};
_Static_assert(sizeof fatal_errors / sizeof fatal_errors[0] == ERR_TIMEOUT - ERR_VERSION + 1,
	       "a fatal error has no name");
_Static_assert(sizeof user_errors / sizeof user_errors[0] == ERR_SLOW_MODE - ERR_NICK_INVALID + 1,
	       "an error has no name");

const struct frame_layout *frame_layout(uint8_t type)
{
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
		if (specs[i].type == type)
			return &specs[i];
	return NULL;
}

const char *frame_type_name(uint8_t type)
{
	const struct frame_layout *s = frame_layout(type);

	return s ? s->name : NULL;
}

unsigned frame_type_since(uint8_t type)
{
	const struct frame_layout *s = frame_layout(type);

	return s ? s->since : 0;
}

enum frame_dir frame_type_dir(uint8_t type)
{
	const struct frame_layout *s = frame_layout(type);

	return s ? s->dir : 0;
}

const char *error_code_name(unsigned code)
{
	if (code >= ERR_VERSION && code <= ERR_TIMEOUT)
		return fatal_errors[code - ERR_VERSION];
	if (code >= ERR_NICK_INVALID && code <= ERR_SLOW_MODE)
		return user_errors[code - ERR_NICK_INVALID];
	return "ERR_UNKNOWN";
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

uint32_t frame_body_len(const unsigned char *hdr)
{
	return (uint32_t)get_be(hdr, FRAME_HEADER_BYTES);
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

/* Bytes of an integer field, or of a string's length prefix; 0 for no field. */
static size_t width_of(char kind)
{
	switch (kind) {
	case 'b': return 1;
	case 'h':
	case 's': return 2;
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
		size_t w = width_of(spec[i]);
		uint64_t v;

		memset(&out[i], 0, sizeof out[i]);
		if (n - at < w)
			return -1;
		v = get_be(p + at, w);
		at += w;
		if (spec[i] != 's') {
			out[i].n = v;
			continue;
		}
		if (n - at < v)
			return -1;
		out[i].s = str_n((const char *)p + at, (size_t)v);
		at += (size_t)v;
	}
	return (long)at;
}

/*
 * The optional field (older peers end before it), then version 3's tag: the u32 after the
 * last field or list entry. A list's rest keeps its entries, another's what follows the tag.
 */
static void decode_tail(const struct frame_layout *s, struct frame *f)
{
	size_t nfixed = strlen(s->fields), n;
	const unsigned char *p;
	struct field entry[MAX_FIELDS];
	long used;

	if (s->opt != NULL &&
	    (used = decode_fields(s->opt, f->rest, f->rest_len, &f->f[nfixed])) > 0) {
		f->rest += used;
		f->rest_len -= (size_t)used;
	}
	p = f->rest;
	n = f->rest_len;
	/* Every list type ends its fixed fields with b more, h count. */
	for (uint64_t i = s->entry_fields ? f->f[nfixed - 1].n : 0; i > 0; i--)
		if (list_next(f->type, &p, &n, entry) != 1)
			return; /* malformed: list_next reports it to the reader */
	if (n < 4)
		return;
	f->tag = (uint32_t)get_be(p, 4);
	if (s->entry_fields != NULL) {
		f->rest_len -= n;
	} else {
		f->rest += 4;
		f->rest_len -= 4;
	}
}

int proto_decode(const unsigned char *body, size_t len, struct frame *f)
{
	const struct frame_layout *s;
	long used;

	memset(f, 0, sizeof *f);
	if (len < 1)
		return ERR_FRAME_SIZE;
	f->type = body[0];
	s = frame_layout(f->type);
	if (s == NULL)
		return ERR_UNKNOWN_TYPE;
	used = decode_fields(s->fields, body + 1, len - 1, f->f);
	if (used < 0)
		return ERR_MALFORMED;
	f->rest = body + 1 + used;
	f->rest_len = len - 1 - (size_t)used;
	decode_tail(s, f);
	return 0;
}

/* Append fields by spec; -1 if a string is longer than its u16 count allows. */
static int encode_fields(struct buf *out, const char *spec, const struct field *f)
{
	unsigned char tmp[8];

	for (size_t i = 0; spec[i] != '\0'; i++) {
		if (spec[i] == 's' && f[i].s.len > UINT16_MAX)
			return -1;
		put_be(tmp, spec[i] == 's' ? f[i].s.len : f[i].n, width_of(spec[i]));
		buf_append(out, tmp, width_of(spec[i]));
		if (spec[i] == 's')
			buf_append(out, f[i].s.p, f[i].s.len);
	}
	return 0;
}

/* Append version 3's tag: 0 (none) only when extensions follow, which must not be read as one. */
static void encode_tag(struct buf *out, uint32_t tag)
{
	encode_fields(out, "w", &(struct field){.n = tag});
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

/* Append the header (its length patched later), the type and the fixed fields; -1 if too long. */
static int encode_head(struct buf *out, const struct frame_layout *s, const struct frame *f)
{
	unsigned char hdr[FRAME_HEADER_BYTES + 1] = {0, 0, 0, 0, f->type};

	buf_append(out, hdr, sizeof hdr);
	return encode_fields(out, s->fields, f->f);
}

int proto_encode(struct buf *out, const struct frame *f)
{
	const struct frame_layout *s = frame_layout(f->type);
	size_t start = out->len, nfixed;

	if (s == NULL)
		return -1;
	if (encode_head(out, s, f) < 0)
		goto fail;
	nfixed = strlen(s->fields);
	/* WELCOME's roles go to version 3 clients, HELLO's resume id and BYE's code when set. */
	if (s->opt != NULL &&
	    (f->type == T_WELCOME ? f->f[WELCOME_VERSION].n >= 3 : f->f[nfixed].n != 0))
		encode_fields(out, s->opt, &f->f[nfixed]);
	if (s->entry_fields != NULL) {
		buf_append(out, f->rest, f->rest_len); /* the entries come before the tag */
		if (f->tag != 0)
			encode_tag(out, f->tag);
	} else if (f->tag != 0 || f->rest_len > 0) {
		encode_tag(out, f->tag); /* extensions follow the tag */
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
	long whole;

	while ((whole = frame_complete(p, n)) > 0) {
		size_t start = out->len;

		buf_append(out, p, (size_t)whole);
		encode_tag(out, tag);
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
	const struct frame_layout *s = frame_layout(head->type);

	if (s == NULL || s->entry_fields == NULL)
		fatal("list_begin: frame type 0x%02x is not a list", head->type);
	*l = (struct list_builder){.out = out, .start = out->len, .type = head->type};
	encode_head(out, s, head); /* short strings and integers: they always fit */
	l->more_at = out->len - 3; /* every list type ends its fixed part with b more, h count */
}

bool list_add(struct list_builder *l, const struct field *entry)
{
	const struct frame_layout *s = frame_layout(l->type);
	size_t before = l->out->len;

	if (s == NULL || s->entry_fields == NULL || l->count == UINT16_MAX)
		return false;
	if (encode_fields(l->out, s->entry_fields, entry) < 0 ||
	    l->out->len - l->start - FRAME_HEADER_BYTES > MAX_BODY_BYTES) {
		l->out->len = before;
		return false;
	}
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
	const struct frame_layout *s = frame_layout(type);
	long used;

	if (*n == 0)
		return 0;
	if (s == NULL || s->entry_fields == NULL)
		return -1;
	used = decode_fields(s->entry_fields, *p, *n, entry);
	if (used < 0)
		return -1;
	*p += used;
	*n -= (size_t)used;
	return 1;
}

void who_begin(struct list_builder *w, struct buf *out, struct str room)
{
	struct frame f = {.type = T_WHOREPLY, .f[WHOREPLY_ROOM].s = room};

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

	if (rc == 1)
		*e = (struct who_entry){fl[WHOE_NICK].s,	   fl[WHOE_LOGIN].s,
					(uint32_t)fl[WHOE_IDLE].n, (uint8_t)fl[WHOE_FLAGS].n,
					fl[WHOE_AWAY].s,	   fl[WHOE_ROOMS].s};
	return rc;
}
