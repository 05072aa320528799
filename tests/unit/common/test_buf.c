/* SPDX-License-Identifier: ISC */
/* common/test_buf.c - unit tests for growable and shared byte buffers (common/buf.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"

enum { GROW_BYTES = 100000 };

static void test_append_grows(void **state)
{
	struct buf b = {0};

	(void)state;
	buf_append(&b, "", 0);
	assert_int_equal(b.len, 0);
	for (size_t i = 0; i < GROW_BYTES; i++) {
		unsigned char c = (unsigned char)(i * 31 + 7);

		buf_append(&b, &c, 1);
	}
	assert_int_equal(b.len, GROW_BYTES);
	assert_true(b.cap >= b.len);
	for (size_t i = 0; i < GROW_BYTES; i++)
		if (b.data[i] != (unsigned char)(i * 31 + 7))
			fail_msg("byte %zu lost while growing", i);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_reserve(void **state)
{
	struct buf b = {0};
	unsigned char *before;

	(void)state;
	buf_append(&b, "abc", 3);
	buf_reserve(&b, 5000);
	assert_true(b.cap >= 5003);
	assert_memory_equal(b.data, "abc", 3);
	/* Reserved room is used without moving the data. */
	before = b.data;
	for (size_t i = 0; i < 5000; i++)
		buf_append(&b, "x", 1);
	assert_ptr_equal(b.data, before);
	assert_int_equal(b.len, 5003);
	buf_free(&b);
}

static void test_consume(void **state)
{
	struct buf b = {0};

	(void)state;
	buf_append(&b, "hello world", 11);
	buf_consume(&b, 0);
	assert_int_equal(b.len, 11);
	buf_consume(&b, 6);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "world", 5);
	buf_append(&b, "!", 1);
	assert_memory_equal(b.data, "world!", 6);
	buf_consume(&b, 6);
	assert_int_equal(b.len, 0);
	buf_append(&b, "again", 5);
	buf_consume(&b, 100);
	assert_int_equal(b.len, 0);
	buf_append(&b, "xy", 2);
	buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_non_null(b.data);
	buf_free(&b);
}

static void test_shbuf_refs(void **state)
{
	struct shbuf *s;

	(void)state;
	s = shbuf_new("frame", 5);
	assert_int_equal(s->refs, 1);
	assert_int_equal(s->len, 5);
	assert_memory_equal(s->data, "frame", 5);
	assert_ptr_equal(shbuf_ref(s), s);
	assert_ptr_equal(shbuf_ref(s), s);
	assert_int_equal(s->refs, 3);
	shbuf_unref(s);
	shbuf_unref(s);
	assert_int_equal(s->refs, 1);
	assert_memory_equal(s->data, "frame", 5);
	/* The last unref frees; ASan and valgrind report a leak or double free. */
	shbuf_unref(s);
	s = shbuf_new("", 0);
	assert_int_equal(s->len, 0);
	shbuf_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_grows),
	    cmocka_unit_test(test_reserve),
	    cmocka_unit_test(test_consume),
	    cmocka_unit_test(test_shbuf_refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
