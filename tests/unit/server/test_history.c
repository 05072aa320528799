/* SPDX-License-Identifier: ISC */
/* server/test_history.c - rooms' kept history and resume arithmetic, and the transcript line
 * format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "room.h"
#include "server.h"
#include "translog.h"

/* An encoded MSG frame with this id in room r. */
static struct shbuf *msg_frame(const char *room, uint64_t id, const char *text)
{
	struct frame f = {.type = T_MSG};
	struct buf b = {0};
	struct shbuf *s;

	f.f[MSG_ID].n = id;
	f.f[MSG_TIME].n = 1700000000000ull + id;
	f.f[MSG_TARGET].s = str_c(room);
	f.f[MSG_FROM].s = str_c("alice");
	f.f[MSG_TEXT].s = str_c(text);
	assert_int_equal(proto_encode(&b, &f), 0);
	s = shbuf_new(b.data, b.len);
	buf_free(&b);
	return s;
}

/* Decode every MSG in out; returns how many, their ids in ids[]. */
static size_t replayed_ids(const struct buf *out, uint64_t *ids, size_t cap)
{
	size_t n = 0, at = 0;

	while (at < out->len && n < cap) {
		long whole = frame_complete(out->data + at, out->len - at);
		struct frame f;

		assert_true(whole > 0);
		assert_int_equal(proto_decode(out->data + at + 4, (size_t)whole - 4, &f), 0);
		assert_int_equal(f.type, T_MSG);
		assert_true(f.f[MSG_FLAGS].n & MSGF_HISTORY);
		ids[n++] = f.f[MSG_ID].n;
		at += (size_t)whole;
	}
	return n;
}

static void test_history_keeps_last_n_in_order(void **state)
{
	struct rooms rs = {.history_cap = 5};
	struct room *r = room_create(&rs, "#dev", 4);
	uint64_t ids[16], missed;
	struct buf out = {0};
	bool exact;

	(void)state;
	/* Ids grow server-wide, so a room sees gaps: 3, 6, 9, ... */
	for (uint64_t id = 3; id <= 30; id += 3) {
		struct shbuf *s = msg_frame("#dev", id, "hi");

		room_keep(r, s, id);
		shbuf_unref(s);
	}
	assert_int_equal(room_first_kept(r), 18);
	room_replay(r, 0, &out, &missed, &exact);
	assert_int_equal(replayed_ids(&out, ids, 16), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ids[i], 18 + 3 * (uint64_t)i);
	/* Everything after 12 that is gone: 15 only; exact, as its id is remembered. */
	buf_clear(&out);
	room_replay(r, 12, &out, &missed, &exact);
	assert_int_equal(missed, 1);
	assert_true(exact);
	assert_int_equal(replayed_ids(&out, ids, 16), 5);
	/* Resuming after 24 replays 27 and 30: no duplicate, no gap. */
	buf_clear(&out);
	room_replay(r, 24, &out, &missed, &exact);
	assert_int_equal(missed, 0);
	assert_int_equal(replayed_ids(&out, ids, 16), 2);
	assert_int_equal(ids[0], 27);
	assert_int_equal(ids[1], 30);
	buf_free(&out);
	rooms_free(&rs);
}

static void test_history_missed_beyond_memory_is_upper_bound(void **state)
{
	struct rooms rs = {.history_cap = 3};
	struct room *r = room_create(&rs, "#x", 2);
	struct buf out = {0};
	uint64_t missed;
	bool exact;

	(void)state;
	for (uint64_t id = 1; id <= 20; id++) {
		struct shbuf *s = msg_frame("#x", id, "m");

		room_keep(r, s, id);
		shbuf_unref(s);
	}
	/* Kept 18..20, remembered gone ids 15..17, forgotten 1..14 entirely. */
	room_replay(r, 16, &out, &missed, &exact);
	assert_int_equal(missed, 1);
	assert_true(exact);
	buf_clear(&out);
	room_replay(r, 2, &out, &missed, &exact);
	assert_false(exact);
	assert_int_equal(missed, 17); /* an upper bound: 3 remembered + 14 unknown */
	buf_free(&out);
	rooms_free(&rs);
}

