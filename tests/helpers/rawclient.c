/* SPDX-License-Identifier: ISC */
/* rawclient.c - test tool: speak raw natter frames (well-formed or hostile) and print each reply.
 */
#define _GNU_SOURCE /* POLLRDHUP */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "errmsg.h"
#include "proto.h"
#include "sys.h"

/*
 * Exit codes: 0 the server closed the connection (or hung up under
 * --no-read), 1 the overall timeout ran out first, 2 usage, 3 cannot
 * connect, 4 the server sent bytes that are not a valid frame stream.
 */
enum { EXIT_CLOSED = 0, EXIT_TIMEOUT = 1, EXIT_USAGE = 2, EXIT_CONNECT = 3, EXIT_GARBAGE = 4 };

enum { DEFAULT_TIMEOUT_MS = 10000, NO_READ_RCVBUF_BYTES = 1024, READ_CHUNK_BYTES = 65536 };

static const char usage_text[] =
    "usage: rawclient (-s PATH | -t [HOST:]PORT) [--timeout MS] [--trickle] [--no-read] ACTION...\n"
    "actions, carried out in order while replies are printed one per line:\n"
    "  --hello NICK          HELLO with the current version, 3 (client \"rawclient\")\n"
    "  --hello-v N NICK      HELLO with protocol version N\n"
    "  --say TEXT            SAY TEXT to the current room\n"
    "  --say-hex HEX         SAY whose text is the given bytes\n"
    "  --say-to TARGET TEXT  SAY TEXT to a room or nick\n"
    "  --enter ROOM          ENTER a room (after 0: all history)\n"
    "  --nick NICK | --who | --list | --away TEXT | --part ROOM | --quit REASON | --ping TOKEN\n"
    "  --tag N               give the requests that follow version 3's tag N (0: none)\n"
    "  --raw HEX             send bytes as they are (\"00 01 00 01\" or \"00010001\")\n"
    "  --text STRING         send a string's bytes; \\r \\n \\t \\\\ \\xHH are escapes\n"
    "  --wait TYPE           wait until a frame of TYPE (WELCOME, ERROR, MSG, ...) arrives\n"
    "  --sleep MS            keep reading for MS milliseconds\n"
    "  --shut-wr             half-close: the server reads end of file\n"
    "  --reset               close at once with RST (SO_LINGER 0) and exit\n"
    "options:\n"
    "  --timeout MS          give up after MS milliseconds in all (default 10000)\n"
    "  --trickle             write every byte in its own write() call\n"
    "  --probe               only connect, then close at once (is the server up?)\n"
    "  --no-read             never read (a slow reader): shrink SO_RCVBUF and exit\n"
    "                        when the server hangs up, printing HANGUP\n"
    "exit: 0 server closed, 1 timeout, 2 usage, 3 cannot connect, 4 garbage received\n";

struct conn {
	int fd;
	bool no_read;
	bool trickle;
	bool probe;	   /* connect and exit */
	bool text_mode;	   /* the first byte received was not 0x00 */
	bool got_any;	   /* any byte received yet */
	uint64_t deadline; /* mono_ms */
	uint32_t tag;	   /* --tag: carried by every request after it but HELLO */
	struct buf in;
	/* Frame types received, in order; --wait consumes them from seen_at. */
	unsigned char *seen;
	size_t seen_len, seen_cap, seen_at;
};

/* Why the read loop stopped. */
enum rd { RD_OK, RD_CLOSED, RD_TIMEOUT, RD_GARBAGE };

static void usage_exit(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "rawclient: %s\n", why);
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

