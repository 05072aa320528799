/* SPDX-License-Identifier: ISC */
/* linemode.c - plain-text clients (nc -U, socat): lines in become requests, events out become
 * lines. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "server.h"
#include "sys.h"
#include "text.h"

/* Append "HH:MM:SS " for a wall-clock time in ms. */
static void put_time(struct buf *out, uint64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char t[16];

	if (localtime_r(&secs, &tm) == NULL || strftime(t, sizeof t, "%H:%M:%S ", &tm) == 0)
		snprintf(t, sizeof t, "--:--:-- ");
	buf_append(out, t, strlen(t));
}

static void put_str(struct buf *out, const char *s)
{
	buf_append(out, s, strlen(s));
}

/* Append network text made safe for a terminal (one line). */
static void put_safe(struct buf *out, struct str s)
{
	text_sanitize(out, s.p, s.len, 0);
}

static void render_msg(const struct client *c, const struct frame *f, struct buf *out)
{
	struct str target = f->f[MSG_TARGET].s, from = f->f[MSG_FROM].s;
	unsigned flags = (unsigned)f->f[MSG_FLAGS].n;

	put_time(out, f->f[MSG_TIME].n);
	if (target.len > 0 && target.p[0] == '#') {
		put_safe(out, target);
		put_str(out, flags & MSGF_HISTORY ? " (history) " : " ");
	} else if (str_eq(from, c->nick)) {
		put_str(out, "[private to ");
		put_safe(out, target);
		put_str(out, "] ");
	} else {
		put_str(out, "[private] ");
	}
	if (flags & MSGF_ACTION) {
		put_str(out, "* ");
		put_safe(out, from);
		put_str(out, " ");
	} else {
		put_str(out, "<");
		put_safe(out, from);
		put_str(out, "> ");
	}
	put_safe(out, f->f[MSG_TEXT].s);
}

static void render_who(const struct frame *f, struct buf *out)
{
	const unsigned char *p = f->rest;
	size_t n = f->rest_len;
	struct who_entry e;

	put_str(out, "-- ");
	if (f->f[WHOREPLY_ROOM].s.len > 0) {
		put_str(out, "in ");
		put_safe(out, f->f[WHOREPLY_ROOM].s);
	} else {
		put_str(out, "on this server");
	}
	put_str(out, ":\n");
	while (who_next(&p, &n, &e) == 1) {
		put_str(out, "-- ");
		put_safe(out, e.nick);
		if (e.flags & WHOF_NOID) {
			put_str(out, "  (tcp, no OS identity)");
		} else {
			put_str(out, "  login ");
			put_safe(out, e.login);
		}
		buf_printf(out, "  idle %us  in ", (unsigned)e.idle);
		put_safe(out, e.rooms);
		if (e.flags & WHOF_AWAY) {
			put_str(out, "  away: ");
			put_safe(out, e.away);
		}
		put_str(out, "\n");
	}
}

static void render_roomlist(const struct frame *f, struct buf *out)
{
	const unsigned char *p = f->rest;
	size_t n = f->rest_len;
	struct field e[3];

	while (list_next(T_ROOMLIST, &p, &n, e) == 1) {
		put_str(out, "-- ");
		put_safe(out, e[ROOME_NAME].s);
		buf_printf(out, " (%llu)", (unsigned long long)e[ROOME_MEMBERS].n);
		if (e[ROOME_TOPIC].s.len > 0) {
			put_str(out, ": ");
			put_safe(out, e[ROOME_TOPIC].s);
		}
		put_str(out, "\n");
	}
}

/* "12:00:03 #lobby -- bob (login bob) joined", or "... -- bob left (reason)". */
static void render_presence(const struct frame *f, struct buf *out)
{
	bool join = f->type == T_JOIN;
	struct str login = f->f[JOIN_LOGIN].s, reason = f->f[LEAVE_REASON].s;

	put_time(out, f->f[join ? JOIN_TIME : LEAVE_TIME].n);
	put_safe(out, f->f[join ? JOIN_ROOM : LEAVE_ROOM].s);
	put_str(out, " -- ");
	put_safe(out, f->f[join ? JOIN_NICK : LEAVE_NICK].s);
	if (join && login.len > 0) {
		put_str(out, " (login ");
		put_safe(out, login);
		put_str(out, ")");
	} else if (join) {
		put_str(out, " (tcp, no OS identity)");
	}
	put_str(out, join ? " joined" : " left");
	if (!join && reason.len > 0) {
		put_str(out, " (");
		put_safe(out, reason);
		put_str(out, ")");
	}
}

