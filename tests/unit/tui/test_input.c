/* SPDX-License-Identifier: ISC */
/* tui/test_input.c - unit tests for where the readline history lives and its one move there
 * (tui/input.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"

enum { PATH_BYTES = 4096 };

/* A fresh temporary HOME with no XDG variables, its path in home. */
static void fresh_home(char *home, size_t cap)
{
	snprintf(home, cap, "/tmp/natter-test-input.XXXXXX");
	assert_non_null(mkdtemp(home));
	assert_int_equal(setenv("HOME", home, 1), 0);
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_DATA_HOME");
}

/* Write text into path, making its parent directories first. */
static void put_file(const char *path, const char *text)
{
	char cmd[PATH_BYTES + 32];
	FILE *f;

	snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The whole of a small file, or "" if it is missing. */
static const char *slurp(const char *path)
{
	static char text[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return "";
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_BYTES + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_state_home_chosen(void **state)
{
	char out[PATH_BYTES], want[PATH_BYTES], home[64];

	(void)state;
	fresh_home(home, sizeof home);
	assert_int_equal(input_history_path(out, sizeof out), 0);
	snprintf(want, sizeof want, "%s/.local/state/natter/history", home);
	assert_string_equal(out, want);
	assert_int_equal(input_history_old_path(out, sizeof out), 0);
	snprintf(want, sizeof want, "%s/.local/share/natter/history", home);
	assert_string_equal(out, want);
	/* An absolute XDG_STATE_HOME wins; a relative one is ignored, as the spec says. */
	setenv("XDG_STATE_HOME", "/somewhere/state", 1);
	assert_int_equal(input_history_path(out, sizeof out), 0);
	assert_string_equal(out, "/somewhere/state/natter/history");
	setenv("XDG_STATE_HOME", "relative/state", 1);
	assert_int_equal(input_history_path(out, sizeof out), 0);
	snprintf(want, sizeof want, "%s/.local/state/natter/history", home);
	assert_string_equal(out, want);
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_int_equal(input_history_path(out, sizeof out), -1);
	assert_int_equal(input_history_path(out, 8), -1);
	remove_tree(home);
}

static void test_old_file_moved_once(void **state)
{
	char out[PATH_BYTES], old[PATH_BYTES], want[PATH_BYTES], home[64];
	struct stat st;

	(void)state;
	fresh_home(home, sizeof home);
	snprintf(old, sizeof old, "%s/.local/share/natter/history", home);
	snprintf(want, sizeof want, "%s/.local/state/natter/history", home);
	put_file(old, "first\nsecond\n");
	assert_int_equal(input_history_choose(out, sizeof out), 0);
	assert_string_equal(out, want);
	assert_string_equal(slurp(want), "first\nsecond\n");
	assert_int_equal(access(old, F_OK), -1);
	snprintf(out, sizeof out, "%s/.local/state/natter", home);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* A new file is never overwritten by an old one that appears later. */
	put_file(old, "stale\n");
	assert_int_equal(input_history_choose(out, sizeof out), 0);
	assert_string_equal(out, want);
	assert_string_equal(slurp(want), "first\nsecond\n");
	assert_string_equal(slurp(old), "stale\n");
	remove_tree(home);
}

static void test_no_old_file(void **state)
{
	char out[PATH_BYTES], want[PATH_BYTES], dir[128], home[64];
	struct stat st;

	(void)state;
	fresh_home(home, sizeof home);
	snprintf(dir, sizeof dir, "%s/xdg-state", home);
	setenv("XDG_STATE_HOME", dir, 1);
	assert_int_equal(input_history_choose(out, sizeof out), 0);
	snprintf(want, sizeof want, "%s/natter/history", dir);
	assert_string_equal(out, want);
	snprintf(want, sizeof want, "%s/natter", dir);
	assert_int_equal(stat(want, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	unsetenv("XDG_STATE_HOME");
	remove_tree(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_home_chosen),
	    cmocka_unit_test(test_old_file_moved_once),
	    cmocka_unit_test(test_no_old_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
