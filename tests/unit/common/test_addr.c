/* SPDX-License-Identifier: ISC */
/* common/test_addr.c - unit tests for addresses, the socket dir and loopback checks
 * (common/addr.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"

enum { MAX_CLEANUP_ENTRIES = 64 };

static void test_parse_tcp_good(void **state)
{
	static const struct {
		const char *spec, *host, *port, *formatted;
	} cases[] = {
	    {"7000", "127.0.0.1", "7000", "127.0.0.1:7000"},
	    {"1", "127.0.0.1", "1", "127.0.0.1:1"},
	    {"65535", "127.0.0.1", "65535", "127.0.0.1:65535"},
	    {"127.0.0.1:7000", "127.0.0.1", "7000", "127.0.0.1:7000"},
	    {"[::1]:7000", "::1", "7000", "[::1]:7000"},
	    {"[fe80::1%lo]:22", "fe80::1%lo", "22", "[fe80::1%lo]:22"},
	    {"localhost:80", "localhost", "80", "localhost:80"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct addr a, b;
		struct errmsg e = {{0}};
		char out[ADDR_HOST_BYTES + 16];

		if (addr_parse_tcp(cases[i].spec, "127.0.0.1", &a, &e) != 0)
			fail_msg("'%s' refused: %s", cases[i].spec, e.text);
		assert_int_equal(a.kind, ADDR_TCP);
		assert_string_equal(a.host, cases[i].host);
		assert_string_equal(a.port, cases[i].port);
		addr_format(&a, out, sizeof out);
		assert_string_equal(out, cases[i].formatted);
		/* What addr_format prints parses back to the same address. */
		assert_int_equal(addr_parse_tcp(out, "unused", &b, &e), 0);
		assert_string_equal(b.host, a.host);
		assert_string_equal(b.port, a.port);
	}
}

static void test_parse_tcp_default_host(void **state)
{
	struct addr a;
	struct errmsg e;

	(void)state;
	assert_int_equal(addr_parse_tcp("7000", "::1", &a, &e), 0);
	assert_string_equal(a.host, "::1");
	assert_string_equal(a.port, "7000");
}

static void test_parse_tcp_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "0",
	    "65536",
	    "99999999999",
	    "abc",
	    "-1",
	    "+80",
	    " 80",
	    "80 ",
	    "::1:7000",
	    "[::1]7000",
	    "[::1]17000",
	    "[::1]:",
	    "[::1]",
	    "[::1",
	    "[]:7000",
	    "host:",
	    "host:0",
	    "host:65536",
	    "host:x",
	    "a:b:c",
	    "1.2.3.4:7000x",
	    "[::1]:-80",
	    "[::1]:0x50",
	    "127.0.0.1:7000:",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct addr a;
		struct errmsg e = {{0}};

		if (addr_parse_tcp(bad[i], "127.0.0.1", &a, &e) != -1)
			fail_msg("'%s' accepted as host '%s' port '%s'", bad[i], a.host, a.port);
		if (e.text[0] == '\0')
			fail_msg("'%s' refused without a message", bad[i]);
	}
}

static void test_parse_tcp_messages(void **state)
{
	struct addr a;
	struct errmsg e = {{0}};

	(void)state;
	assert_int_equal(addr_parse_tcp("::1:7000", "127.0.0.1", &a, &e), -1);
	assert_non_null(strstr(e.text, "::1:7000"));
	assert_non_null(strstr(e.text, "[::1]:PORT"));
	assert_int_equal(addr_parse_tcp("65536", "127.0.0.1", &a, &e), -1);
	assert_non_null(strstr(e.text, "65536"));
	assert_non_null(strstr(e.text, "65535"));
}

