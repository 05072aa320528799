/* SPDX-License-Identifier: ISC */
/* model.c - the soak's model: the messages it sent, the transcripts, and the invariant checks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "soak.h"

/* Characters a payload is made of: ASCII, escapes the transcript must keep, and UTF-8. */
static const char *const pieces[] = {"a",    "b",    "c", "x", "y",  "z",   "0",  "7",
				     " ",    " ",    "-", ".", "\\", "\\n", "\t", "é",
				     "日本", "🙂", "/", "<", ">",  "*",   "#",  "\n"};
enum { NPIECES = sizeof pieces / sizeof pieces[0] };

/* FNV-1a, 64 bits: a changed text is told from the sent one by length and hash. */
static uint64_t text_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h;
}

bool tok_text_is(const struct tok *t, const char *text, size_t len)
{
	return t->len == len && t->hash == text_hash(text, len);
}

uint64_t tok_new(struct soak *k, int slot, bool pm, bool action, int room, bool long_text,
		 char **text)
{
	struct buf b = {0};
	uint64_t num = k->ntoks, outer = k->rng, cls, len;
	bool line = k->slots[slot].kind == CK_LINE_UNIX || k->slots[slot].kind == CK_LINE_TCP;
	struct tok *t;

	/* Texts come from their own stream (seed and number), so that an operation that
	 * turned into another (a slot dropped as too slow reconnects instead) does not shift
	 * every later draw. */
	k->rng = k->seed ^ (num * 0xd1342543de82ef95ULL);
	cls = rnd(k, 100);

	/* Mostly short, sometimes long enough to fill queues, rarely near the limit. */
	if (long_text)
		cls = 90 + cls % 10;
	len = cls < 85 ? rnd(k, 60) : cls < 98 ? 200 + rnd(k, 1300) : 3000 + rnd(k, 1000);
	buf_printf(&b, "k%llu ", (unsigned long long)num);
	while (b.len < len) {
		/* A line client's newline would end its line; the last of pieces is "\n". */
		const char *pc = pieces[rnd(k, line ? NPIECES - 1 : NPIECES)];

		buf_append(&b, pc, strlen(pc));
	}
	buf_append(&b, "!", 2); /* ends with a visible character, and the NUL */
	k->rng = outer;
	if (k->ntoks == k->tokcap) {
		k->tokcap = k->tokcap ? k->tokcap * 2 : 1024;
		k->toks = xrealloc(k->toks, k->tokcap * sizeof *k->toks);
	}
	t = &k->toks[k->ntoks++];
	memset(t, 0, sizeof *t);
	t->slot = slot;
	t->conn = k->slots[slot].c.serial;
	t->pm = pm;
	t->action = action;
	t->room = room;
	t->step = k->step;
	t->to_slot = -1;
	t->len = (uint32_t)(b.len - 1);
	t->hash = text_hash((const char *)b.data, t->len);
	*text = (char *)b.data;
	return num;
}

struct tok *tok_parse(struct soak *k, const char *text, size_t len, uint64_t *num)
{
	uint64_t v = 0;
	size_t i = 1;

	if (len < 2 || text[0] != 'k')
		return NULL;
	for (; i < len && text[i] >= '0' && text[i] <= '9' && i < 20; i++)
		v = v * 10 + (uint64_t)(text[i] - '0');
	if (i == 1 || (i < len && text[i] != ' ') || v >= k->ntoks)
		return NULL;
	*num = v;
	return &k->toks[v];
}

