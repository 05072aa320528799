/* SPDX-License-Identifier: ISC */
/*
 * dual-stack.c - one IPv6 listening socket, IPV6_V6ONLY off then on: who can connect to it over
 * 127.0.0.1 and ::1.
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -o dual-stack examples/dual-stack.c
 *   ./dual-stack
 *
 * An AF_INET6 socket bound to the IPv6 wildcard [::] may also accept IPv4
 * connections: they arrive as "IPv4-mapped" addresses, ::ffff:127.0.0.1.
 * The option IPV6_V6ONLY decides (Linux's default, net.ipv6.bindv6only,
 * is 0: mapped addresses allowed). The port is chosen by the kernel (port
 * 0), and the program connects only to loopback addresses.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Listen on [::]:0 with IPV6_V6ONLY set to v6only; the socket (its port in *port) or -1. */
static int listen_v6(int v6only, unsigned short *port)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("dual-stack: socket AF_INET6");
		return -1;
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0) {
		perror("dual-stack: setsockopt IPV6_V6ONLY");
		close(fd);
		return -1;
	}
	struct sockaddr_in6 a;
	socklen_t len = sizeof a;
	memset(&a, 0, sizeof a);
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_any; /* the wildcard: mapped IPv4 only works here */
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		perror("dual-stack: bind/listen [::]:0");
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin6_port);
	return fd;
}

/* Connect to ip:port (IPv4 or IPv6 text), accept on lfd, and say what the server saw. */
static void try_connect(int lfd, const char *ip, unsigned short port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof ss);
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof *s6;
		if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
			return;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof *s4;
		if (inet_pton(AF_INET, ip, &s4->sin_addr) != 1)
			return;
	}
	printf("  connect to %-10s ", ip);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("socket: %s\n", strerror(errno));
		return;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		printf("fails: %s\n", strerror(errno));
		close(fd);
		return;
	}
	/* The connection is complete (in the backlog) before accept() runs. */
	struct sockaddr_in6 peer;
	socklen_t plen = sizeof peer;
	int cfd = accept(lfd, (struct sockaddr *)&peer, &plen);
	char text[INET6_ADDRSTRLEN];
	if (cfd < 0)
		printf("connected, but accept: %s\n", strerror(errno));
	else if (!inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text))
		printf("connected; inet_ntop: %s\n", strerror(errno));
	else
		printf("connected; the server sees %s\n", text);
	if (cfd >= 0)
		close(cfd);
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int v6only = 0; v6only <= 1; v6only++) {
		unsigned short port;
		int lfd = listen_v6(v6only, &port);
		if (lfd < 0)
			return 1;
		printf("IPV6_V6ONLY=%d, listening on [::] (all IPv6 addresses)\n", v6only);
		try_connect(lfd, "::1", port);
		try_connect(lfd, "127.0.0.1", port);
		if (close(lfd) < 0)
			perror("dual-stack: close");
	}
	return 0;
}