static void test_set_unix(void **state)
{
	struct sockaddr_un sun;
	const size_t max = sizeof sun.sun_path - 1;
	char *path = malloc(max + 2);
	char limit[32];
	struct addr a;
	struct errmsg e = {{0}};
	char out[ADDR_PATH_BYTES];
	socklen_t len;

	(void)state;
	assert_non_null(path);
	assert_int_equal(addr_set_unix(&a, "", &e), -1);
	assert_true(e.text[0] != '\0');
	assert_int_equal(addr_set_unix(&a, "@abstract", &e), -1);
	assert_non_null(strstr(e.text, "@abstract"));

	assert_int_equal(addr_set_unix(&a, "/tmp/x.sock", &e), 0);
	assert_int_equal(a.kind, ADDR_UNIX);
	addr_format(&a, out, sizeof out);
	assert_string_equal(out, "/tmp/x.sock");

	/* Exactly sizeof(sun_path) - 1 bytes fits with its NUL. */
	path[0] = '/';
	memset(path + 1, 'p', max - 1);
	path[max] = '\0';
	assert_int_equal(addr_set_unix(&a, path, &e), 0);
	assert_string_equal(a.path, path);
	assert_int_equal(addr_sockaddr_un(path, &sun, &len, &e), 0);
	assert_int_equal(sun.sun_family, AF_UNIX);
	assert_memory_equal(sun.sun_path, path, max + 1);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + max + 1);

	/* One byte more is refused, never truncated. */
	path[max] = 'q';
	path[max + 1] = '\0';
	errno = 0;
	assert_int_equal(addr_set_unix(&a, path, &e), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(a.path, "");
	snprintf(limit, sizeof limit, "%zu", max);
	assert_non_null(strstr(e.text, limit));
	errno = 0;
	assert_int_equal(addr_sockaddr_un(path, &sun, &len, &e), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_non_null(strstr(e.text, limit));
	free(path);
}

/* A scratch directory under /tmp, removed with everything in it after each test. */
struct scratch {
	char base[64];
};

static int scratch_setup(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	snprintf(s->base, sizeof s->base, "/tmp/natter-unit-XXXXXX");
	if (mkdtemp(s->base) == NULL) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

/* Remove the scratch dir and the files, links, sockets and empty dirs the tests made in it. */
static int scratch_teardown(void **state)
{
	struct scratch *s = *state;
	struct dirent *de;
	char path[sizeof s->base + sizeof de->d_name + 1];
	int rc = 0;
	DIR *d = opendir(s->base);

	if (d == NULL)
		return -1;
	for (int i = 0; i < MAX_CLEANUP_ENTRIES && (de = readdir(d)) != NULL; i++) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", s->base, de->d_name) >= (int)sizeof path)
			rc = -1;
		else if (unlink(path) < 0 && rmdir(path) < 0)
			rc = -1;
	}
	closedir(d);
	if (rmdir(s->base) < 0)
		rc = -1;
	free(s);
	return rc;
}

/* Build base/name into out. */
static const char *in_scratch(void **state, const char *name, char *out, size_t cap)
{
	struct scratch *s = *state;
	int n = snprintf(out, cap, "%s/%s", s->base, name);

	assert_true(n > 0 && (size_t)n < cap);
	return out;
}

/* Assert sockdir_check refuses dir with a message naming it. */
static void expect_refused(const char *dir, bool create)
{
	struct errmsg e = {{0}};

	if (sockdir_check(dir, create, &e) != -1)
		fail_msg("%s accepted (create=%d)", dir, create);
	if (strstr(e.text, dir) == NULL)
		fail_msg("message does not name %s: %s", dir, e.text);
}

static void test_sockdir_creates(void **state)
{
	char dir[128], deep[160];
	struct errmsg e = {{0}};
	struct stat st;
	mode_t old = umask(022);

	in_scratch(state, "missing", dir, sizeof dir);
	expect_refused(dir, false);
	if (sockdir_check(dir, true, &e) != 0)
		fail_msg("%s", e.text);
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	/* Checking again, with or without create, is fine. */
	assert_int_equal(sockdir_check(dir, true, &e), 0);
	assert_int_equal(sockdir_check(dir, false, &e), 0);
	/* A missing parent is reported, naming the path. */
	in_scratch(state, "nope/natter", deep, sizeof deep);
	expect_refused(deep, true);
	umask(old);
}

static void test_sockdir_refuses_symlink(void **state)
{
	char good[128], link[128];
	struct errmsg e = {{0}};
	struct stat st;

	in_scratch(state, "good", good, sizeof good);
	in_scratch(state, "link", link, sizeof link);
	assert_int_equal(mkdir(good, 0700), 0);
	assert_int_equal(chmod(good, 0700), 0);
	assert_int_equal(sockdir_check(good, false, &e), 0);
	assert_int_equal(symlink(good, link), 0);
	expect_refused(link, false);
	expect_refused(link, true);
	/* A dangling link is refused too, and nothing is created through it. */
	assert_int_equal(rmdir(good), 0);
	expect_refused(link, true);
	assert_int_equal(stat(good, &st), -1);
}

static void test_sockdir_refuses_modes(void **state)
{
	static const mode_t modes[] = {0777, 0750, 0770, 0701, 0710, 0704, 0702, 0720, 01777};
	char dir[128];

	in_scratch(state, "shared", dir, sizeof dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		assert_int_equal(chmod(dir, modes[i]), 0);
		expect_refused(dir, false);
		expect_refused(dir, true);
	}
}

static void test_sockdir_refuses_file(void **state)
{
	char file[128];
	FILE *f;

	in_scratch(state, "file", file, sizeof file);
	f = fopen(file, "w");
	assert_non_null(f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(file, 0700), 0);
	expect_refused(file, false);
	expect_refused(file, true);
}

static void test_sockdir_refuses_other_owner(void **state)
{
	char dir[128];

	if (geteuid() != 0)
		skip();
	in_scratch(state, "theirs", dir, sizeof dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(chown(dir, 65534, 65534), 0);
	expect_refused(dir, false);
	expect_refused(dir, true);
}

static void test_sockdir_default(void **state)
{
	const char *saved = getenv("XDG_RUNTIME_DIR");
	char *keep = saved != NULL ? strdup(saved) : NULL;
	char out[ADDR_PATH_BYTES], want[64];
	struct errmsg e = {{0}};

	(void)state;
	assert_int_equal(setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1), 0);
	assert_int_equal(sockdir_default(out, sizeof out, &e), 0);
	assert_string_equal(out, "/run/user/4242/natter");
	/* Too small a buffer is an error, not a truncated path. */
	assert_int_equal(sockdir_default(out, 10, &e), -1);
	assert_true(e.text[0] != '\0');

	snprintf(want, sizeof want, "/tmp/natter-%lu", (unsigned long)geteuid());
	assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
	assert_int_equal(sockdir_default(out, sizeof out, &e), 0);
	assert_string_equal(out, want);
	/* Relative or empty values are ignored, as the XDG spec requires. */
	assert_int_equal(setenv("XDG_RUNTIME_DIR", "", 1), 0);
	assert_int_equal(sockdir_default(out, sizeof out, &e), 0);
	assert_string_equal(out, want);
	assert_int_equal(setenv("XDG_RUNTIME_DIR", "relative/dir", 1), 0);
	assert_int_equal(sockdir_default(out, sizeof out, &e), 0);
	assert_string_equal(out, want);

	if (keep != NULL)
		assert_int_equal(setenv("XDG_RUNTIME_DIR", keep, 1), 0);
	else
		assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
	free(keep);
}

static void test_sockpath_default(void **state)
{
	struct scratch *s = *state;
	const char *saved = getenv("XDG_RUNTIME_DIR");
	char *keep = saved != NULL ? strdup(saved) : NULL;
	char out[ADDR_PATH_BYTES], want[128];
	struct errmsg e = {{0}};
	struct stat st;

	assert_int_equal(setenv("XDG_RUNTIME_DIR", s->base, 1), 0);
	snprintf(want, sizeof want, "%s/natter/%s", s->base, SOCKET_FILE_NAME);
	assert_int_equal(sockpath_default(out, sizeof out, false, &e), -1);
	if (sockpath_default(out, sizeof out, true, &e) != 0)
		fail_msg("%s", e.text);
	assert_string_equal(out, want);
	snprintf(want, sizeof want, "%s/natter", s->base);
	assert_int_equal(lstat(want, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 077, 0);

	if (keep != NULL)
		assert_int_equal(setenv("XDG_RUNTIME_DIR", keep, 1), 0);
	else
		assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
	free(keep);
}

static void test_connect_unix(void **state)
{
	char path[128];
	struct sockaddr_un sun;
	socklen_t len;
	struct addr a;
	struct errmsg e = {{0}};
	int lfd, fd;

	in_scratch(state, "s.sock", path, sizeof path);
	assert_int_equal(addr_set_unix(&a, path, &e), 0);
	errno = 0;
	assert_int_equal(addr_connect(&a, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(e.text, path));

	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(addr_sockaddr_un(path, &sun, &len, &e), 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(listen(lfd, 1), 0);
	fd = addr_connect(&a, &e);
	if (fd < 0)
		fail_msg("%s", e.text);
	assert_int_equal(close(fd), 0);
	assert_int_equal(close(lfd), 0);
}

/* Fill storage with a numeric address of family af. */
static const struct sockaddr *make_sa(struct sockaddr_storage *ss, int af, const char *text)
{
	memset(ss, 0, sizeof *ss);
	if (af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, text, &in->sin_addr), 1);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, text, &in6->sin6_addr), 1);
	}
	return (const struct sockaddr *)ss;
}