/* Print n bytes with everything but printable ASCII and UTF-8 escaped as \xHH. */
static void put_text(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void put_str(struct str s)
{
	put_text(s.p, s.len);
}

/* Print one decoded frame as one line. */
static void print_frame(const struct frame *f)
{
	const struct field *v = f->f;

	switch (f->type) {
	case T_WELCOME:
		printf("WELCOME ");
		put_str(v[WELCOME_NICK].s);
		putchar(' ');
		put_str(v[WELCOME_SERVER].s);
		putchar(' ');
		put_str(v[WELCOME_ROOM].s);
		printf(" %llu v%llu", (unsigned long long)v[WELCOME_USERS].n,
		       (unsigned long long)v[WELCOME_VERSION].n);
		break;
	case T_ERROR:
		printf("ERROR %llu ", (unsigned long long)v[ERROR_CODE].n);
		put_str(v[ERROR_TEXT].s);
		break;
	case T_BYE:
		printf("BYE ");
		put_str(v[BYE_REASON].s);
		if (v[BYE_CODE].n != 0)
			printf(" code=%llu", (unsigned long long)v[BYE_CODE].n);
		break;
	case T_DONE:
		printf("DONE tag=%llu id=%llu", (unsigned long long)v[DONE_TAG].n,
		       (unsigned long long)v[DONE_ID].n);
		break;
	case T_PING:
	case T_PONG:
		printf("%s %llu", frame_type_name(f->type), (unsigned long long)v[PING_TOKEN].n);
		break;
	case T_MSG:
		printf("MSG %llu ", (unsigned long long)v[MSG_ID].n);
		put_str(v[MSG_TARGET].s);
		putchar(' ');
		put_str(v[MSG_FROM].s);
		printf(" %llu ", (unsigned long long)v[MSG_FLAGS].n);
		put_str(v[MSG_TEXT].s);
		break;
	case T_JOIN:
		printf("JOIN ");
		put_str(v[JOIN_ROOM].s);
		putchar(' ');
		put_str(v[JOIN_NICK].s);
		putchar(' ');
		put_str(v[JOIN_LOGIN].s);
		break;
	case T_LEAVE:
		printf("LEAVE ");
		put_str(v[LEAVE_ROOM].s);
		putchar(' ');
		put_str(v[LEAVE_NICK].s);
		putchar(' ');
		put_str(v[LEAVE_REASON].s);
		break;
	case T_RENAME:
		printf("RENAME ");
		put_str(v[RENAME_OLD].s);
		putchar(' ');
		put_str(v[RENAME_NEW].s);
		break;
	case T_WHOREPLY: {
		const unsigned char *p = f->rest;
		size_t n = f->rest_len;
		struct who_entry e;
		int r;

		printf("WHOREPLY ");
		put_str(v[WHOREPLY_ROOM].s);
		printf(" more=%llu count=%llu", (unsigned long long)v[WHOREPLY_MORE].n,
		       (unsigned long long)v[WHOREPLY_COUNT].n);
		while ((r = who_next(&p, &n, &e)) == 1) {
			putchar(' ');
			put_str(e.nick);
		}
		if (r < 0)
			printf(" (malformed entries)");
		break;
	}
	case T_NOTICE:
		printf("NOTICE ");
		put_str(v[NOTICE_TEXT].s);
		break;
	case T_TOPICIS:
		printf("TOPICIS ");
		put_str(v[TOPICIS_ROOM].s);
		putchar(' ');
		put_str(v[TOPICIS_NICK].s);
		putchar(' ');
		put_str(v[TOPICIS_TEXT].s);
		break;
	case T_ROOMLIST: {
		const unsigned char *p = f->rest;
		size_t n = f->rest_len;
		struct field e[MAX_FIELDS];
		int r;

		printf("ROOMLIST more=%llu count=%llu", (unsigned long long)v[ROOMLIST_MORE].n,
		       (unsigned long long)v[ROOMLIST_COUNT].n);
		while ((r = list_next(T_ROOMLIST, &p, &n, e)) == 1) {
			putchar(' ');
			put_str(e[ROOME_NAME].s);
			printf("(%llu)", (unsigned long long)e[ROOME_MEMBERS].n);
		}
		if (r < 0)
			printf(" (malformed entries)");
		break;
	}
	case T_MISSED:
		printf("MISSED ");
		put_str(v[MISSED_ROOM].s);
		printf(" count=%llu first=%llu exact=%llu", (unsigned long long)v[MISSED_COUNT].n,
		       (unsigned long long)v[MISSED_FIRST].n,
		       (unsigned long long)v[MISSED_EXACT].n);
		break;
	default:
		if (frame_type_dir(f->type) == DIR_C2S)
			printf("%s (a client-to-server type, from the server)",
			       frame_type_name(f->type));
		else
			printf("%s (not decoded by rawclient)", frame_type_name(f->type));
		break;
	}
	if (f->tag != 0)
		printf(" tag=%lu", (unsigned long)f->tag);
	putchar('\n');
}

static void remember_type(struct conn *c, unsigned char type)
{
	if (c->seen_len == c->seen_cap) {
		c->seen_cap = c->seen_cap ? c->seen_cap * 2 : 64;
		c->seen = xrealloc(c->seen, c->seen_cap);
	}
	c->seen[c->seen_len++] = type;
}

/* Print every complete frame (or text line) in c->in. */
static enum rd consume_input(struct conn *c)
{
	if (c->text_mode) {
		unsigned char *nl;

		while ((nl = memchr(c->in.data, '\n', c->in.len)) != NULL) {
			size_t n = (size_t)(nl - c->in.data);

			if (n > 0 && c->in.data[n - 1] == '\r')
				n--;
			put_text((const char *)c->in.data, n);
			putchar('\n');
			buf_consume(&c->in, (size_t)(nl - c->in.data) + 1);
		}
		return RD_OK;
	}
	for (;;) {
		long whole = frame_complete(c->in.data, c->in.len);
		struct frame f;
		int rc;

		if (whole == 0)
			return RD_OK;
		if (whole < 0) {
			printf("GARBAGE frame length %lu is out of range\n",
			       (unsigned long)frame_body_len(c->in.data));
			return RD_GARBAGE;
		}
		rc = proto_decode(c->in.data + FRAME_HEADER_BYTES,
				  (size_t)whole - FRAME_HEADER_BYTES, &f);
		if (rc != 0) {
			printf("GARBAGE type 0x%02x: %s\n", c->in.data[FRAME_HEADER_BYTES],
			       error_code_name((unsigned)rc));
			return RD_GARBAGE;
		}
		print_frame(&f);
		remember_type(c, f.type);
		buf_consume(&c->in, (size_t)whole);
	}
}

/* Read what is there now; RD_CLOSED at end of file or reset. */
static enum rd read_some(struct conn *c)
{
	unsigned char chunk[READ_CHUNK_BYTES];
	ssize_t n = read(c->fd, chunk, sizeof chunk);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return RD_OK;
	if (n < 0) {
		printf("CLOSED %s\n", strerror(errno));
		return RD_CLOSED;
	}
	if (n == 0) {
		if (c->text_mode && c->in.len > 0) {
			put_text((const char *)c->in.data, c->in.len);
			printf("\n");
		} else if (c->in.len > 0) {
			printf("PARTIAL %zu bytes of an unfinished frame\n", c->in.len);
		}
		printf("CLOSED\n");
		return RD_CLOSED;
	}
	if (!c->got_any) {
		c->got_any = true;
		c->text_mode = chunk[0] != 0x00;
	}
	buf_append(&c->in, chunk, (size_t)n);
	return consume_input(c);
}

static int ms_left(const struct conn *c, uint64_t until)
{
	uint64_t now = mono_ms();

	if (until > c->deadline)
		until = c->deadline;
	return now >= until ? 0 : (int)(until - now);
}

/*
 * Read and print until the time 'until' (mono ms), or, when want_type is
 * non-zero, until a frame of that type has arrived since the last wait.
 * Returns RD_OK when the wait is over.
 */
static enum rd pump(struct conn *c, uint64_t until, unsigned char want_type)
{
	for (;;) {
		struct pollfd p = {.fd = c->fd, .events = POLLIN | POLLRDHUP};
		enum rd r;
		int left, n;

		if (want_type != 0) {
			for (size_t i = c->seen_at; i < c->seen_len; i++) {
				if (c->seen[i] == want_type) {
					c->seen_at = i + 1;
					return RD_OK;
				}
			}
		}
		left = ms_left(c, until);
		if (left == 0)
			return mono_ms() >= c->deadline ? RD_TIMEOUT : RD_OK;
		if (c->no_read)
			p.events = POLLRDHUP;
		n = poll(&p, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			printf("CLOSED poll: %s\n", strerror(errno));
			return RD_CLOSED;
		}
		if (n == 0)
			continue;
		if (c->no_read) {
			if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) {
				printf("HANGUP\n");
				return RD_CLOSED;
			}
			continue;
		}
		r = read_some(c);
		if (r != RD_OK)
			return r;
	}
}

