/* SPDX-License-Identifier: ISC */
/* ctlproto.c - the control socket's datagrams: "ID VERB ARGS" requests, reply parts, reassembly. */
#include "ctlproto.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "text.h"

const struct ctl_verb ctl_verbs[] = {
    {"stats", "", 0, false, "counters: clients, rooms, messages, queues, uptime"},
    {"who", "", 0, false, "every client: nick, login, transport, rooms, idle, queue, muted"},
    {"kick", "NICK [REASON]", 1, true, "disconnect NICK, telling it and its rooms why"},
    {"say", "TEXT", 1, true, "a server notice to everyone connected"},
    {"mute", "NICK", 1, false, "refuse NICK's messages until unmuted"},
    {"unmute", "NICK", 1, false, "let NICK speak again"},
    {"shutdown", "[MESSAGE]", 0, true, "stop the server cleanly, as SIGTERM does"},
    {NULL, NULL, 0, false, NULL},
};

static const char *const status_names[] = {"ok", "error", "refused"};

static const char *status_name(enum ctl_status st)
{
	return (unsigned)st < 3 ? status_names[st] : "?";
}

const struct ctl_verb *ctl_verb_find(const char *name, size_t len)
{
	for (const struct ctl_verb *v = ctl_verbs; v->name != NULL; v++)
		if (strlen(v->name) == len && memcmp(v->name, name, len) == 0)
			return v;
	return NULL;
}

/* Read a decimal uint32 of 1 to 10 digits at p[*i..n), advancing *i; false if there is none. */
static bool take_u32(const char *p, size_t n, size_t *i, uint32_t *out)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < n && p[*i] >= '0' && p[*i] <= '9' && *i - start < 10)
		v = v * 10 + (uint64_t)(p[(*i)++] - '0');
	if (*i == start || v > UINT32_MAX || (*i < n && p[*i] >= '0' && p[*i] <= '9'))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* How many space-separated words s[0..n) holds. */
static unsigned count_words(const char *s, size_t n)
{
	unsigned words = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
			words++;
	return words;
}

int ctl_request_encode(char *out, uint32_t id, const char *verb, const char *args, struct errmsg *e)
{
	int n = snprintf(out, CTL_DGRAM_MAX_BYTES, "%lu %s%s%s", (unsigned long)id, verb,
			 args && args[0] ? " " : "", args ? args : "");

	if (n < 0 || n >= CTL_DGRAM_MAX_BYTES) {
		errmsg_set(e,
			   "the request is longer than one control datagram (%d bytes); shorten it",
			   CTL_DGRAM_MAX_BYTES);
		return -1;
	}
	return n;
}

int ctl_request_parse(const char *p, size_t n, struct ctl_request *r, struct errmsg *e)
{
	size_t i = 0, vstart;

	memset(r, 0, sizeof *r);
	if (n == 0 || n > CTL_DGRAM_MAX_BYTES) {
		errmsg_set(e, "a request is 1 to %d bytes, not %zu", CTL_DGRAM_MAX_BYTES, n);
		return -1;
	}
	if (p[n - 1] == '\n')
		n--; /* typed by hand (echo | socat): one newline is not part of the request */
	if (!take_u32(p, n, &i, &r->id) || r->id == 0 || i == n || p[i] != ' ') {
		r->id = 0;
		errmsg_set(e, "a request starts with an id from 1 to 4294967295 and a space, as in "
			      "'1 stats'");
		return -1;
	}
	if (!utf8_valid(p, n)) {
		errmsg_set(e, "the request is not valid UTF-8");
		return -1;
	}
	vstart = ++i;
	while (i < n && p[i] != ' ')
		i++;
	r->verb = ctl_verb_find(p + vstart, i - vstart);
	if (r->verb == NULL) {
		errmsg_set(e, "unknown request '%.*s'; natterctl --help lists them",
			   (int)utf8_truncate(p + vstart, i - vstart, CTL_VERB_MAX_BYTES),
			   p + vstart);
		return -1;
	}
	if (i < n)
		i++; /* the one space after the verb */
	r->args = p + i;
	r->args_len = n - i;
	if (count_words(r->args, r->args_len) < r->verb->min_words ||
	    (!r->verb->takes_rest && count_words(r->args, r->args_len) > r->verb->min_words)) {
		errmsg_set(e, "%s takes %s", r->verb->name,
			   r->verb->args[0] ? r->verb->args : "no arguments");
		return -1;
	}
	return 0;
}

void ctl_split_begin(struct ctl_splitter *sp, uint32_t id, enum ctl_status status, const char *text,
		     size_t len)
{
	*sp = (struct ctl_splitter){.text = text,
				    .len = utf8_truncate(text, len, CTL_REPLY_MAX_BYTES),
				    .id = id,
				    .status = status};
}

