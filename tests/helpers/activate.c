/* SPDX-License-Identifier: ISC */
/* activate.c - test tool: a tiny socket-activating service manager (like systemd-socket-activate).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "errmsg.h"

enum {
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	MAX_FDS = 16,
	BACKLOG = 64,
	FIRST_FD = 3,	  /* SD_LISTEN_FDS_START */
	PARK_FD_MIN = 64, /* where descriptors wait while 3, 4, ... are filled */
};

static const char usage_text[] =
    "usage: activate [SOCKET...] [--name NAMES] -- PROGRAM [ARGS...]\n"
    "Open each SOCKET in order, place them on descriptors 3, 4, ..., set LISTEN_FDS\n"
    "and LISTEN_PID (this pid, which exec keeps), and exec PROGRAM.\n"
    "  --unix PATH       a listening UNIX stream socket (PATH must not exist)\n"
    "  --tcp [HOST:]PORT a listening TCP socket (HOST defaults to 127.0.0.1)\n"
    "  --dgram PATH      a bound UNIX datagram socket (PATH must not exist)\n"
    "  --stream-unbound  a UNIX stream socket that is not listening\n"
    "  --file PATH       a regular file opened read-only (not a socket at all)\n"
    "  --name NAMES      set LISTEN_FDNAMES to NAMES (colon-separated)\n"
    "exit: 1 a socket could not be opened or PROGRAM not run, 2 usage\n";

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "activate: %s %s: %s\n", what, arg, strerror(errno));
	return -1;
}

/* A UNIX socket of the given type bound to path; listening if a stream. */
static int open_unix(const char *path, int type)
{
	struct sockaddr_un sun;
	socklen_t len;
	struct errmsg e;
	int fd;

	if (addr_sockaddr_un(path, &sun, &len, &e) < 0) {
		fprintf(stderr, "activate: %s\n", e.text);
		return -1;
	}
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		return fail("socket for", path);
	if (bind(fd, (struct sockaddr *)&sun, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, BACKLOG) < 0)) {
		fail("cannot bind or listen on", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* A listening TCP socket on [HOST:]PORT. */
static int open_tcp(const char *spec)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res;
	struct errmsg e;
	struct addr a;
	int fd, one = 1, rc;

	if (addr_parse_tcp(spec, "127.0.0.1", &a, &e) < 0) {
		fprintf(stderr, "activate: %s\n", e.text);
		return -1;
	}
	rc = getaddrinfo(a.host, a.port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "activate: cannot resolve %s: %s\n", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, BACKLOG) < 0) {
		fail("cannot listen on TCP", spec);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Open the descriptor one option asks for; -1 on failure, -2 if opt is not ours. */
static int open_one(const char *opt, const char *arg)
{
	int fd;

	if (strcmp(opt, "--unix") == 0)
		return open_unix(arg, SOCK_STREAM);
	if (strcmp(opt, "--dgram") == 0)
		return open_unix(arg, SOCK_DGRAM);
	if (strcmp(opt, "--tcp") == 0)
		return open_tcp(arg);
	if (strcmp(opt, "--file") == 0) {
		fd = open(arg, O_RDONLY);
		return fd < 0 ? fail("cannot open", arg) : fd;
	}
	return -2;
}

/*
 * Move fds[0..n-1] to 3..3+n-1, without close-on-exec. They are parked high
 * first, so that filling slot 3 cannot overwrite one still waiting to move.
 */
static int place(int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		int high = fcntl(fds[i], F_DUPFD_CLOEXEC, PARK_FD_MIN);

		if (high < 0 || close(fds[i]) < 0)
			return fail("cannot move descriptor", "");
		fds[i] = high;
	}
	for (int i = 0; i < n; i++) {
		if (dup2(fds[i], FIRST_FD + i) < 0 || close(fds[i]) < 0)
			return fail("cannot place descriptor", "");
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fds[MAX_FDS], n = 0, i;
	const char *names = NULL;
	char num[32];

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		int fd;

		if (strcmp(argv[i], "--stream-unbound") == 0) {
			fd = socket(AF_UNIX, SOCK_STREAM, 0);
			if (fd < 0) {
				fail("cannot create", "a socket");
				return EXIT_FAIL;
			}
		} else if (i + 1 < argc && strcmp(argv[i], "--name") == 0) {
			names = argv[++i];
			continue;
		} else if (i + 1 >= argc || (fd = open_one(argv[i], argv[i + 1])) == -2) {
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		} else {
			i++;
		}
		if (fd < 0)
			return EXIT_FAIL;
		if (n == MAX_FDS) {
			fprintf(stderr, "activate: at most %d descriptors\n", MAX_FDS);
			return EXIT_USAGE;
		}
		fds[n++] = fd;
	}
	if (i + 1 >= argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (place(fds, n) < 0)
		return EXIT_FAIL;
	snprintf(num, sizeof num, "%d", n);
	if (setenv("LISTEN_FDS", num, 1) < 0)
		return EXIT_FAIL;
	snprintf(num, sizeof num, "%ld", (long)getpid());
	if (setenv("LISTEN_PID", num, 1) < 0 ||
	    (names != NULL && setenv("LISTEN_FDNAMES", names, 1) < 0))
		return EXIT_FAIL;
	execvp(argv[i + 1], &argv[i + 1]);
	fprintf(stderr, "activate: cannot run %s: %s\n", argv[i + 1], strerror(errno));
	return EXIT_FAIL;
}