/* Write all of p[0..n), reading replies meanwhile; a full socket waits (bounded). */
static enum rd send_bytes(struct conn *c, const unsigned char *p, size_t n)
{
	size_t at = 0;

	while (at < n) {
		size_t chunk = c->trickle ? 1 : n - at;
		ssize_t w = send(c->fd, p + at, chunk, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pw = {.fd = c->fd, .events = POLLOUT};
			int left = ms_left(c, c->deadline);

			if (left == 0)
				return RD_TIMEOUT;
			if (poll(&pw, 1, left > 50 ? 50 : left) < 0 && errno != EINTR)
				return RD_CLOSED;
			if (!c->no_read) {
				enum rd r = pump(c, mono_ms(), 0);

				if (r != RD_OK)
					return r;
			}
			continue;
		}
		if (w < 0 && !c->no_read && (errno == EPIPE || errno == ECONNRESET)) {
			/* The server may have answered and closed first: show what it said. */
			printf("SENDFAIL %s\n", strerror(errno));
			return pump(c, c->deadline, 0) == RD_TIMEOUT ? RD_TIMEOUT : RD_CLOSED;
		}
		if (w < 0) {
			printf("CLOSED send: %s\n", strerror(errno));
			return RD_CLOSED;
		}
		at += (size_t)w;
		if (c->trickle && at < n) {
			struct timespec ts = {0, 1000000};

			nanosleep(&ts, NULL);
		}
	}
	return RD_OK;
}

