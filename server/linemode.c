/* SPDX-License-Identifier: ISC */
/* linemode.c - plain-text clients (nc -U, socat): lines in become requests, events out become
 * lines. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "server.h"
#include "sys.h"
#include "text.h"
#include "words.h"

struct shbuf *linemode_render(struct server *s, struct client *c, const struct shbuf *frames,
			      bool *shared)
{
	const unsigned char *p = frames->data;
	size_t n = frames->len;
	struct buf list = {0};

	/* Plain text queued for a line client (help, errors) passes through. */
	if (n == 0 || p[0] != 0x00)
		return NULL;
	*shared = true;
	buf_clear(&s->line_out);
	while (n > 0) {
		long whole = frame_complete(p, n);
		const unsigned char *body = p + FRAME_HEADER_BYTES;
		struct frame f;
		struct event ev;

		if (whole <= 0)
			break;
		p += whole;
		n -= (size_t)whole;
		/* Line mode shows no time for frames without one of their own: now is 0. */
		if (proto_decode(body, (size_t)whole - FRAME_HEADER_BYTES, &f) != 0 ||
		    !event_from_frame(&ev, &f, 0, &list))
			continue;
		/* A private message reads "[private to X]" to its sender alone. */
		if (ev.kind == EV_MSG && ev.private_msg) {
			*shared = false;
			ev.own = str_eq(ev.nick, c->nick);
		}
		words_render(&s->line_out, WORDS_LINE, &ev, NULL);
	}
	buf_free(&list);
	return shbuf_new(s->line_out.data, s->line_out.len);
}

/* Split "/cmd rest" into the command word and the rest (leading spaces skipped). */
static struct str split_word(struct str *line)
{
	size_t i = 0;
	struct str word;

	while (i < line->len && line->p[i] != ' ')
		i++;
	word = str_n(line->p, i);
	while (i < line->len && line->p[i] == ' ')
		i++;
	*line = str_n(line->p + i, line->len - i);
	return word;
}

static struct str current_room(struct server *s, struct client *c)
{
	return str_c(c->line.current ? c->line.current->name : s->lobby->name);
}

/* Queue plain text (already safe) to a line client. */
static void send_text(struct server *s, struct client *c, const char *text)
{
	struct shbuf *b = shbuf_new(text, strlen(text));

	output_queue(s, c, b);
	shbuf_unref(b);
}

/* /help for this client: the classroom's commands only on a classroom, a teacher's for teachers. */
static void send_help(struct server *s, struct client *c)
{
	struct buf help = {0};
	unsigned allowed = s->announce == NULL ? 0
			   : c->class.teacher  ? SCOPE_CLASSROOM | SCOPE_TEACHER
					       : SCOPE_CLASSROOM;

	command_help(&help, allowed, "-- ");
	buf_append(&help, "", 1);
	send_text(s, c, (const char *)help.data);
	buf_free(&help);
}

/* A typed line that is no request: help, or a mistake answered with one error line. */
static void local_command(struct server *s, struct client *c, const struct command *cmd,
			  const char *why)
{
	struct buf out = {0};

	if (cmd->kind == CMD_HELP) {
		send_help(s, c);
		return;
	}
	if (cmd->kind == CMD_MISSING_ARG) {
		buf_printf(&out, "error: use %s\n", cmd->usage);
	} else if (why != NULL) {
		buf_printf(&out, "error: %s\n", why);
	} else if (cmd->kind != CMD_EMPTY) {
		/* The command word is the client's bytes: quoted made safe, and short. */
		struct str word = cmd->arg;

		if (cmd->kind != CMD_UNKNOWN)
			word = str_n(word.p, 0);
		buf_printf(&out, "error: %s", cmd->kind == CMD_UNKNOWN ? "unknown command " : "");
		text_sanitize(&out, word.p, utf8_truncate(word.p, word.len, 32), 0);
		buf_printf(&out, "%s\n",
			   cmd->kind == CMD_UNKNOWN
			       ? "; try /help"
			       : "that is a command of the full-screen client");
	}
	buf_append(&out, "", 1);
	if (out.len > 1)
		send_text(s, c, (const char *)out.data);
	buf_free(&out);
}

