/* SPDX-License-Identifier: ISC */
/*
 * natter-mini.c - a whole natter client in one file, written from PROTOCOL.md alone.
 *
 * It connects to natterd's UNIX socket, says HELLO, waits for WELCOME, then
 * sends each line you type to #lobby and prints each message as "<nick> text".
 *   cc -std=c11 -Wall -Wextra -o natter-mini examples/natter-mini.c
 *   ./natter-mini /run/user/1000/natter/natter.sock [nick]
 *
 * The lesson: a stream socket carries bytes, not messages. One read() may
 * return half a frame, or three frames and a bit; one write() may write
 * less than asked. A length in front of every message, and the loops
 * below, turn the byte stream back into messages.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* PROTOCOL.md section 2: a 4-byte big-endian length, then at most 65536 body bytes. */
enum { HEADER = 4, MAX_BODY = 65536, MAX_TEXT = 4096 };
/* Section 3: the frame types used here (a frame's type is its body's first byte). */
enum { HELLO = 0x01, PONG = 0x06, SAY = 0x10, QUIT = 0x13 };		    /* we send these */
enum { WELCOME = 0x02, ERROR = 0x03, BYE = 0x04, PING = 0x05, MSG = 0x20 }; /* and read these */

/* A frame being built: header space first, the length is filled in by send_frame. */
struct out {
	unsigned char b[HEADER + MAX_BODY];
	size_t n;
};
/* A cursor over a received body; `bad` is set if a field runs past the end. */
struct in {
	const unsigned char *p;
	size_t n;
	int bad;
};

static unsigned char rbuf[HEADER + MAX_BODY]; /* bytes read but not yet a whole frame */
static size_t rlen;
static char line[MAX_TEXT]; /* the line being typed */
static size_t line_len;
static int welcomed, input_open = 1, done;
static struct out out; /* the frame being sent */

/* write() may take fewer bytes than asked (a "short write"): loop until all are out. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Integers go big-endian, most significant byte first ("network byte order"). */
static void put_int(struct out *o, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++)
		o->b[o->n++] = (unsigned char)(v >> (8 * (width - 1 - i)));
}

/* A str field: a u16 byte count, then the bytes (no NUL at the end). */
static void put_str(struct out *o, const char *s, size_t len)
{
	put_int(o, len, 2);
	memcpy(o->b + o->n, s, len);
	o->n += len;
}

/* Start a frame of a type: 4 bytes kept for the length, then the type byte. */
static void begin(struct out *o, int type)
{
	o->n = HEADER;
	o->b[o->n++] = (unsigned char)type;
}

/* Fill in the length (the body only, not the 4 length bytes) and send the frame. */
static int send_frame(int fd, struct out *o)
{
	size_t body = o->n - HEADER;
	for (int i = 0; i < HEADER; i++)
		o->b[i] = (unsigned char)(body >> (8 * (3 - i)));
	return write_all(fd, o->b, o->n);
}

static uint64_t get_int(struct in *c, size_t width)
{
	uint64_t v = 0;
	/* Never read past the end of the body, whatever its fields claim. */
	if (c->n < width) {
		c->bad = 1;
		return 0;
	}
	for (size_t i = 0; i < width; i++)
		v = v << 8 | c->p[i];
	c->p += width;
	c->n -= width;
	return v;
}

static const unsigned char *get_str(struct in *c, size_t *len)
{
	const unsigned char *s;
	*len = (size_t)get_int(c, 2);
	if (c->bad || c->n < *len) {
		c->bad = 1;
		*len = 0;
		return (const unsigned char *)"";
	}
	s = c->p;
	c->p += *len;
	c->n -= *len;
	return s;
}

/*
 * Print before, s[0..n), after. Text from the network may hold escape
 * sequences that would take over the terminal: control characters show as ^X.
 */
static void print_safe(const char *before, const unsigned char *s, size_t n, const char *after)
{
	fputs(before, stdout);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			printf("^%c", s[i] ^ 0x40);
		else if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] < 0xa0)
			printf("<C1>"), i++; /* U+0080-U+009F: C1 controls, in UTF-8 */
		else
			putchar(s[i]);
	}
	fputs(after, stdout);
}