static enum rd send_frame(struct conn *c, const struct frame *f)
{
	struct buf out = {0};
	enum rd r;

	if (proto_encode(&out, f) < 0) {
		fprintf(stderr, "rawclient: frame does not fit in %d bytes\n", MAX_BODY_BYTES);
		exit(EXIT_USAGE);
	}
	r = send_bytes(c, out.data, out.len);
	buf_free(&out);
	return r;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Parse hex digits (spaces, colons and commas between bytes allowed) into out. */
static void parse_hex(const char *s, struct buf *out)
{
	while (*s != '\0') {
		int hi, lo;
		unsigned char byte;

		if (*s == ' ' || *s == ':' || *s == ',') {
			s++;
			continue;
		}
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (hi < 0 || lo < 0)
			usage_exit("--raw and --say-hex take hex bytes such as \"00 01 00 01\"");
		byte = (unsigned char)(hi << 4 | lo);
		buf_append(out, &byte, 1);
		s += 2;
	}
}

/* Parse a string with \r \n \t \\ \xHH escapes into out. */
static void parse_escaped(const char *s, struct buf *out)
{
	for (; *s != '\0'; s++) {
		unsigned char byte = (unsigned char)*s;

		if (*s == '\\' && s[1] != '\0') {
			s++;
			switch (*s) {
			case 'r': byte = '\r'; break;
			case 'n': byte = '\n'; break;
			case 't': byte = '\t'; break;
			case 'x':
				if (hex_digit(s[1]) < 0 || hex_digit(s[2]) < 0)
					usage_exit("\\x in --text needs two hex digits");
				byte = (unsigned char)(hex_digit(s[1]) << 4 | hex_digit(s[2]));
				s += 2;
				break;
			default: byte = (unsigned char)*s; break;
			}
		}
		buf_append(out, &byte, 1);
	}
}

static unsigned long long parse_num(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0') {
		char why[128];

		snprintf(why, sizeof why, "%s wants a number, not '%s'", what, s);
		usage_exit(why);
	}
	return v;
}