static void test_history_zero_keeps_nothing(void **state)
{
	struct rooms rs = {.history_cap = 0};
	struct room *r = room_create(&rs, "#x", 2);
	struct shbuf *s = msg_frame("#x", 1, "m");
	struct buf out = {0};
	uint64_t missed;
	bool exact;

	(void)state;
	room_keep(r, s, 1);
	assert_int_equal(s->refs, 1);
	shbuf_unref(s);
	room_replay(r, 0, &out, &missed, &exact);
	assert_int_equal(out.len, 0);
	rooms_free(&rs);
}

static void test_room_names_fold_case(void **state)
{
	struct rooms rs = {.history_cap = 1};
	struct room *a = room_create(&rs, "#Dev", 4);
	struct client *member = xcalloc(1, sizeof *member);

	(void)state;
	assert_ptr_equal(room_find(&rs, "#dev", 4), a);
	assert_ptr_equal(room_find(&rs, "#DEV", 4), a);
	assert_null(room_find(&rs, "#devs", 5));
	room_add_member(a, member);
	assert_true(room_has_member(a, member));
	room_remove_member(a, member);
	assert_false(room_has_member(a, member));
	free(member);
	rooms_free(&rs);
}

static void test_translog_round_trip(void **state)
{
	static const char *const texts[] = {"hello", "two\nlines", "tab\there", "back\\slash\\n",
					    "caf\xc3\xa9 \xe4\xb8\x96\xf0\x9f\x98\x80"};
	struct buf line = {0}, scratch = {0};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct logged_msg m = {.id = 1000 + i,
				       .time_ms = 1700000000123ull,
				       .flags = i % 2 ? MSGF_ACTION : 0,
				       .nick = str_c("bob/laptop"),
				       .text = str_c(texts[i])},
				  back;

		buf_clear(&line);
		translog_format(&m, &line);
		assert_null(memchr(line.data, '\n', line.len));
		assert_int_equal(translog_parse((const char *)line.data, line.len, &back, &scratch),
				 0);
		assert_int_equal(back.id, m.id);
		assert_int_equal(back.time_ms, m.time_ms);
		assert_int_equal(back.flags, m.flags);
		assert_true(back.nick.len == m.nick.len &&
			    memcmp(back.nick.p, m.nick.p, m.nick.len) == 0);
		assert_true(back.text.len == m.text.len &&
			    memcmp(back.text.p, m.text.p, m.text.len) == 0);
	}
	buf_clear(&line);
	{
		struct logged_msg m = {.id = 7,
				       .time_ms = 1700000000000ull,
				       .nick = str_c("bob"),
				       .text = str_c("hi")};

		translog_format(&m, &line);
		buf_append(&line, "", 1);
		assert_string_equal((const char *)line.data, "7 2023-11-14T22:13:20.000Z <bob> hi");
	}
	buf_free(&line);
	buf_free(&scratch);
}

static void test_translog_rejects_damaged_lines(void **state)
{
	static const char *const bad[] = {
	    "",
	    "x 2023-11-14T22:13:20.000Z <bob> hi",
	    "0 2023-11-14T22:13:20.000Z <bob> hi",
	    "7 2023-11-14 22:13:20 <bob> hi",
	    "7 2023-11-14T22:13:20.000Z bob hi",
	    "7 2023-11-14T22:13:20.000Z <bad nick> hi",
	    "7 2023-11-14T22:13:20.000Z <bob> ",
	    "7 2023-11-14T22:13:20.000Z <bob> \x1b[2J",
	    "7 2023-11-14T22:13:2", /* a line cut by a full disk */
	};
	struct buf scratch = {0};
	struct logged_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (translog_parse(bad[i], strlen(bad[i]), &m, &scratch) == 0)
			fail_msg("accepted damaged line '%s'", bad[i]);
	buf_free(&scratch);
}

struct collected {
	char rooms[8][MAX_ROOM_BYTES + 1];
	uint64_t ids[8];
	int n;
};

static void collect(const char *room, const struct logged_msg *m, void *ctx)
{
	struct collected *c = ctx;

	if (c->n < 8) {
		snprintf(c->rooms[c->n], sizeof c->rooms[c->n], "%s", room);
		c->ids[c->n++] = m->id;
	}
}

