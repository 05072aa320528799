/* SPDX-License-Identifier: ISC */
/*
 * sun-path.c - bind a UNIX socket to PATH, checking first that PATH fits in sun_path (108 bytes on
 * Linux, the NUL included).
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -o sun-path examples/sun-path.c
 *   ./sun-path PATH
 *
 * A UNIX socket's name lives in struct sockaddr_un, whose sun_path is a
 * fixed array (108 bytes on Linux, 104 on the BSDs). A longer path does
 * not fit, and a program that copies it with strncpy() silently binds a
 * different, cut-off name. The only honest answer is an error.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sun-path PATH\n");
		return 2;
	}
	const char *path = argv[1];
	struct sockaddr_un a;
	size_t len = strlen(path);
	/* Room for the path and its terminating NUL: at most sizeof sun_path - 1 characters. */
	if (len >= sizeof a.sun_path) {
		fprintf(stderr,
			"sun-path: %s: %zu bytes, but sun_path holds %zu with the final NUL: at "
			"most %zu (%s)\n",
			path, len, sizeof a.sun_path, sizeof a.sun_path - 1,
			strerror(ENAMETOOLONG));
		return 1;
	}
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, path, len + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("sun-path: socket");
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		/* EADDRINUSE here means the file exists: bind() never replaces one. */
		fprintf(stderr, "sun-path: bind %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("bound %s (%zu bytes of %zu)\n", path, len, sizeof a.sun_path);
	/* bind() created a file; it stays after close() until someone unlinks it. */
	if (close(fd) < 0 || unlink(path) < 0) {
		perror("sun-path: close/unlink");
		return 1;
	}
	return 0;
}