static int header(char *out, const struct ctl_splitter *sp, bool more)
{
	return snprintf(out, CTL_HEADER_MAX_BYTES, "%lu %lu %s %s\n", (unsigned long)sp->id,
			(unsigned long)sp->part, more ? "more" : "end", status_name(sp->status));
}

size_t ctl_split_next(struct ctl_splitter *sp, char *out)
{
	const char *rest = sp->text + sp->off, *nl;
	size_t left = sp->len - sp->off, take = left, room;
	int h;

	if (sp->done)
		return 0;
	h = header(out, sp, false);
	sp->done = left <= (size_t)(CTL_DGRAM_MAX_BYTES - h);
	if (!sp->done) {
		h = header(out, sp, true);
		room = (size_t)(CTL_DGRAM_MAX_BYTES - h);
		/* A whole line per part reads well, if that still fills half a datagram. */
		take = utf8_truncate(rest, left, room);
		for (nl = rest + take; nl > rest + room / 2 && nl[-1] != '\n'; nl--)
			;
		if (nl > rest + room / 2)
			take = (size_t)(nl - rest);
	}
	if (take > 0)
		memcpy(out + h, rest, take);
	sp->off += take;
	sp->part++;
	return (size_t)h + take;
}

int ctl_part_parse(const char *p, size_t n, struct ctl_part *pt, struct errmsg *e)
{
	const char *nl = memchr(p, '\n', n < CTL_HEADER_MAX_BYTES ? n : CTL_HEADER_MAX_BYTES);
	size_t i = 0, h;

	memset(pt, 0, sizeof *pt);
	if (n > CTL_DGRAM_MAX_BYTES || nl == NULL) {
		errmsg_set(e, "a reply datagram of %zu bytes has no header line", n);
		return -1;
	}
	h = (size_t)(nl - p);
	if (!take_u32(p, h, &i, &pt->id) || i == h || p[i++] != ' ' ||
	    !take_u32(p, h, &i, &pt->part) || i == h || p[i++] != ' ')
		goto bad;
	pt->more = h - i > 4 && memcmp(p + i, "more ", 5) == 0;
	if (!pt->more && (h - i < 4 || memcmp(p + i, "end ", 4) != 0))
		goto bad;
	i += pt->more ? 5 : 4;
	for (pt->status = CTL_OK; pt->status <= CTL_REFUSED; pt->status++)
		if (h - i == strlen(status_names[pt->status]) &&
		    memcmp(p + i, status_names[pt->status], h - i) == 0)
			break;
	if (pt->status > CTL_REFUSED)
		goto bad;
	pt->text = nl + 1;
	pt->len = n - h - 1;
	return 0;
bad:
	errmsg_set(e, "a reply datagram's header '%.*s' is not 'ID PART more|end ok|error|refused'",
		   (int)(h < 40 ? h : 40), p);
	return -1;
}

void ctl_assembly_init(struct ctl_assembly *a, uint32_t id)
{
	*a = (struct ctl_assembly){.id = id};
}

enum ctl_take ctl_assembly_take(struct ctl_assembly *a, const char *p, size_t n, struct errmsg *e)
{
	struct ctl_part pt;

	if (ctl_part_parse(p, n, &pt, e) < 0)
		return CTL_TAKE_BROKEN;
	if (pt.id != a->id)
		return CTL_TAKE_IGNORED;
	if (pt.part != a->next_part) {
		errmsg_set(e,
			   "part %lu of the reply never arrived (part %lu came instead); the reply "
			   "is incomplete",
			   (unsigned long)a->next_part, (unsigned long)pt.part);
		return CTL_TAKE_BROKEN;
	}
	if (pt.part > 0 && pt.status != a->status) {
		errmsg_set(e, "part %lu of the reply changed its status from %s to %s",
			   (unsigned long)pt.part, status_name(a->status), status_name(pt.status));
		return CTL_TAKE_BROKEN;
	}
	if (pt.part >= CTL_MAX_PARTS || a->text.len + pt.len > CTL_REPLY_MAX_BYTES) {
		errmsg_set(e, "the reply is longer than %d bytes, the most a reply may be",
			   CTL_REPLY_MAX_BYTES);
		return CTL_TAKE_BROKEN;
	}
	a->status = pt.status;
	a->next_part++;
	buf_append(&a->text, pt.text, pt.len);
	return pt.more ? CTL_TAKE_MORE : CTL_TAKE_DONE;
}

void ctl_assembly_free(struct ctl_assembly *a)
{
	buf_free(&a->text);
}

int ctl_path_for(const char *sock_path, char *out, size_t cap, struct errmsg *e)
{
	struct sockaddr_un sun;
	socklen_t len;
	int n = snprintf(out, cap, "%s%s", sock_path, CTL_PATH_SUFFIX);

	if (n < 0 || (size_t)n >= cap) {
		errmsg_set(e, "control socket path %s%s is too long", sock_path, CTL_PATH_SUFFIX);
		return -1;
	}
	return addr_sockaddr_un(out, &sun, &len, e);
}