/* Register a line client: the first line may name the nick. Returns true if line was used. */
static bool register_line_client(struct server *s, struct client *c, struct str line)
{
	struct frame hello = {.type = T_HELLO};
	bool used = false;
	/* A login that is no valid nick (reserved "nobody", too long) would cost the
	 * client its first line and its connection: such a client is a guest too. */
	bool login_ok = c->transport == TR_UNIX && nick_valid(c->login, strlen(c->login));

	hello.f[HELLO_VERSION].n = PROTO_VERSION;
	hello.f[HELLO_NICK].s = str_c(login_ok ? c->login : "guest");
	if (line.len > 5 && memcmp(line.p, "NICK ", 5) == 0) {
		struct str rest = str_n(line.p + 5, line.len - 5);

		hello.f[HELLO_NICK].s = split_word(&rest);
		used = true;
	}
	wiretrace_request(s, c, &hello);
	chat_handle(s, c, &hello);
	return used;
}

/* Whether a first line is an HTTP request line ("GET / HTTP/1.1"). */
static bool looks_like_http(struct str line)
{
	static const char *const methods[] = {"GET ",	  "POST ",    "HEAD ",	 "PUT ",
					      "OPTIONS ", "CONNECT ", "DELETE ", "PATCH "};
	static const char proto[] = " HTTP/1.";

	if (line.len < 10 || memcmp(line.p + line.len - 9, proto, sizeof proto - 1) != 0)
		return false;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (line.len > strlen(methods[i]) &&
		    memcmp(line.p, methods[i], strlen(methods[i])) == 0)
			return true;
	return false;
}

/* Handle one complete line (without its newline). */
static void handle_line(struct server *s, struct client *c, struct str line)
{
	struct frame f;
	struct command cmd;
	const char *why = NULL;

	wiretrace_line_in(s, c, line);
	if (line.len > 0 && line.p[line.len - 1] == '\r')
		line.len--;
	if (c->state == CS_HELLO && looks_like_http(line)) {
		static const char reply[] =
		    "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n"
		    "natterd is a chat server, not a web server; see PROTOCOL.md\n";
		struct shbuf *b = shbuf_new(reply, sizeof reply - 1);

		output_close_after(s, c, b);
		shbuf_unref(b);
		return;
	}
	if (c->state == CS_HELLO && register_line_client(s, c, line))
		return;
	if (c->state != CS_READY || line.len == 0)
		return;
	command_parse(line.p, line.len, &cmd);
	if (cmd.kind != CMD_QUIT && !flood_take(s, c)) {
		/* A typed line cannot be held back without holding all that follows: refuse it. */
		char text[160];

		snprintf(text, sizeof text,
			 "error %d: more than %u lines a second; that line was not sent, send it "
			 "again\n",
			 ERR_RATE_LIMITED, s->cfg.rate);
		send_text(s, c, text);
		return;
	}
	if (command_request(&cmd, current_room(s, c), &f, &why) <= 0) {
		local_command(s, c, &cmd, why);
		return;
	}
	wiretrace_request(s, c, &f);
	chat_handle(s, c, &f);
}

size_t linemode_input(struct server *s, struct client *c, const unsigned char *p, size_t n)
{
	size_t total = n;

	while (n > 0 && (c->state == CS_HELLO || c->state == CS_READY)) {
		const unsigned char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (flood_backlogged(s, c)) {
			flood_hold(s, c); /* its replies wait unread: take no more of its lines */
			break;
		}
		if (c->line.skipping) {
			c->line.skipping = nl == NULL;
		} else if (c->rlen + take > MAX_LINE_BYTES) {
			char text[128];

			snprintf(text, sizeof text,
				 "error %d: line longer than %d bytes; it was skipped\n",
				 ERR_TEXT_TOO_LONG, MAX_LINE_BYTES);
			send_text(s, c, text);
			c->rlen = 0;
			c->line.skipping = nl == NULL;
		} else if (nl == NULL) {
			if (c->rcap < MAX_LINE_BYTES) {
				c->rbuf = xrealloc(c->rbuf, MAX_LINE_BYTES);
				c->rcap = MAX_LINE_BYTES;
			}
			memcpy(c->rbuf + c->rlen, p, take);
			c->rlen += (uint32_t)take;
		} else if (c->rlen > 0) {
			if (c->rcap < c->rlen + take) {
				c->rbuf = xrealloc(c->rbuf, MAX_LINE_BYTES);
				c->rcap = MAX_LINE_BYTES;
			}
			memcpy(c->rbuf + c->rlen, p, take);
			c->rlen += (uint32_t)take;
			handle_line(s, c, str_n((const char *)c->rbuf, c->rlen));
			c->rlen = 0;
		} else {
			handle_line(s, c, str_n((const char *)p, take));
		}
		if (nl == NULL) {
			n = 0;
			break;
		}
		p += take + 1;
		n -= take + 1;
	}
	return total - n;
}