static void test_loopback(void **state)
{
	static const struct {
		int af;
		const char *text;
		bool loopback;
	} cases[] = {
	    {AF_INET, "127.0.0.1", true},
	    {AF_INET, "127.9.9.9", true},
	    {AF_INET, "127.255.255.255", true},
	    {AF_INET, "10.0.0.1", false},
	    {AF_INET, "0.0.0.0", false},
	    {AF_INET, "126.255.255.255", false},
	    {AF_INET, "128.0.0.1", false},
	    {AF_INET, "1.0.0.127", false},
	    {AF_INET6, "::1", true},
	    {AF_INET6, "::ffff:127.0.0.1", true},
	    {AF_INET6, "::ffff:127.1.2.3", true},
	    {AF_INET6, "::ffff:10.0.0.1", false},
	    {AF_INET6, "2001:db8::1", false},
	    {AF_INET6, "::", false},
	    {AF_INET6, "::2", false},
	    {AF_INET6, "::127.0.0.1", false},
	    {AF_INET6, "1::1", false},
	    {AF_INET6, "fe80::1", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sockaddr_storage ss;
		const struct sockaddr *sa = make_sa(&ss, cases[i].af, cases[i].text);

		if (sockaddr_is_loopback(sa) != cases[i].loopback)
			fail_msg("%s: loopback should be %d", cases[i].text, cases[i].loopback);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_tcp_good),
	    cmocka_unit_test(test_parse_tcp_default_host),
	    cmocka_unit_test(test_parse_tcp_bad),
	    cmocka_unit_test(test_parse_tcp_messages),
	    cmocka_unit_test(test_set_unix),
	    cmocka_unit_test_setup_teardown(test_sockdir_creates, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_sockdir_refuses_symlink, scratch_setup,
					    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_sockdir_refuses_modes, scratch_setup,
					    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_sockdir_refuses_file, scratch_setup,
					    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_sockdir_refuses_other_owner, scratch_setup,
					    scratch_teardown),
	    cmocka_unit_test(test_sockdir_default),
	    cmocka_unit_test_setup_teardown(test_sockpath_default, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_connect_unix, scratch_setup, scratch_teardown),
	    cmocka_unit_test(test_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
