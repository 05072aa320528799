/* SPDX-License-Identifier: ISC */
/* server/test_output.c - the output path (server/output.c) keeps every recipient's order by
 * construction: random interleavings of room messages, notices, joins, leaves and closes,
 * checked frame by frame against a model; line mode's text made once per buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "server.h"
#include "sys.h"

enum { NCLIENTS = 5, NROOMS = 3, OPS = 400, SEEDS = 20, MAX_EXPECT = 4096 };

/* What one client must read, in order: "m<id>" for a MSG, "n<k>" for a NOTICE, "bye". */
struct expect {
	char tok[MAX_EXPECT][24];
	size_t n;
};

struct world {
	struct server s;
	struct client c[NCLIENTS];
	int peer[NCLIENTS]; /* the client's end: what it reads */
	struct room *room[NROOMS];
	bool member[NCLIENTS][NROOMS];
	struct expect want[NCLIENTS];
	struct buf got[NCLIENTS];
	uint64_t next_id;
	unsigned next_notice;
};

static void expect_tok(struct world *w, int i, const char *tok)
{
	struct expect *e = &w->want[i];

	assert_true(e->n < MAX_EXPECT);
	snprintf(e->tok[e->n++], sizeof e->tok[0], "%s", tok);
}

static void world_init(struct world *w)
{
	memset(w, 0, sizeof *w);
	w->s.cfg.max_queue_bytes = 64u << 20;
	w->s.cfg.soft_queue_bytes = 64u << 20;
	w->s.rooms.history_cap = 4;
	for (int i = 0; i < NCLIENTS; i++) {
		struct client *c = &w->c[i];
		int sv[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(fd_nonblock_cloexec(sv[0]), 0);
		assert_int_equal(fd_nonblock_cloexec(sv[1]), 0);
		c->fd = sv[0];
		w->peer[i] = sv[1];
		c->state = CS_READY;
		c->serial = (uint64_t)i + 1;
		snprintf(c->nick, sizeof c->nick, "u%d", i);
		nicks_add(&w->s.nicks, c);
		w->s.nready++;
		w->s.nclients++;
		server_add_slot(&w->s, c->fd, c);
	}
	for (int r = 0; r < NROOMS; r++) {
		char name[16];

		snprintf(name, sizeof name, "#r%d", r);
		w->room[r] = room_create(&w->s.rooms, name, strlen(name));
	}
}

/* Read whatever has arrived for every client. */
static void drain_peers(struct world *w)
{
	unsigned char tmp[65536];

	for (int i = 0; i < NCLIENTS; i++) {
		ssize_t n;

		while ((n = read(w->peer[i], tmp, sizeof tmp)) > 0)
			buf_append(&w->got[i], tmp, (size_t)n);
	}
}

/* A message to room r: into the room's batch, expected by its registered members. */
static void op_message(struct world *w, int r)
{
	struct frame m = {.type = T_MSG};
	char tok[24], text[32];

	w->next_id++;
	snprintf(text, sizeof text, "m%llu", (unsigned long long)w->next_id);
	m.f[MSG_ID].n = w->next_id;
	m.f[MSG_TARGET].s = str_c(w->room[r]->name);
	m.f[MSG_FROM].s = str_c("u0");
	m.f[MSG_TEXT].s = str_c(text);
	assert_int_equal(proto_encode(output_batch(&w->s, w->room[r]), &m), 0);
	snprintf(tok, sizeof tok, "m%llu", (unsigned long long)w->next_id);
	for (int i = 0; i < NCLIENTS; i++)
		if (w->member[i][r] && w->c[i].state == CS_READY)
			expect_tok(w, i, tok);
}

static void op_notice(struct world *w, int i)
{
	char text[24];

	snprintf(text, sizeof text, "n%u", w->next_notice++);
	output_notice(&w->s, &w->c[i], text);
	if (w->c[i].state == CS_READY)
		expect_tok(w, i, text);
}

static void op_membership(struct world *w, int i, int r)
{
	if (w->member[i][r])
		output_forget(&w->s, w->room[r], &w->c[i]);
	else
		output_enter(&w->s, w->room[r], &w->c[i]);
	w->member[i][r] = !w->member[i][r];
}

/* c[i] is closed after a BYE; it leaves its rooms, as chat_bye makes it. */
static void op_close(struct world *w, int i)
{
	struct frame bye = {.type = T_BYE};
	struct shbuf *b;

	if (w->c[i].state != CS_READY)
		return;
	bye.f[BYE_REASON].s = str_c("bye");
	b = output_encode(&w->s, &bye);
	assert_non_null(b);
	output_close_after(&w->s, &w->c[i], b);
	shbuf_unref(b);
	expect_tok(w, i, "bye");
	for (int r = 0; r < NROOMS; r++)
		if (w->member[i][r]) {
			output_forget(&w->s, w->room[r], &w->c[i]);
			w->member[i][r] = false;
		}
}

static void run_ops(struct world *w, unsigned seed)
{
	srand(seed);
	for (int op = 0; op < OPS; op++) {
		int kind = rand() % 100, i = rand() % NCLIENTS, r = rand() % NROOMS;

		if (kind < 60)
			op_message(w, r);
		else if (kind < 75)
			op_notice(w, i);
		else if (kind < 92)
			op_membership(w, i, r);
		else if (kind < 94)
			op_close(w, i);
		else {
			output_flush(&w->s);
			drain_peers(w);
		}
	}
	for (int round = 0; round < 1000 && w->s.npending + w->s.batch.frames.len > 0; round++) {
		output_flush(&w->s);
		drain_peers(w);
	}
	drain_peers(w);
}

/* Client i's frames, as tokens, compared with the model one by one. */
static void check_client(struct world *w, int i, unsigned seed)
{
	const unsigned char *p = w->got[i].data;
	size_t n = w->got[i].len, k = 0;
	long whole;

	while ((whole = frame_complete(p, n)) > 0) {
		struct frame f;
		char tok[32] = "?";

		assert_int_equal(proto_decode(p + 4, (size_t)whole - 4, &f), 0);
		if (f.type == T_MSG)
			snprintf(tok, sizeof tok, "m%llu", (unsigned long long)f.f[MSG_ID].n);
		else if (f.type == T_NOTICE)
			snprintf(tok, sizeof tok, "%.*s", (int)f.f[NOTICE_TEXT].s.len,
				 f.f[NOTICE_TEXT].s.p);
		else if (f.type == T_BYE)
			snprintf(tok, sizeof tok, "bye");
		if (k >= w->want[i].n || strcmp(tok, w->want[i].tok[k]) != 0)
			fail_msg("seed %u, client %d, frame %zu: got %s, want %s", seed, i, k, tok,
				 k < w->want[i].n ? w->want[i].tok[k] : "nothing more");
		k++;
		p += whole;
		n -= (size_t)whole;
	}
	assert_int_equal(n, 0);
	if (k != w->want[i].n)
		fail_msg("seed %u, client %d: got %zu frames, want %zu", seed, i, k, w->want[i].n);
}

static void world_free(struct world *w)
{
	for (int i = 0; i < NCLIENTS; i++) {
		if (w->c[i].state != CS_DEAD)
			client_kill(&w->s, &w->c[i]);
		close(w->peer[i]);
		buf_free(&w->got[i]);
	}
	rooms_free(&w->s.rooms);
	nicks_free(&w->s.nicks);
	free(w->s.pfds);
	free(w->s.clients);
	free(w->s.pending);
	buf_free(&w->s.enc);
	buf_free(&w->s.batch.frames);
}

static void test_order_by_construction(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= SEEDS; seed++) {
		struct world *w = xcalloc(1, sizeof *w);

		world_init(w);
		run_ops(w, seed);
		for (int i = 0; i < NCLIENTS; i++)
			check_client(w, i, seed);
		world_free(w);
		free(w);
	}
}

