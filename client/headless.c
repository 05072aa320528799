/* SPDX-License-Identifier: ISC */
/* headless.c - the headless front end: one poll() loop over stdin, the server and signals. */
#include "headless.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "diag.h"
#include "format.h"
#include "sys.h"
#include "text.h"

enum { STDIN_CHUNK_BYTES = 4096 };

static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_event(void *ctx, const struct event *ev)
{
	struct headless *h = ctx;

	/* Text lines show what happened (DONE is for JSON); a SAY shows as the server's echo. */
	if ((ev->kind == EV_DONE && !h->json) || ev->kind == EV_SENDING)
		return;
	buf_clear(&h->out);
	(h->json ? format_json : format_line)(&h->out, ev);
	buf_append(&h->out, "\n", 1);
	if (fwrite(h->out.data, 1, h->out.len, stdout) != h->out.len || fflush(stdout) != 0)
		core_abort(h->c, EXIT_ERROR, "cannot write to standard output: %s",
			   strerror(errno));
}

static const struct core_ops headless_ops = {.event = on_event};

void headless_init(struct headless *h, struct core *c, bool json)
{
	*h = (struct headless){.c = c, .json = json, .stdin_open = true, .sig.rd = -1};
	lines_init(&h->lines, MAX_TEXT_BYTES);
	core_init(c, &headless_ops, h);
}

void headless_free(struct headless *h)
{
	lines_free(&h->lines);
	buf_free(&h->out);
}

/*
 * A line natter answers itself: the sentence (NULL: it did what was asked)
 * goes to stderr as always and, with --json, an error of code 0 (or a done)
 * carries the line's tag, so a script hears of every line it wrote.
 */
static void local_answer(struct headless *h, unsigned long line, const struct errmsg *why)
{
	struct event ev = {.kind = why != NULL ? EV_ERROR : EV_DONE,
			   .time = wall_ms(),
			   .text = str_c(why != NULL ? why->text : ""),
			   .tag = (uint32_t)line};

	if (why != NULL)
		diag("%s", why->text);
	if (h->json)
		on_event(h, &ev);
}

/* Commands the core leaves to the front end: help and mistakes. */
static void local_command(struct headless *h, const struct command *cmd, unsigned long line)
{
	struct buf b = {0};
	struct errmsg e;
	const char *s;
	int n;

	if (cmd->kind == CMD_HELP)
		command_help(&b, core_scopes(h->c), "");
	else
		text_sanitize(&b, cmd->arg.p, cmd->arg.len, 0);
	s = (const char *)b.data;
	n = (int)b.len;
	switch (cmd->kind) {
	case CMD_HELP: fwrite(s, 1, b.len, stderr); break;
	case CMD_CLEAR:
	case CMD_SEARCH:
	case CMD_RECONNECT:
		/* Named by its usage's first word: its argument (if any) is not its name. */
		errmsg_set(&e, "%.*s is a command of the full-screen client",
			   (int)strcspn(cmd->usage, " "), cmd->usage);
		break;
	case CMD_UNKNOWN: errmsg_set(&e, "unknown command %.*s; try /help", n, s); break;
	case CMD_MISSING_ARG: errmsg_set(&e, "%.*s needs an argument: %s", n, s, cmd->usage); break;
	default: buf_free(&b); return;
	}
	local_answer(h, line, cmd->kind == CMD_HELP ? NULL : &e);
	buf_free(&b);
}

static void on_line(void *ctx, const char *line, size_t len, unsigned long number, bool too_long)
{
	struct headless *h = ctx;
	struct command cmd;
	struct errmsg e;

	/* Lines after /quit (or after an interrupt) are not sent. */
	if (!core_accepting(h->c))
		return;
	if (too_long) {
		errmsg_set(&e,
			   "input line %lu is longer than %d bytes, the limit for a message; "
			   "skipped it",
			   number, MAX_TEXT_BYTES);
		local_answer(h, number, &e);
		return;
	}
	command_parse(line, len, &cmd);
	/* The answers' events carry the line's number as their tag (JSON "tag"). */
	core_set_ref(h->c, (uint32_t)number);
	switch (core_exec(h->c, &cmd, &e)) {
	case 0: break;
	case -1: local_answer(h, number, &e); break;
	default: local_command(h, &cmd, number); break;
	}
	core_set_ref(h->c, 0);
}

/* One read from stdin; at its end, quit and wait for the server's BYE. */
static void read_stdin(struct headless *h)
{
	char chunk[STDIN_CHUNK_BYTES];
	struct errmsg e;
	ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);

	if (n > 0)
		lines_feed(&h->lines, chunk, (size_t)n, on_line, h);
	if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)))
		return;
	if (n < 0)
		diag("cannot read standard input: %s; quitting", strerror(errno));
	lines_finish(&h->lines, on_line, h);
	h->stdin_open = false;
	if (core_quit(h->c, str_c(""), &e) < 0)
		diag("%s", e.text);
}

/* The first signal quits politely; another one, or one while already quitting, stops at once. */
static void handle_signals(struct headless *h)
{
	int signo[16];
	struct errmsg e;
	int n;

	while ((n = sigpipe_read(&h->sig, signo, 16)) > 0) {
		for (int i = 0; i < n; i++) {
			if (h->interrupted || !core_accepting(h->c)) {
				core_abort(h->c, EXIT_ERROR,
					   "interrupted (%s) before the server confirmed QUIT",
					   strsignal(signo[i]));
				return;
			}
			h->interrupted = true;
			if (core_quit(h->c, str_c(""), &e) < 0)
				core_abort(h->c, EXIT_ERROR, "%s", e.text);
		}
	}
}

/* One turn of the loop: wait for input, the server, a signal or a deadline. */
static void step(struct headless *h)
{
	struct core *c = h->c;
	bool want_stdin = h->stdin_open && core_accepting(c) && !core_backlogged(c);
	struct pollfd pfd[3] = {
	    {.fd = want_stdin ? STDIN_FILENO : -1, .events = POLLIN},
	    {.fd = core_fd(c), .events = core_poll_events(c)},
	    {.fd = h->sig.rd, .events = POLLIN},
	};

	if (poll(pfd, 3, core_timeout_ms(c, mono_ms())) < 0) {
		if (errno != EINTR)
			core_abort(c, EXIT_ERROR, "poll failed: %s", strerror(errno));
		return;
	}
	/* The server first, so that WELCOME releases lines read in the same turn. */
	if (pfd[1].revents != 0)
		core_handle(c, pfd[1].revents);
	if (pfd[2].revents != 0)
		handle_signals(h);
	if (pfd[0].revents != 0 && !core_done(c))
		read_stdin(h);
	core_tick(c, mono_ms());
}

int headless_run(struct headless *h)
{
	if (core_state(h->c) == CORE_IDLE)
		core_abort(h->c, EXIT_ERROR, "not connected to a server");
	else if (sigpipe_open(&h->sig, quit_signals, 3) < 0)
		core_abort(h->c, EXIT_ERROR, "cannot set up signal handling: %s", strerror(errno));
	while (!core_done(h->c))
		step(h);
	if (h->sig.rd >= 0)
		sigpipe_close(&h->sig);
	if (core_status(h->c) != EXIT_CLEAN)
		diag("%s", core_why(h->c));
	return core_status(h->c);
}