/* Append message id (text "m<id>") to tl. */
static enum translog_result append_id(struct translog *tl, uint64_t id)
{
	char text[32];
	struct logged_msg m = {.id = id, .time_ms = 1700000000000ull, .nick = str_c("bob")};

	snprintf(text, sizeof text, "m%llu", (unsigned long long)id);
	m.text = str_c(text);
	return translog_append(tl, &m);
}

/* The whole of a small file as a string (static buffer). */
static const char *slurp(const char *path)
{
	static char data[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(data, 1, sizeof data - 1, f);
	data[n] = '\0';
	fclose(f);
	return data;
}

static void test_translog_append_and_load(void **state)
{
	char dir[] = "/tmp/natter-translog-XXXXXX", path[256];
	struct translog tl = {.fd = -1};
	struct collected got = {0};
	struct errmsg e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(translog_init(&tl, dir, "#Dev", &e), 0);
	for (uint64_t id = 1; id <= 3; id++)
		assert_int_equal(append_id(&tl, id), TL_WRITTEN);
	translog_close(&tl);
	/* A torn last line, as a crash leaves, is cut off the file, not counted. */
	snprintf(path, sizeof path, "%s/dev.log", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("4 2023-11-14T22:13", f);
	fclose(f);
	assert_int_equal(translog_load(dir, collect, &got, &e), 0);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.rooms[0], "#dev");
	assert_int_equal(got.ids[2], 3);
	assert_null(strstr(slurp(path), "4 2023"));
	/* The next line starts on a line of its own and is read back. */
	tl.fd = -1;
	assert_int_equal(translog_init(&tl, dir, "#dev", &e), 0);
	assert_int_equal(append_id(&tl, 5), TL_WRITTEN);
	translog_close(&tl);
	got.n = 0;
	assert_int_equal(translog_load(dir, collect, &got, &e), 0);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.ids[3], 5);
	unlink(path);
	rmdir(dir);
	assert_int_equal(translog_load(dir, collect, &got, &e), -1);
	assert_non_null(strstr(e.text, dir));
}