/* Act on one whole frame body (type byte first). */
static void handle(int fd, const unsigned char *body, size_t len)
{
	struct in c = {body + 1, len - 1, 0};
	const unsigned char *nick, *text;
	size_t nick_len, text_len;
	int action;

	switch (body[0]) {
	case WELCOME: /* u16 version, str nick, str server, str room, u32 users */
		get_int(&c, 2);
		nick = get_str(&c, &nick_len);
		print_safe("-- connected as ", nick, nick_len, "\n");
		welcomed = 1;
		break;
	case MSG: /* u64 id, u64 time, str target, str from, u8 flags, str text */
		get_int(&c, 8);
		get_int(&c, 8);
		get_str(&c, &nick_len);
		nick = get_str(&c, &nick_len);
		action = (int)get_int(&c, 1) & 0x01; /* flags bit 0: a /me action */
		text = get_str(&c, &text_len);
		if (c.bad)
			break;
		print_safe(action ? "* " : "<", nick, nick_len, action ? " " : "> ");
		print_safe("", text, text_len, "\n");
		break;
	case ERROR: /* u16 code, str text; a 1xx code means the server closes now */
		printf("-- error %u: ", (unsigned)get_int(&c, 2));
		text = get_str(&c, &text_len);
		print_safe("", text, text_len, "\n");
		break;
	/* BYE (str reason): the server closes the connection after it. */
	case BYE: done = 1; break;
	case PING: /* answer with PONG and the same u64 token */
		begin(&out, PONG);
		put_int(&out, get_int(&c, 8), 8);
		send_frame(fd, &out);
		break;
	default: break; /* JOIN, LEAVE, WHOREPLY...: a bigger client would show them */
	}
	fflush(stdout);
}

/*
 * The frame-assembly loop. Append whatever read() returns to rbuf, then
 * take out every whole frame: 4 length bytes, then that many body bytes.
 * What is left (part of the next frame) waits for the next read().
 */
static int read_frames(int fd)
{
	ssize_t r = read(fd, rbuf + rlen, sizeof rbuf - rlen);
	if (r <= 0)
		return r == 0 || errno != EINTR ? -1 : 0; /* 0: the server closed */
	rlen += (size_t)r;
	while (rlen >= HEADER) {
		size_t len = (size_t)rbuf[0] << 24 | (size_t)rbuf[1] << 16 | rbuf[2] << 8 | rbuf[3];
		if (len == 0 || len > MAX_BODY) {
			fprintf(stderr, "natter-mini: the server sent a bad frame length %zu\n",
				len);
			return -1;
		}
		if (rlen < HEADER + len)
			break; /* not all here yet */
		handle(fd, rbuf + HEADER, len);
		rlen -= HEADER + len;
		memmove(rbuf, rbuf + HEADER + len, rlen);
	}
	return 0;
}

/* Send the typed line as SAY to #lobby: str target, u8 flags, str text. */
static void say_line(int fd)
{
	if (line_len > 0) {
		begin(&out, SAY);
		put_str(&out, "#lobby", 6);
		put_int(&out, 0, 1);
		put_str(&out, line, line_len);
		send_frame(fd, &out);
	}
	line_len = 0;
}

/* Lines are framed too, by '\n': a read() may end anywhere in one. */
static void read_input(int fd)
{
	char chunk[512];
	ssize_t r = read(0, chunk, sizeof chunk);

	for (ssize_t i = 0; i < r; i++) {
		if (chunk[i] == '\n')
			say_line(fd);
		else if (line_len < MAX_TEXT) /* longer lines are cut */
			line[line_len++] = chunk[i];
	}
	if (r == 0) { /* end of input: the last line, QUIT, then wait for BYE */
		say_line(fd);
		begin(&out, QUIT);
		put_str(&out, "", 0);
		send_frame(fd, &out);
		input_open = 0;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *nick = argc > 2 ? argv[2] : "mini";
	int fd;

	if (argc < 2 || strlen(argv[1]) >= sizeof sa.sun_path) {
		fprintf(stderr, "usage: natter-mini SOCKET-PATH [NICK] (a path under %zu bytes)\n",
			sizeof sa.sun_path);
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "natter-mini: cannot connect to %s: %s\n", argv[1],
			strerror(errno));
		return 3;
	}
	begin(&out, HELLO); /* u16 version 1, str nick, str client */
	put_int(&out, 1, 2);
	put_str(&out, nick, strlen(nick));
	put_str(&out, "natter-mini", 11);
	if (send_frame(fd, &out) < 0)
		return 1;
	while (!done) {
		/* Wait for the server, and for stdin once WELCOME is in (until its end). */
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = welcomed && input_open ? 0 : -1, .events = POLLIN}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents && read_frames(fd) < 0)
			break;
		if (p[1].revents)
			read_input(fd);
	}
	close(fd);
	return done ? 0 : 1; /* 0: the server said BYE to our QUIT */
}
