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
#include <unistd.h>

#include "room.h"
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
	int member = 0;

	(void)state;
	assert_ptr_equal(room_find(&rs, "#dev", 4), a);
	assert_ptr_equal(room_find(&rs, "#DEV", 4), a);
	assert_null(room_find(&rs, "#devs", 5));
	room_add_member(a, (struct client *)&member);
	assert_true(room_has_member(a, (struct client *)&member));
	room_remove_member(a, (struct client *)&member);
	assert_false(room_has_member(a, (struct client *)&member));
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

static void test_translog_append_and_load(void **state)
{
	char dir[] = "/tmp/natter-translog-XXXXXX", path[256];
	struct collected got = {0};
	struct errmsg e;
	FILE *f;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = translog_open(dir, "#Dev", &e);
	assert_true(fd >= 0);
	for (uint64_t id = 1; id <= 3; id++) {
		struct logged_msg m = {.id = id,
				       .time_ms = 1700000000000ull,
				       .nick = str_c("bob"),
				       .text = str_c("hi")};

		assert_int_equal(translog_append(fd, &m), 0);
	}
	close(fd);
	/* A torn last line, as a full disk leaves, is skipped and counted. */
	snprintf(path, sizeof path, "%s/dev.log", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("4 2023-11-14T22:13", f);
	fclose(f);
	assert_int_equal(translog_load(dir, collect, &got, &e), 1);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.rooms[0], "#dev");
	assert_int_equal(got.ids[2], 3);
	unlink(path);
	rmdir(dir);
	assert_int_equal(translog_load(dir, collect, &got, &e), -1);
	assert_non_null(strstr(e.text, dir));
}

static void test_translog_full_disk_reports(void **state)
{
	struct logged_msg m = {.id = 1, .time_ms = 1, .nick = str_c("bob"), .text = str_c("hi")};
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	if (fd < 0)
		skip();
	assert_int_equal(translog_append(fd, &m), -1);
	close(fd);
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
	    cmocka_unit_test(test_translog_full_disk_reports),
	};

	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