/* Remember that id was given to message tok; an id given twice is a failure. */
void idset_add(struct soak *k, uint64_t id, uint64_t tok)
{
	size_t i;

	if (k->idset_n * 2 >= k->idset_cap) {
		uint64_t *old = k->idset;
		size_t oldcap = k->idset_cap;

		k->idset_cap = oldcap ? oldcap * 2 : 4096;
		k->idset = xcalloc(k->idset_cap * 2, sizeof *k->idset);
		k->idset_n = 0;
		for (size_t j = 0; j < oldcap; j++)
			if (old[2 * j] != 0)
				idset_add(k, old[2 * j], old[2 * j + 1]);
		free(old);
	}
	for (i = (size_t)(id * 0x9e3779b97f4a7c15ULL) % k->idset_cap; k->idset[2 * i] != 0;
	     i = (i + 1) % k->idset_cap) {
		if (k->idset[2 * i] == id) {
			if (k->idset[2 * i + 1] != tok)
				soak_fail(k, "id %llu was given to two messages, k%llu and k%llu",
					  (unsigned long long)id,
					  (unsigned long long)k->idset[2 * i + 1],
					  (unsigned long long)tok);
			return;
		}
	}
	k->idset[2 * i] = id;
	k->idset[2 * i + 1] = tok;
	k->idset_n++;
}

/* Undo the transcript's escapes (\\, \n, \t). */
static void unescape(const char *p, const char *end, struct buf *out)
{
	buf_clear(out);
	for (; p < end; p++) {
		char ch = *p;

		if (ch == '\\' && p + 1 < end) {
			p++;
			ch = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		}
		buf_append(out, &ch, 1);
	}
}

/* One transcript line: "ID TIME <nick> text" or "ID TIME * nick text". */
static void log_line(struct soak *k, int room, const char *p, size_t len, struct buf *scratch)
{
	struct room_log *rl = &k->rooms[room];
	const char *end = p + len, *q;
	char *idend;
	uint64_t id = strtoull(p, &idend, 10), num;
	bool action;
	struct tok *t;

	if (idend == p || *idend != ' ' || end - idend < 27)
		soak_fail(k, "transcript of %s has a line natterd could not read back: %.*s",
			  rl->name, (int)(len > 80 ? 80 : len), p);
	q = idend + 1 + 25;
	action = q[0] == '*';
	q = memchr(q, action ? ' ' : '>', (size_t)(end - q));
	q = q == NULL ? NULL : action ? memchr(q + 1, ' ', (size_t)(end - q - 1)) : q + 1;
	if (q == NULL || q >= end || *q != ' ')
		soak_fail(k, "transcript of %s has a malformed line: %.*s", rl->name,
			  (int)(len > 80 ? 80 : len), p);
	unescape(q + 1, end, scratch);
	buf_append(scratch, "", 1);
	t = tok_parse(k, (const char *)scratch->data, scratch->len - 1, &num);
	if (t == NULL || t->pm || t->room != room || t->action != action ||
	    !tok_text_is(t, (const char *)scratch->data, scratch->len - 1))
		soak_fail(k, "transcript of %s has a message the soak did not send there: %.*s",
			  rl->name, (int)(len > 80 ? 80 : len), p);
	if (rl->n > 0 && id <= rl->ids[rl->n - 1])
		soak_fail(k, "transcript of %s has id %llu (k%llu) after id %llu", rl->name,
			  (unsigned long long)id, (unsigned long long)num,
			  (unsigned long long)rl->ids[rl->n - 1]);
	if (++t->logged > 1)
		soak_fail(k, "message k%llu is in the transcript of %s twice",
			  (unsigned long long)num, rl->name);
	if (t->state == TK_REJECTED || t->state == TK_TORN)
		soak_fail(k, "message k%llu was %s, yet it is in the transcript",
			  (unsigned long long)num,
			  t->state == TK_TORN ? "cut off with a torn line" : "refused");
	if (t->id == 0) {
		t->id = id;
		idset_add(k, id, num);
	} else if (t->id != id) {
		soak_fail(k,
			  "message k%llu has id %llu in the transcript of %s but %llu on the wire",
			  (unsigned long long)num, (unsigned long long)id, rl->name,
			  (unsigned long long)t->id);
	}
	if (rl->n == rl->cap) {
		rl->cap = rl->cap ? rl->cap * 2 : 1024;
		rl->ids = xrealloc(rl->ids, rl->cap * sizeof *rl->ids);
		rl->toks = xrealloc(rl->toks, rl->cap * sizeof *rl->toks);
	}
	rl->ids[rl->n] = id;
	rl->toks[rl->n++] = num;
	if (id > k->max_id_seen)
		k->max_id_seen = id;
}

