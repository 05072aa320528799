/* SPDX-License-Identifier: ISC */
/* tui_hostile_server.c - a fake natterd for tests: sends one client escapes in every string. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "proto.h"
#include "sys.h"

enum { LIFETIME_MS = 60000, READ_BYTES = 4096 };

/* What a real server would never relay (PROTOCOL.md section 4), but a hostile one can. */
static const char *const hostile_texts[] = {
    "\x1b[2J\x1b[31mHOSTILE1 clear screen and red",
    "\x1b]0;TITLE-PWNED\x07HOSTILE2 OSC title",
    ("\xc2\x9b"
     "31mHOSTILE3 C1 CSI"), /* split: \x9b31 would be one escape */
    "HOSTILE4 over\rwrite",
    "\x1b[?1049lHOSTILE5 leave the alternate screen\x1b[H",
    "HOSTILE6 bell\x07 and DEL\x7f and NUL-free \x1bP+q544e\x1b\\ DCS",
    "HOSTILE7 bidi \xe2\x80\xae reversed",
};

static void die(const char *what)
{
	fprintf(stderr, "tui_hostile_server: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Write a whole buffer or die. */
static void send_all(int fd, struct buf *b)
{
	size_t at = 0;

	while (at < b->len) {
		ssize_t n = write(fd, b->data + at, b->len - at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		at += (size_t)n;
	}
	buf_clear(b);
}

static void put(struct buf *b, struct frame *f)
{
	if (proto_encode(b, f) < 0) {
		fprintf(stderr, "tui_hostile_server: cannot encode a frame\n");
		exit(1);
	}
}

static void msg(struct buf *b, uint64_t id, const char *from, const char *text)
{
	struct frame f = {.type = T_MSG};

	f.f[MSG_ID].n = id;
	f.f[MSG_TIME].n = wall_ms();
	f.f[MSG_TARGET].s = str_c("#lobby");
	f.f[MSG_FROM].s = str_c(from);
	f.f[MSG_FLAGS].n = 0;
	f.f[MSG_TEXT].s = str_c(text);
	put(b, &f);
}

/* Read frames until HELLO; returns its nick in out. */
static void read_hello(int fd, char *out, size_t cap)
{
	struct buf in = {0};
	struct frame f;

	for (;;) {
		long size = frame_complete(in.data, in.len);
		ssize_t n;

		if (size < 0)
			die("bad frame from the client");
		if (size > 0) {
			if (proto_decode(in.data + FRAME_HEADER_BYTES,
					 (size_t)size - FRAME_HEADER_BYTES, &f) != 0)
				die("malformed frame from the client");
			if (f.type == T_HELLO) {
				snprintf(out, cap, "%.*s", (int)f.f[HELLO_NICK].s.len,
					 f.f[HELLO_NICK].s.p);
				buf_free(&in);
				return;
			}
			buf_consume(&in, (size_t)size);
			continue;
		}
		buf_reserve(&in, READ_BYTES);
		n = read(fd, in.data + in.len, READ_BYTES);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read HELLO");
		in.len += (size_t)n;
	}
}

static void hostile_session(int fd)
{
	struct buf b = {0};
	struct frame f = {.type = T_WELCOME};
	struct list_builder w;
	struct who_entry e = {.nick = str_c("mallory"), .login = str_c("\x1b]0;LOGIN-PWNED\x07")};
	char nick[64];
	uint64_t id = 1;

	read_hello(fd, nick, sizeof nick);
	f.f[WELCOME_VERSION].n = PROTO_VERSION;
	f.f[WELCOME_NICK].s = str_c(nick);
	f.f[WELCOME_SERVER].s = str_c("evil\x1b]0;SERVER-PWNED\x07");
	f.f[WELCOME_ROOM].s = str_c("#lobby");
	f.f[WELCOME_USERS].n = 2;
	put(&b, &f);
	who_begin(&w, &b, str_c("#lobby"));
	who_add(&w, &e);
	who_finish(&w, false);
	f = (struct frame){.type = T_JOIN};
	f.f[JOIN_TIME].n = wall_ms();
	f.f[JOIN_ROOM].s = str_c("#lobby\x1b[2J");
	f.f[JOIN_NICK].s = str_c("mal\x1b[31mlory");
	f.f[JOIN_LOGIN].s = str_c("");
	put(&b, &f);
	for (size_t i = 0; i < sizeof hostile_texts / sizeof hostile_texts[0]; i++)
		msg(&b, id++, "mallory", hostile_texts[i]);
	msg(&b, id++, "m\x1b[5mallory", "HOSTILE8 escape in the sender's nick");
	f = (struct frame){.type = T_NOTICE};
	f.f[NOTICE_TIME].n = wall_ms();
	f.f[NOTICE_TEXT].s = str_c("HOSTILE9 notice \x1b]52;c;cHduZWQ=\x07 clipboard");
	put(&b, &f);
	f = (struct frame){.type = T_ERROR};
	f.f[ERROR_CODE].n = ERR_BAD_TEXT;
	f.f[ERROR_TEXT].s = str_c("HOSTILE10 error \x1b[8m hidden");
	put(&b, &f);
	msg(&b, id++, "mallory", "HOSTILE-DONE");
	send_all(fd, &b);
	buf_free(&b);
}

/* Swallow what the client sends until it leaves; answer QUIT with BYE, as natterd does. */
static void drain(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct buf in = {0}, out = {0};
	struct frame f;

	while (poll(&p, 1, LIFETIME_MS) > 0) {
		long size;
		ssize_t n;

		buf_reserve(&in, READ_BYTES);
		n = read(fd, in.data + in.len, READ_BYTES);
		if (n <= 0)
			break;
		in.len += (size_t)n;
		while ((size = frame_complete(in.data, in.len)) > 0) {
			if (proto_decode(in.data + FRAME_HEADER_BYTES,
					 (size_t)size - FRAME_HEADER_BYTES, &f) == 0 &&
			    f.type == T_QUIT) {
				f = (struct frame){.type = T_BYE};
				f.f[BYE_REASON].s = str_c("quit");
				put(&out, &f);
				send_all(fd, &out);
			}
			buf_consume(&in, (size_t)size);
		}
		if (size < 0)
			break;
	}
	buf_free(&in);
	buf_free(&out);
}

int main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	socklen_t len = 0;
	struct errmsg e;
	struct pollfd p;
	int lfd, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: tui_hostile_server SOCKET-PATH\n");
		return 2;
	}
	if (ignore_sigpipe() < 0 || addr_sockaddr_un(argv[1], &sun, &len, &e) < 0)
		die("setup");
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	(void)unlink(argv[1]);
	if (bind(lfd, (struct sockaddr *)&sun, len) < 0 || listen(lfd, 1) < 0)
		die("bind");
	p = (struct pollfd){.fd = lfd, .events = POLLIN};
	if (poll(&p, 1, LIFETIME_MS) <= 0)
		die("nobody connected");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	hostile_session(fd);
	drain(fd);
	close(fd);
	close(lfd);
	(void)unlink(argv[1]);
	return 0;
}