static void test_translog_writer_starts_a_fresh_line(void **state)
{
	char dir[] = "/tmp/natter-translog-XXXXXX", path[256];
	struct translog tl = {.fd = -1};
	struct errmsg e;
	FILE *f;

	(void)state;
	/* If the loader could not cut a torn line, the writer never glues onto it. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/dev.log", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("3 2026-12-05T12:39:51.561Z <alice>", f);
	fclose(f);
	assert_int_equal(translog_init(&tl, dir, "#dev", &e), 0);
	assert_int_equal(append_id(&tl, 4), TL_WRITTEN);
	translog_close(&tl);
	assert_string_equal(slurp(path), "3 2026-12-05T12:39:51.561Z <alice>\n"
					 "4 2023-11-14T22:13:20.000Z <bob> m4\n");
	unlink(path);
	rmdir(dir);
}

/*
 * Set the soft file size limit (bytes; RLIM_INFINITY: back to the hard
 * limit). SIGXFSZ is ignored, so writes past it fail with EFBIG.
 */
static void fsize_limit(rlim_t bytes)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = bytes == RLIM_INFINITY ? rl.rlim_max : bytes;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

static void test_translog_full_disk_waits_in_order(void **state)
{
	char dir[] = "/tmp/natter-translog-XXXXXX", path[256], want[64];
	struct translog tl = {.fd = -1};
	struct collected got = {0};
	struct errmsg e;
	uint64_t id, waiting = 0;
	const char *text;

	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/dev.log", dir);
	assert_int_equal(translog_init(&tl, dir, "#dev", &e), 0);
	/* 50 bytes: the first line (36) fits, the second is torn after 14, the rest wait. */
	fsize_limit(50);
	assert_int_equal(append_id(&tl, 1), TL_WRITTEN);
	for (id = 2; id <= 6; id++)
		assert_int_equal(append_id(&tl, id), TL_WAITING);
	assert_int_equal(tl.pending_lines, 5);
	assert_non_null(tl.why);
	assert_non_null(strstr(tl.why, path));
	assert_non_null(strstr(tl.why, "File too large"));
	assert_int_equal(translog_flush(&tl), 5);
	/* Past the bound a message is dropped; what waits stays bounded. */
	for (id = 7; id < 100000; id++) {
		enum translog_result r = append_id(&tl, id);

		if (r == TL_DROPPED)
			break;
		assert_int_equal(r, TL_WAITING);
	}
	assert_true(id < 100000);
	assert_true(tl.pending.len <= MAX_LOG_PENDING_BYTES);
	assert_int_equal(tl.dropped, 1);
	waiting = tl.pending_lines;
	/* Space returns: everything waiting reaches the file, in order, the torn line whole. */
	fsize_limit(RLIM_INFINITY);
	assert_int_equal(translog_flush(&tl), 0);
	assert_null(tl.why);
	assert_int_equal(append_id(&tl, id + 1), TL_WRITTEN);
	translog_close(&tl);
	text = slurp(path);
	snprintf(want, sizeof want, "%llu 2023-11-14T22:13:20.000Z <bob> m%llu\n",
		 (unsigned long long)(id + 1), (unsigned long long)(id + 1));
	assert_non_null(strstr(text, want));
	assert_true(strncmp(text, "1 2023-11-14T22:13:20.000Z <bob> m1\n2 2023", 41) == 0);
	assert_int_equal(translog_load(dir, collect, &got, &e), 0);
	assert_int_equal(got.n, 8); /* collect keeps the first 8: 1..8 in order */
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(got.ids[i], i + 1);
	assert_int_equal(waiting + 1, id - 1); /* 1 written, 2..id-1 waited, id dropped */
	unlink(path);
	rmdir(dir);
}

static void test_translog_refuses_fifo_and_link(void **state)
{
	char dir[] = "/tmp/natter-translog-XXXXXX", path[256], link[256];
	struct translog tl = {.fd = -1};
	struct collected got = {0};
	struct errmsg e;

	(void)state;
	/* Neither read nor written, and nothing blocks (no reader, no writer). */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pipe.log", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(translog_load(dir, collect, &got, &e), -1);
	assert_non_null(strstr(e.text, path));
	assert_non_null(strstr(e.text, "a FIFO, not a regular file"));
	assert_int_equal(translog_init(&tl, dir, "#pipe", &e), 0);
	assert_int_equal(append_id(&tl, 1), TL_WAITING);
	assert_non_null(strstr(tl.why, "not a regular file"));
	translog_close(&tl);
	unlink(path);
	snprintf(link, sizeof link, "%s/link.log", dir);
	assert_int_equal(symlink("/dev/null", link), 0);
	assert_int_equal(translog_load(dir, collect, &got, &e), -1);
	assert_non_null(strstr(e.text, "symbolic link"));
	unlink(link);
	rmdir(dir);
}

static void test_ids_never_go_back(void **state)
{
	(void)state;
	/* A log that lost lines, or none at all: the clock in microseconds. */
	assert_int_equal(history_last_id(22, 0, 1796471042594000ull), 1796471042594000ull);
	assert_int_equal(history_last_id(0, 0, 1796471042594000ull), 1796471042594000ull);
	/* Ids ran ahead of the clock (or the clock went back): above them. */
	assert_int_equal(history_last_id(1796471042594999ull, 0, 1796471042594000ull),
			 1796471042594999ull);
	assert_int_equal(history_last_id(5, 1796471042595000ull, 1796471042594000ull),
			 1796471042595000ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_history_keeps_last_n_in_order),
	    cmocka_unit_test(test_history_missed_beyond_memory_is_upper_bound),
	    cmocka_unit_test(test_history_zero_keeps_nothing),
	    cmocka_unit_test(test_room_names_fold_case),
	    cmocka_unit_test(test_translog_round_trip),
	    cmocka_unit_test(test_translog_rejects_damaged_lines),
	    cmocka_unit_test(test_translog_append_and_load),
	    cmocka_unit_test(test_translog_writer_starts_a_fresh_line),
	    cmocka_unit_test(test_translog_full_disk_waits_in_order),
	    cmocka_unit_test(test_translog_refuses_fifo_and_link),
	    cmocka_unit_test(test_ids_never_go_back),
	};

	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