/* Read what was appended to one transcript since the last time. */
static void read_log(struct soak *k, int room)
{
	struct room_log *rl = &k->rooms[room];
	struct buf scratch = {0};
	char path[512];
	struct stat st;
	size_t at = 0;
	int fd;

	snprintf(path, sizeof path, "%s/%s.log", k->logdir, rl->name + 1);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT || rl->off > 0)
			soak_fail(k, "cannot open transcript %s: %s", path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || st.st_size < rl->off)
		soak_fail(k, "transcript %s shrank (or cannot be read)", path);
	while (rl->off < st.st_size) {
		ssize_t got;

		buf_reserve(&rl->partial, 65536);
		got = pread(fd, rl->partial.data + rl->partial.len, 65536, (off_t)rl->off);
		if (got <= 0)
			soak_fail(k, "cannot read transcript %s: %s", path,
				  got < 0 ? strerror(errno) : "it ended early");
		rl->partial.len += (size_t)got;
		rl->off += got;
	}
	close(fd);
	for (;;) {
		unsigned char *nl = memchr(rl->partial.data + at, '\n', rl->partial.len - at);

		if (nl == NULL)
			break;
		log_line(k, room, (const char *)rl->partial.data + at,
			 (size_t)(nl - rl->partial.data) - at, &scratch);
		at = (size_t)(nl - rl->partial.data) + 1;
	}
	buf_consume(&rl->partial, at);
	buf_free(&scratch);
}

void model_read_logs(struct soak *k)
{
	for (int r = 0; r < NROOMS; r++)
		read_log(k, r);
}

