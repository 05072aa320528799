/* SPDX-License-Identifier: ISC */
/*
 * echo-client.c - the lecture's TCP echo client: sends what you type, prints what comes back,
 * notices a server that hangs up.
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -o echo-client examples/echo-client.c
 *   ./echo-client HOST PORT            (HOST: 127.0.0.1, ::1 or a name)
 *
 * It waits on two things at once with poll(): your keyboard (stdin) and the
 * socket. At the end of your input it shuts down only its sending side
 * (shutdown SHUT_WR, a "half close") and keeps reading until the server
 * has sent everything back and closed too: nothing in flight is lost.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUF_BYTES = 4096 };

/* Write all n bytes of buf to fd, looping over short writes; 0 or -1 (errno set). */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Connect to host:port over IPv4 or IPv6, whichever getaddrinfo() offers first that works; the
 * socket or -1. */
static int dial(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC; /* "127.0.0.1" gives IPv4, "::1" IPv6 */
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "echo-client: %s port %s: %s\n", host, port, gai_strerror(rc));
		return -1;
	}
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "echo-client: connect to %s port %s: %s\n", host, port,
			strerror(err));
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: echo-client HOST PORT\n");
		return 2;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) { /* a closed server gives EPIPE, not death */
		perror("echo-client: signal");
		return 1;
	}
	int fd = dial(argv[1], argv[2]);
	if (fd < 0)
		return 1;
	struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = fd, .events = POLLIN}};
	char buf[BUF_BYTES];
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("echo-client: poll");
			return 1;
		}
		if (p[0].revents) { /* your input: forward it as it is */
			ssize_t n = read(0, buf, sizeof buf);
			if (n < 0 && errno != EINTR) {
				perror("echo-client: read stdin");
				return 1;
			}
			if (n == 0) {
				/* End of input: tell the server "no more from me", keep reading its
				 * echo. */
				if (shutdown(fd, SHUT_WR) < 0) {
					perror("echo-client: shutdown");
					return 1;
				}
				p[0].fd = -1; /* poll() ignores negative descriptors */
			} else if (n > 0 && write_all(fd, buf, (size_t)n) < 0) {
				perror("echo-client: write");
				return 1;
			}
		}
		if (p[1].revents) { /* the server: print what it sends */
			ssize_t n = read(fd, buf, sizeof buf);
			if (n < 0 && errno != EINTR) {
				perror("echo-client: read");
				return 1;
			}
			if (n == 0) {
				if (p[0].fd >= 0) /* it closed while we still had things to say */
					fprintf(stderr,
						"echo-client: the server closed the connection\n");
				return close(fd) < 0 ? 1 : 0;
			}
			if (n > 0 && write_all(1, buf, (size_t)n) < 0) {
				perror("echo-client: write stdout");
				return 1;
			}
		}
	}
}