/* Two line-mode members get one rendering of a room's batch, made once and shared. */
static void test_line_form_made_once(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	struct frame m = {.type = T_MSG};
	struct shbuf *b;

	(void)state;
	world_init(w);
	w->c[1].line.on = w->c[2].line.on = true;
	output_enter(&w->s, w->room[0], &w->c[1]);
	output_enter(&w->s, w->room[0], &w->c[2]);
	m.f[MSG_ID].n = 7;
	m.f[MSG_TARGET].s = str_c("#r0");
	m.f[MSG_FROM].s = str_c("u0");
	m.f[MSG_TEXT].s = str_c("shared words");
	assert_int_equal(proto_encode(output_batch(&w->s, w->room[0]), &m), 0);
	output_seal(&w->s);
	b = w->c[1].out.items[w->c[1].out.head].buf;
	assert_ptr_equal(b, w->c[2].out.items[w->c[2].out.head].buf);
	assert_non_null(strstr((const char *)b->data, "#r0 <u0> shared words\n"));
	output_flush(&w->s);
	drain_peers(w);
	buf_append(&w->got[1], "", 1);
	assert_non_null(strstr((const char *)w->got[1].data, "#r0 <u0> shared words"));
	world_free(w);
	free(w);
}

/*
 * Queueing a notice seals a batch that drops its very recipient as too slow:
 * the BYE must be the last frame it gets (found by natter-soak).
 */
static void test_nothing_after_bye(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	struct frame m = {.type = T_MSG};
	char big[512];
	const unsigned char *p;
	size_t n;
	long whole;
	int frames = 0, last = 0;

	(void)state;
	world_init(w);
	w->s.cfg.max_queue_bytes = 256;
	output_enter(&w->s, w->room[0], &w->c[1]);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	m.f[MSG_ID].n = 1;
	m.f[MSG_TARGET].s = str_c("#r0");
	m.f[MSG_FROM].s = str_c("u0");
	m.f[MSG_TEXT].s = str_c(big);
	assert_int_equal(proto_encode(output_batch(&w->s, w->room[0]), &m), 0);
	output_notice(&w->s, &w->c[1], "after the seal"); /* the seal drops u1 */
	output_flush(&w->s);
	drain_peers(w);
	p = w->got[1].data;
	n = w->got[1].len;
	while ((whole = frame_complete(p, n)) > 0) {
		last = p[4];
		frames++;
		p += whole;
		n -= (size_t)whole;
	}
	assert_int_equal(frames, 1);
	assert_int_equal(last, T_BYE);
	world_free(w);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_by_construction),
	    cmocka_unit_test(test_line_form_made_once),
	    cmocka_unit_test(test_nothing_after_bye),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