/* One event as a line (or a few); nothing for frames a line client need not see. */
static void render(const struct client *c, const struct frame *f, struct buf *out)
{
	size_t start = out->len;

	switch (f->type) {
	case T_WELCOME:
		put_str(out, "-- welcome to ");
		put_safe(out, f->f[WELCOME_SERVER].s);
		put_str(out, ", you are ");
		put_safe(out, f->f[WELCOME_NICK].s);
		buf_printf(out, " (%llu %s here); type /help for commands",
			   (unsigned long long)f->f[WELCOME_USERS].n,
			   f->f[WELCOME_USERS].n == 1 ? "user" : "users");
		break;
	case T_ERROR:
		buf_printf(out, "error %u: ", (unsigned)f->f[ERROR_CODE].n);
		put_safe(out, f->f[ERROR_TEXT].s);
		break;
	case T_BYE:
		put_str(out, "bye: ");
		put_safe(out, f->f[BYE_REASON].s);
		break;
	case T_MSG: render_msg(c, f, out); break;
	case T_JOIN:
	case T_LEAVE: render_presence(f, out); break;
	case T_RENAME:
		put_time(out, f->f[RENAME_TIME].n);
		put_str(out, "-- ");
		put_safe(out, f->f[RENAME_OLD].s);
		put_str(out, " is now known as ");
		put_safe(out, f->f[RENAME_NEW].s);
		break;
	case T_NOTICE:
		put_time(out, f->f[NOTICE_TIME].n);
		put_str(out, "-- ");
		put_safe(out, f->f[NOTICE_TEXT].s);
		break;
	case T_TOPICIS:
		put_safe(out, f->f[TOPICIS_ROOM].s);
		if (f->f[TOPICIS_TEXT].s.len == 0) {
			put_str(out, " -- no topic");
			break;
		}
		put_str(out, " -- topic: ");
		put_safe(out, f->f[TOPICIS_TEXT].s);
		put_str(out, " (set by ");
		put_safe(out, f->f[TOPICIS_NICK].s);
		put_str(out, ")");
		break;
	case T_MISSED:
		put_str(out, "-- ");
		put_safe(out, f->f[MISSED_ROOM].s);
		buf_printf(out, ": %s%llu message(s) you missed are no longer kept",
			   f->f[MISSED_EXACT].n ? "" : "up to ",
			   (unsigned long long)f->f[MISSED_COUNT].n);
		break;
	case T_WHOREPLY: render_who(f, out); return;
	case T_ROOMLIST: render_roomlist(f, out); return;
	default: return; /* PING, PONG: line clients are not pinged */
	}
	if (out->len > start)
		buf_append(out, "\n", 1);
}

struct shbuf *linemode_render(struct server *s, struct client *c, const struct shbuf *frames,
			      bool *shared)
{
	const unsigned char *p = frames->data;
	size_t n = frames->len;
	struct shbuf *b;

	/* Plain text queued for a line client (help, errors) passes through. */
	if (n == 0 || p[0] != 0x00)
		return NULL;
	*shared = true;
	buf_clear(&s->line_out);
	while (n > 0) {
		long whole = frame_complete(p, n);
		struct frame f;

		if (whole <= 0)
			break;
		if (proto_decode(p + FRAME_HEADER_BYTES, (size_t)whole - FRAME_HEADER_BYTES, &f) ==
		    0) {
			/* A private message reads "[private to X]" to its sender alone. */
			if (f.type == T_MSG &&
			    (f.f[MSG_TARGET].s.len == 0 || f.f[MSG_TARGET].s.p[0] != '#'))
				*shared = false;
			render(c, &f, &s->line_out);
		}
		p += whole;
		n -= (size_t)whole;
	}
	b = shbuf_new(s->line_out.data, s->line_out.len);
	return b;
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