static unsigned char type_by_name(const char *name)
{
	for (unsigned t = 1; t < 0x100; t++) {
		const char *n = frame_type_name((uint8_t)t);

		if (n != NULL && strcmp(n, name) == 0)
			return (unsigned char)t;
	}
	usage_exit("--wait takes a frame type name such as WELCOME, ERROR, MSG or BYE");
	return 0;
}

/* The argument after argv[*i], or a usage error. */
static const char *arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		char why[128];

		snprintf(why, sizeof why, "%s needs an argument", argv[*i]);
		usage_exit(why);
	}
	return argv[++*i];
}

static void say_frame(struct frame *f, const char *text, size_t n)
{
	memset(f, 0, sizeof *f);
	f->type = T_SAY;
	f->f[SAY_TARGET].s = str_c("");
	f->f[SAY_TEXT].s = str_n(text, n);
}

static void hello_frame(struct frame *f, unsigned long long version, const char *nick)
{
	memset(f, 0, sizeof *f);
	f->type = T_HELLO;
	f->f[HELLO_VERSION].n = version;
	f->f[HELLO_NICK].s = str_c(nick);
	f->f[HELLO_CLIENT].s = str_c("rawclient");
}

/* Carry out one action at argv[*i]; returns how the connection fares. */
static enum rd do_action(struct conn *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	struct frame f;
	struct buf bytes = {0};
	enum rd r;

	memset(&f, 0, sizeof f);
	if (strcmp(a, "--hello") == 0) {
		hello_frame(&f, PROTO_VERSION, arg(argc, argv, i));
	} else if (strcmp(a, "--hello-v") == 0) {
		unsigned long long v = parse_num(arg(argc, argv, i), "--hello-v");

		hello_frame(&f, v, arg(argc, argv, i));
	} else if (strcmp(a, "--say") == 0) {
		const char *t = arg(argc, argv, i);

		say_frame(&f, t, strlen(t));
	} else if (strcmp(a, "--say-to") == 0) {
		const char *target = arg(argc, argv, i), *t = arg(argc, argv, i);

		say_frame(&f, t, strlen(t));
		f.f[SAY_TARGET].s = str_c(target);
	} else if (strcmp(a, "--enter") == 0) {
		f.type = T_ENTER;
		f.f[ENTER_ROOM].s = str_c(arg(argc, argv, i));
	} else if (strcmp(a, "--say-hex") == 0) {
		parse_hex(arg(argc, argv, i), &bytes);
		say_frame(&f, (const char *)bytes.data, bytes.len);
	} else if (strcmp(a, "--nick") == 0) {
		f.type = T_NICK;
		f.f[NICK_NICK].s = str_c(arg(argc, argv, i));
	} else if (strcmp(a, "--who") == 0) {
		f.type = T_WHO;
		f.f[WHO_TARGET].s = str_c("");
	} else if (strcmp(a, "--list") == 0) {
		f.type = T_LIST;
	} else if (strcmp(a, "--away") == 0) {
		f.type = T_AWAY;
		f.f[AWAY_TEXT].s = str_c(arg(argc, argv, i));
	} else if (strcmp(a, "--part") == 0) {
		f.type = T_PART;
		f.f[PART_ROOM].s = str_c(arg(argc, argv, i));
	} else if (strcmp(a, "--tag") == 0) {
		c->tag = (uint32_t)parse_num(arg(argc, argv, i), "--tag");
		return RD_OK;
	} else if (strcmp(a, "--quit") == 0) {
		f.type = T_QUIT;
		f.f[QUIT_REASON].s = str_c(arg(argc, argv, i));
	} else if (strcmp(a, "--ping") == 0) {
		f.type = T_PING;
		f.f[PING_TOKEN].n = parse_num(arg(argc, argv, i), "--ping");
	} else if (strcmp(a, "--raw") == 0 || strcmp(a, "--text") == 0) {
		const char *v = arg(argc, argv, i);

		if (a[2] == 'r')
			parse_hex(v, &bytes);
		else
			parse_escaped(v, &bytes);
		r = send_bytes(c, bytes.data, bytes.len);
		buf_free(&bytes);
		return r;
	} else if (strcmp(a, "--wait") == 0) {
		return pump(c, c->deadline, type_by_name(arg(argc, argv, i)));
	} else if (strcmp(a, "--sleep") == 0) {
		return pump(c, mono_ms() + parse_num(arg(argc, argv, i), "--sleep"), 0);
	} else if (strcmp(a, "--shut-wr") == 0) {
		if (shutdown(c->fd, SHUT_WR) < 0)
			printf("CLOSED shutdown: %s\n", strerror(errno));
		return RD_OK;
	} else if (strcmp(a, "--reset") == 0) {
		/* SO_LINGER 0 makes close() send RST: the server sees ECONNRESET. */
		struct linger lg = {.l_onoff = 1, .l_linger = 0};

		if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
			printf("CLOSED linger: %s\n", strerror(errno));
		close(c->fd);
		c->fd = -1;
		printf("RESET\n");
		exit(0);
	} else {
		char why[128];

		snprintf(why, sizeof why, "unknown action '%s'", a);
		usage_exit(why);
	}
	if (f.type != T_HELLO)
		f.tag = c->tag;
	r = send_frame(c, &f);
	buf_free(&bytes);
	return r;
}

