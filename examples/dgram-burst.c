/* SPDX-License-Identifier: ISC */
/*
 * dgram-burst.c - a burst of numbered datagrams into a receiver that is not reading: UNIX
 * (non-blocking, then blocking sender) against UDP on 127.0.0.1.
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -o dgram-burst examples/dgram-burst.c
 *   ./dgram-burst [COUNT]              (COUNT datagrams of 100 bytes, default 1000)
 *
 * A datagram socket keeps message boundaries, but what happens when the
 * receiver's queue is full? On a UNIX datagram socket the kernel holds the
 * sender back: a blocking send() waits for room, a non-blocking one fails
 * with EAGAIN, and nothing that was accepted is ever lost. UDP, even on
 * loopback, never holds the sender back: what does not fit is dropped, and
 * nobody is told. Each datagram carries its number, so the receiver can
 * see what is missing.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum { DGRAM_BYTES = 100, MAX_COUNT = 100000, DRAIN_WAIT_MS = 200 };

/* What a receiver found: how many arrived, and whether they were 0, 1, 2, ... without a gap. */
struct tally {
	long got, last;
	int in_order;
};

/* Send datagram number i on fd with the given send() flags; send()'s result. */
static ssize_t send_num(int fd, long i, int flags)
{
	char d[DGRAM_BYTES];
	memset(d, '.', sizeof d);
	memcpy(d, &i, sizeof i); /* the number, in the first bytes */
	return send(fd, d, sizeof d, flags);
}

/* Read datagrams until none arrives for DRAIN_WAIT_MS or want have come; count them. */
static struct tally drain(int fd, long want)
{
	struct tally t = {0, -1, 1};
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (t.got < want && poll(&p, 1, DRAIN_WAIT_MS) > 0) {
		char d[DGRAM_BYTES];
		long i;
		ssize_t n = recv(fd, d, sizeof d, 0);
		if (n < 0) {
			perror("dgram-burst: recv");
			break;
		}
		memcpy(&i, d, sizeof i);
		if (i != t.last + 1)
			t.in_order = 0;
		t.last = i;
		t.got++;
	}
	return t;
}

/* Bind a UNIX datagram receiver at path and connect a sender to it; 0 or -1. */
static int unix_pair(const char *path, int *rx, int *tx)
{
	struct sockaddr_un a;
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path); /* path is short: made below */
	*rx = socket(AF_UNIX, SOCK_DGRAM, 0);
	*tx = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (*rx < 0 || *tx < 0 || bind(*rx, (struct sockaddr *)&a, sizeof a) < 0 ||
	    connect(*tx, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("dgram-burst: UNIX socket");
		return -1;
	}
	return 0;
}

/* Non-blocking sender, nobody reading yet: count EAGAIN, then let the receiver read. */
static int unix_nonblocking(const char *path, long count)
{
	int rx, tx;
	long queued = 0, again = 0;
	if (unix_pair(path, &rx, &tx) < 0)
		return -1;
	for (long i = 0; i < count; i++) {
		if (send_num(tx, i, MSG_DONTWAIT) >= 0)
			queued++;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			again++; /* the receiver's queue is full: this one was not sent */
		else {
			perror("dgram-burst: send");
			return -1;
		}
	}
	struct tally t = drain(rx, count);
	printf("UNIX, non-blocking sender: %ld sent, %ld refused with EAGAIN; received %ld, %s\n",
	       queued, again, t.got,
	       t.got == queued && t.in_order ? "in order, none lost" : "SOME LOST");
	close(tx);
	close(rx);
	return unlink(path);
}

/* Blocking sender; the receiver (a child) starts reading only when the queue first fills. */
static int unix_blocking(const char *path, long count)
{
	int rx, tx, go[2];
	long waits = 0;
	if (unix_pair(path, &rx, &tx) < 0 || pipe(go) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) { /* the receiver: wait for "go", then read everything */
		char c;
		close(tx);
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		struct tally t = drain(rx, count);
		printf("UNIX, blocking sender: received %ld, %s\n", t.got,
		       t.got == count && t.in_order ? "in order, none lost" : "SOME LOST");
		_exit(0);
	}
	close(rx);
	close(go[0]);
	for (long i = 0; i < count; i++) {
		/* Try without waiting first, only to count how often send() has to wait. */
		if (send_num(tx, i, MSG_DONTWAIT) >= 0)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			perror("dgram-burst: send");
			return -1;
		}
		if (waits++ == 0 &&
		    write(go[1], "g", 1) != 1) /* first full queue: start the receiver */
			return -1;
		if (send_num(tx, i, 0) < 0) { /* blocks until the receiver makes room */
			perror("dgram-burst: send");
			return -1;
		}
	}
	printf("UNIX, blocking sender: %ld sent, send() waited for room %ld times\n", count, waits);
	if (waits == 0 && write(go[1], "g", 1) != 1) /* everything fitted: still let it read */
		return -1;
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	close(tx);
	close(go[1]);
	return unlink(path);
}

/* UDP on 127.0.0.1, a blocking sender, nobody reading until the end. */
static int udp_loopback(long count)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* port 0: the kernel picks a free one */
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(rx, (struct sockaddr *)&a, &len) < 0 ||
	    connect(tx, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("dgram-burst: UDP socket");
		return -1;
	}
	long sent = 0, failed = 0;
	for (long i = 0; i < count; i++) {
		if (send_num(tx, i, 0) >= 0)
			sent++; /* "sent" only means it left this socket */
		else
			failed++;
	}
	struct tally t = drain(rx, count);
	printf("UDP 127.0.0.1, blocking sender: %ld sent, %ld failed; received %ld, %ld lost "
	       "without a word%s\n",
	       sent, failed, t.got, sent - t.got,
	       t.in_order && t.got < sent ? " (the first ones arrived, the rest were dropped)"
					  : "");
	close(tx);
	close(rx);
	return 0;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 1000;
	if (argc > 2 || count < 1 || count > MAX_COUNT) {
		fprintf(stderr, "usage: dgram-burst [COUNT]   (1 to %d datagrams of %d bytes)\n",
			MAX_COUNT, DGRAM_BYTES);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* the child prints too: no buffered lines twice */
	char dir[] = "/tmp/dgram-burst.XXXXXX", path[sizeof dir + 8];
	if (!mkdtemp(dir)) {
		perror("dgram-burst: mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/rx.sock", dir);
	int rc = unix_nonblocking(path, count) < 0 || unix_blocking(path, count) < 0 ||
		 udp_loopback(count) < 0;
	if (rmdir(dir) < 0)
		perror("dgram-burst: rmdir");
	return rc;
}
