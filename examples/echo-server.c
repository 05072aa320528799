/* SPDX-License-Identifier: ISC */
/*
 * echo-server.c - the lecture's TCP echo server: a fixed port, SO_REUSEADDR, bound to INADDR_ANY,
 * one client at a time.
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -o echo-server examples/echo-server.c
 *   ./echo-server [PORT] [--no-reuseaddr]          (PORT defaults to 7007)
 *
 * This is the classroom starting point that natter is compared with. It is
 * deliberately simple: it serves one client until that client hangs up,
 * then accepts the next one. Two of its choices are worth a second look:
 *
 *  - INADDR_ANY (0.0.0.0) means "every interface": the loopback, but also
 *    the Ethernet and Wi-Fi addresses, so anyone on the network who can
 *    reach this machine can connect, and the server cannot tell who they
 *    are. natterd binds 127.0.0.1 (or a UNIX socket) unless told otherwise.
 *  - SO_REUSEADDR lets a restarted server bind its port while connections
 *    of the previous run still sit in TIME_WAIT. --no-reuseaddr leaves it
 *    off, to see the "Address already in use" it prevents.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { DEFAULT_PORT = 7007, BACKLOG = 16, BUF_BYTES = 4096 };

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

/* Make the listening socket on 0.0.0.0:port; exits with a sentence on failure. */
static int listen_any(unsigned port, int reuse)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("echo-server: socket");
		exit(1);
	}
	/* Must be set before bind(): it changes how bind() checks the port. */
	if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse) < 0) {
		perror("echo-server: setsockopt SO_REUSEADDR");
		exit(1);
	}
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_ANY); /* every interface: see the top of the file */
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		fprintf(stderr, "echo-server: bind 0.0.0.0:%u: %s\n", port, strerror(errno));
		exit(1);
	}
	if (listen(fd, BACKLOG) < 0) {
		perror("echo-server: listen");
		exit(1);
	}
	printf("echo-server: listening on 0.0.0.0:%u (every interface), SO_REUSEADDR %s\n", port,
	       reuse ? "on" : "off");
	return fd;
}

/* Echo everything the client sends until it hangs up; returns the bytes echoed. */
static unsigned long serve(int cfd)
{
	char buf[BUF_BYTES];
	unsigned long total = 0;
	for (;;) {
		/* read() returns whatever has arrived: part of a line, or several. */
		ssize_t n = read(cfd, buf, sizeof buf);
		if (n == 0)
			return total; /* end of file: the client closed (or shut down) its side */
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("echo-server: read");
			return total;
		}
		if (write_all(cfd, buf, (size_t)n) < 0) {
			perror("echo-server: write");
			return total;
		}
		total += (unsigned long)n;
	}
}

int main(int argc, char **argv)
{
	unsigned port = DEFAULT_PORT;
	int reuse = 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-reuseaddr") == 0)
			reuse = 0;
		else if (atoi(argv[i]) > 0 && atoi(argv[i]) < 65536)
			port = (unsigned)atoi(argv[i]);
		else {
			fprintf(stderr, "usage: echo-server [PORT] [--no-reuseaddr]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* one line at a time, even into a file */
	/* A client that hangs up while we write must give EPIPE, not kill us. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		perror("echo-server: signal");
		return 1;
	}
	int lfd = listen_any(port, reuse);
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof peer;
		int cfd = accept(lfd, (struct sockaddr *)&peer, &len);
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("echo-server: accept");
			return 1;
		}
		/* The peer's address is all TCP tells us: no user, no process. */
		char ip[INET_ADDRSTRLEN];
		if (!inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip))
			strcpy(ip, "?");
		printf("echo-server: %s:%u connected\n", ip, ntohs(peer.sin_port));
		unsigned long n = serve(cfd);
		printf("echo-server: %s:%u left after %lu bytes\n", ip, ntohs(peer.sin_port), n);
		if (close(cfd) < 0)
			perror("echo-server: close");
	}
}