/* Parse the address and options; returns the index of the first action. */
static int parse_options(int argc, char **argv, struct addr *ad, struct conn *c)
{
	struct errmsg e;
	bool have_addr = false;
	uint64_t timeout_ms = DEFAULT_TIMEOUT_MS;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-s") == 0) {
			if (addr_set_unix(ad, arg(argc, argv, &i), &e) < 0)
				usage_exit(e.text);
			have_addr = true;
		} else if (strcmp(a, "-t") == 0) {
			if (addr_parse_tcp(arg(argc, argv, &i), "127.0.0.1", ad, &e) < 0)
				usage_exit(e.text);
			have_addr = true;
		} else if (strcmp(a, "--timeout") == 0) {
			timeout_ms = parse_num(arg(argc, argv, &i), "--timeout");
		} else if (strcmp(a, "--trickle") == 0) {
			c->trickle = true;
		} else if (strcmp(a, "--no-read") == 0) {
			c->no_read = true;
		} else if (strcmp(a, "--probe") == 0) {
			c->probe = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			exit(0);
		} else {
			break;
		}
	}
	if (!have_addr)
		usage_exit("give the server's address with -s PATH or -t [HOST:]PORT");
	c->deadline = mono_ms() + timeout_ms;
	return i;
}

int main(int argc, char **argv)
{
	struct conn c = {.fd = -1};
	struct addr ad;
	struct errmsg e;
	enum rd r = RD_OK;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ignore_sigpipe();
	i = parse_options(argc, argv, &ad, &c);
	c.fd = addr_connect(&ad, &e);
	if (c.fd < 0) {
		fprintf(stderr, "rawclient: %s\n", e.text);
		return EXIT_CONNECT;
	}
	if (c.probe) {
		close(c.fd);
		return EXIT_CLOSED;
	}
	if (c.no_read) {
		int small = NO_READ_RCVBUF_BYTES;

		if (setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) < 0)
			perror("rawclient: SO_RCVBUF");
	}
	if (fd_nonblock_cloexec(c.fd) < 0) {
		perror("rawclient: fcntl");
		return EXIT_CONNECT;
	}
	for (; i < argc && r == RD_OK; i++) {
		r = do_action(&c, argc, argv, &i);
		if (r == RD_OK && !c.no_read)
			r = pump(&c, mono_ms(), 0);
	}
	if (r == RD_OK)
		r = pump(&c, c.deadline, 0);
	if (r == RD_TIMEOUT)
		printf("TIMEOUT\n");
	close(c.fd);
	buf_free(&c.in);
	free(c.seen);
	switch (r) {
	case RD_CLOSED: return EXIT_CLOSED;
	case RD_GARBAGE: return EXIT_GARBAGE;
	default: return EXIT_TIMEOUT;
	}
}