/* The first index of a transcript whose id is greater than after. */
static size_t first_after(const struct room_log *rl, uint64_t after)
{
	size_t lo = 0, hi = rl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rl->ids[mid] <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The transcript index of id (which must be there). */
static size_t index_of(struct soak *k, const struct room_log *rl, uint64_t id, uint64_t tok)
{
	size_t i = first_after(rl, id - 1);

	if (i >= rl->n || rl->ids[i] != id)
		soak_fail(k,
			  "message k%llu (id %llu) reached a member of %s but is not in its "
			  "transcript",
			  (unsigned long long)tok, (unsigned long long)id, rl->name);
	return i;
}

/*
 * Whether a replay of h messages ending before transcript index i0 was cut by
 * natterd's bound (PROTOCOL.md 3.4: at most half of --max-queue bytes): the
 * message before i0 would have made it larger. Frame sizes are counted from
 * above (the longest room and nick), so the check errs on accepting a cut.
 */
static bool replay_full(const struct soak *k, const struct room_log *rl, const struct episode *e,
			size_t h, size_t i0)
{
	enum { MSG_OVERHEAD_MAX = 4 + 1 + 8 + 8 + 2 + MAX_ROOM_BYTES + 2 + MAX_NICK_BYTES + 1 + 2 };
	uint64_t bytes = 0;

	if (i0 == 0)
		return false;
	for (size_t i = 0; i < h; i++)
		bytes += MSG_OVERHEAD_MAX + k->toks[e->v[i].tok].len;
	bytes += MSG_OVERHEAD_MAX + k->toks[rl->toks[i0 - 1]].len;
	return bytes > k->max_queue / 2;
}

/* The first elements of an episode: history from after, or MISSED for what is gone. */
static void ep_start(struct soak *k, struct conn *c, struct episode *e)
{
	const struct room_log *rl = &k->rooms[e->room];
	size_t j = first_after(rl, e->after), i0 = index_of(k, rl, e->v[0].id, e->v[0].tok), h = 0;

	while (h < e->n && e->v[h].hist)
		h++;
	if (i0 < j)
		soak_fail(k, "slot %d (%s) entered %s after id %llu but got id %llu (k%llu)",
			  c->slot, c->nick, rl->name, (unsigned long long)e->after,
			  (unsigned long long)e->v[0].id, (unsigned long long)e->v[0].tok);
	if (i0 > j) {
		/* Older ones may be gone only if the history was full, or if the next
		 * older one would not have fitted in the replay's half of --max-queue. */
		if (!(h == k->history || (e->end == EP_ABRUPT && h == e->n) ||
		      replay_full(k, rl, e, h, i0)))
			soak_fail(k,
				  "slot %d (%s) entered %s after id %llu and got %zu history "
				  "message(s) from id %llu, but %zu older one(s) after id %llu are "
				  "in the transcript (history %u)",
				  c->slot, c->nick, rl->name, (unsigned long long)e->after, h,
				  (unsigned long long)e->v[0].id, i0 - j,
				  (unsigned long long)e->after, k->history);
		if (e->after > 0 &&
		    (!e->missed || e->missed_first != e->v[0].id ||
		     (e->missed_exact ? e->missed_count != i0 - j : e->missed_count < i0 - j)))
			soak_fail(k,
				  "slot %d (%s) resumed %s after id %llu: %zu message(s) are no "
				  "longer kept, but MISSED said %s%llu from id %llu",
				  c->slot, c->nick, rl->name, (unsigned long long)e->after, i0 - j,
				  e->missed ? (e->missed_exact ? "" : "up to ") : "nothing: ",
				  (unsigned long long)e->missed_count,
				  (unsigned long long)e->missed_first);
	} else if (e->missed) {
		soak_fail(k,
			  "slot %d (%s) got MISSED %llu for %s though nothing after id %llu "
			  "was forgotten",
			  c->slot, c->nick, (unsigned long long)e->missed_count, rl->name,
			  (unsigned long long)e->after);
	}
	e->started = true;
	e->pos = i0;
}

/* Check an episode's new elements against the transcript (final: it has ended). */
static void ep_check(struct soak *k, struct conn *c, struct episode *e)
{
	const struct room_log *rl = &k->rooms[e->room];

	for (size_t i = e->checked; i < e->n; i++) {
		struct tok *t = &k->toks[e->v[i].tok];

		if (t->logged == 0)
			soak_fail(k, "slot %d (%s) got k%llu in %s, which is not in the transcript",
				  c->slot, c->nick, (unsigned long long)e->v[i].tok, rl->name);
		e->v[i].id = t->id;
	}
	if (!e->started && e->n > 0)
		ep_start(k, c, e);
	for (; e->checked < e->n; e->checked++, e->pos++) {
		const struct elem *v = &e->v[e->checked];

		if (e->pos >= rl->n || rl->ids[e->pos] != v->id)
			soak_fail(k,
				  "slot %d (%s) in %s: message %zu of its stream is id %llu "
				  "(k%llu), but the transcript has id %llu (k%llu) there",
				  c->slot, c->nick, rl->name, e->checked, (unsigned long long)v->id,
				  (unsigned long long)v->tok,
				  (unsigned long long)(e->pos < rl->n ? rl->ids[e->pos] : 0),
				  (unsigned long long)(e->pos < rl->n ? rl->toks[e->pos] : 0));
	}
	if (e->end == EP_ABRUPT)
		return; /* cut off: a prefix is all it can have had */
	{
		size_t reached = e->started ? e->pos : first_after(rl, e->after);
		size_t need = e->end == EP_ACTIVE ? rl->n : e->floor_len;

		if (e->end == EP_ACTIVE && !e->started && e->missed)
			soak_fail(k, "slot %d (%s) got MISSED for %s but no message", c->slot,
				  c->nick, rl->name);
		if (reached < need)
			soak_fail(k,
				  "slot %d (%s) %s %s without id %llu (k%llu), which it should "
				  "have got (it entered after id %llu)",
				  c->slot, c->nick, e->end == EP_ACTIVE ? "is in" : "left",
				  rl->name, (unsigned long long)rl->ids[reached],
				  (unsigned long long)rl->toks[reached],
				  (unsigned long long)e->after);
	}
}

/* A line client's live room messages, in the order received, must have growing ids. */
static void line_order_check(struct soak *k, struct conn *c)
{
	for (; c->line_checked < c->nlive; c->line_checked++) {
		uint64_t tok = c->live[c->line_checked].tok, id = k->toks[tok].id;

		if (id == 0 || id <= c->last_live)
			soak_fail(k, "line client slot %d (%s) got k%llu (id %llu) after id %llu",
				  c->slot, c->nick, (unsigned long long)tok, (unsigned long long)id,
				  (unsigned long long)c->last_live);
		c->last_live = id;
	}
}

/* Check every episode of c; forget the ones that have ended. */
static void conn_check(struct soak *k, struct conn *c)
{
	size_t keep = 0;

	for (size_t i = 0; i < c->neps; i++) {
		ep_check(k, c, &c->eps[i]);
		if (c->eps[i].end == EP_ACTIVE)
			c->eps[keep++] = c->eps[i];
		else
			free(c->eps[i].v);
	}
	c->neps = keep;
	line_order_check(k, c);
}

void model_check_conn_end(struct soak *k, struct conn *c)
{
	if (c->neps == 0 && c->line_checked == c->nlive)
		return;
	model_read_logs(k);
	conn_check(k, c);
}

/* Every message the soak sent since the last check: acknowledged ones are where they belong. */
static void tok_check(struct soak *k)
{
	for (; k->tok_checked < k->ntoks; k->tok_checked++) {
		struct tok *t = &k->toks[k->tok_checked];
		struct conn *to = t->pm ? &k->slots[t->to_slot].c : NULL;

		if (t->state == TK_PENDING)
			soak_fail(k, "internal: k%llu is still pending after the step settled",
				  (unsigned long long)k->tok_checked);
		if (t->state != TK_ACKED)
			continue;
		if (!t->pm && t->logged != 1)
			soak_fail(k,
				  "acknowledged message k%llu (id %llu) is not in the transcript "
				  "of %s",
				  (unsigned long long)k->tok_checked, (unsigned long long)t->id,
				  room_names[t->room]);
		if (t->pm && to->serial == t->to_conn && conn_live(to) && t->recv != 1)
			soak_fail(k, "private message k%llu (id %llu) never reached slot %d (%s)",
				  (unsigned long long)k->tok_checked, (unsigned long long)t->id,
				  t->to_slot, to->nick);
	}
}

/* natterd's RSS must stay under start + slack + history + queues. */
static void rss_check(struct soak *k)
{
	long rss = daemon_rss_kb(k), limit = k->rss_limit_kb;
	size_t kept = 0, conns = 0;

	if (k->rss_limit_kb < 0 || rss < 0)
		return;
	if (k->rss_base_kb == 0)
		k->rss_base_kb = rss;
	if (rss > k->rss_peak_kb)
		k->rss_peak_kb = rss;
	for (int r = 0; r < NROOMS; r++)
		kept += k->rooms[r].n < k->history ? k->rooms[r].n : k->history;
	for (unsigned i = 0; i < k->nslots; i++)
		conns += conn_live(&k->slots[i].c);
	if (limit == 0)
		limit = k->rss_base_kb + RSS_SLACK_KB + (long)(kept * RSS_PER_KEPT_KB) +
			(long)conns * (long)(k->max_queue / 1024);
	if (rss > limit)
		soak_fail(k,
			  "natterd's RSS is %ld kB, above the bound of %ld kB (start %ld kB + "
			  "%d kB + %d kB for each of %zu kept messages + %lu kB per client)",
			  rss, limit, k->rss_base_kb, RSS_SLACK_KB, RSS_PER_KEPT_KB, kept,
			  k->max_queue / 1024);
}

void model_check(struct soak *k)
{
	model_read_logs(k);
	for (int r = 0; r < NROOMS; r++)
		if (k->rooms[r].partial.len > 0)
			soak_fail(
			    k,
			    "transcript of %s ends in half a line after the step settled: "
			    "%.*s",
			    k->rooms[r].name,
			    (int)(k->rooms[r].partial.len > 80 ? 80 : k->rooms[r].partial.len),
			    (const char *)k->rooms[r].partial.data);
	tok_check(k);
	for (unsigned i = 0; i < k->nslots; i++)
		conn_check(k, &k->slots[i].c);
	rss_check(k);
	daemon_scan_log(k);
	if (k->expect_cut[0] != '\0')
		soak_fail(k, "natterd did not say it cut the torn last line off %s", k->expect_cut);
	k->checks++;
}

/* The offset where the last line of a file of size bytes starts (it ends in a newline). */
static off_t last_line_start(struct soak *k, int fd, off_t size, const char *path)
{
	enum { TAIL_BYTES = 20000 }; /* longer than any transcript line */
	static char tail[TAIL_BYTES];
	off_t from = size > TAIL_BYTES ? size - TAIL_BYTES : 0;
	ssize_t got = pread(fd, tail, (size_t)(size - from), from);

	if (got != size - from || got < 2 || tail[got - 1] != '\n')
		soak_fail(k, "cannot read the end of %s to tear it", path);
	for (ssize_t i = got - 2; i >= 0; i--)
		if (tail[i] == '\n')
			return from + i + 1;
	return from;
}

/*
 * kill -9 may land inside natterd's write(2) of a transcript line (the kernel
 * stops a write between pages): that message was written before anyone was
 * told of it, so it is not acknowledged, and natterd must cut the half line
 * off at start and say so, as after model_tear. True if there was one.
 */
bool model_crash_tear(struct soak *k)
{
	struct room_log *rl = NULL;

	for (int r = 0; r < NROOMS; r++) {
		if (k->rooms[r].partial.len == 0)
			continue;
		/* natterd writes one line at a time: a second half line is a defect. */
		if (rl != NULL)
			soak_fail(k, "kill -9 left half a line in two transcripts, %s and %s",
				  rl->name, k->rooms[r].name);
		rl = &k->rooms[r];
	}
	if (rl == NULL)
		return false;
	soak_note(k, "kill -9 stopped natterd %zu bytes into a line of %s: it must cut them off",
		  rl->partial.len, rl->name);
	rl->off -= (long long)rl->partial.len;
	buf_clear(&rl->partial);
	snprintf(k->expect_cut, sizeof k->expect_cut, "%s/%s.log", k->logdir, rl->name + 1);
	k->tears++;
	return true;
}

/*
 * While natterd is down after kill -9: cut the last line of one transcript
 * short, as a machine crash in the middle of a write would leave it. natterd
 * must cut the half line off (and say so), and never give its id again.
 */
void model_tear(struct soak *k, uint64_t pick)
{
	struct room_log *rl = NULL;
	char path[512];
	struct stat st;
	off_t start, cut;
	int fd;

	for (int i = 0; i < NROOMS && rl == NULL; i++)
		if (k->rooms[(pick + (uint64_t)i) % NROOMS].n > 0)
			rl = &k->rooms[(pick + (uint64_t)i) % NROOMS];
	if (rl == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s.log", k->logdir, rl->name + 1);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size != rl->off || rl->partial.len > 0)
		soak_fail(k, "cannot tear %s: it is not as last read", path);
	start = last_line_start(k, fd, st.st_size, path);
	/* Keep at least one byte of the line, lose at least its newline. */
	cut = start + 1 + (off_t)((pick / NROOMS) % (uint64_t)(st.st_size - start - 1));
	if (ftruncate(fd, cut) < 0 || close(fd) < 0)
		soak_fail(k, "cannot tear %s: %s", path, strerror(errno));
	rl->n--;
	/* What a PART or QUIT later in this step must have had is one message fewer. */
	if (k->step_floor[rl - k->rooms] > rl->n)
		k->step_floor[rl - k->rooms] = rl->n;
	k->toks[rl->toks[rl->n]].state = TK_TORN;
	k->toks[rl->toks[rl->n]].logged = 0;
	rl->off = start;
	snprintf(k->expect_cut, sizeof k->expect_cut, "%s", path);
	k->tears++;
	soak_note(k,
		  "tear the last line of %s after %lld of its %lld bytes: k%llu (id %llu) is lost",
		  rl->name, (long long)(cut - start), (long long)(st.st_size - start),
		  (unsigned long long)rl->toks[rl->n], (unsigned long long)rl->ids[rl->n]);
}
