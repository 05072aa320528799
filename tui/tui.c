/* SPDX-License-Identifier: ISC */
/* tui.c - the full-screen front end's loop: terminal, server, signals, reconnect with backoff. */
#include "tui.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "input.h"
#include "sys.h"
#include "text.h"
#include "sigpipe.h"
#include "tui_int.h"

enum { STDIN_CHUNK_BYTES = 4096, STATUS_TICK_MS = 1000 };

static const int tui_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};

/* Events go to tui_events.c; a room listing is also kept here, for completion. */
static void on_event(void *ctx, const struct event *ev)
{
	struct tui *t = ctx;

	if (ev->kind == EV_ROOMLIST) {
		tui_free_strings(t->rooms_seen, &t->rooms_seen_len);
		for (size_t i = 0; i < ev->rooms_len; i++) {
			struct str r = ev->rooms[i].name;

			/* Only valid names: a completed name is typed back to the server. */
			if (room_valid(r.p, r.len))
				tui_push_string(&t->rooms_seen, &t->rooms_seen_len,
						&t->rooms_seen_cap, r.p, r.len);
		}
	}
	tui_on_event(ctx, ev);
}

static const struct core_ops tui_ops = {.event = on_event};

void tui_init(struct tui *t, struct core *c, const struct tui_options *o)
{
	memset(t, 0, sizeof *t);
	t->c = c;
	t->opt = *o;
	t->sig.rd = -1;
	t->up = true;
	t->retry_ms = RECONNECT_FIRST_MS;
	ui_init(&t->ui, o->scrollback > 0 ? o->scrollback : SCROLLBACK_DEFAULT_LINES);
	core_init(c, &tui_ops, t);
}

void tui_free_strings(char **v, size_t *len)
{
	for (size_t i = 0; i < *len; i++)
		free(v[i]);
	*len = 0;
}

void tui_free(struct tui *t)
{
	ui_free(&t->ui);
	tui_free_strings(t->nicks, &t->nicks_len);
	free(t->nicks);
	tui_free_strings(t->rooms_seen, &t->rooms_seen_len);
	free(t->rooms_seen);
	tui_free_strings(t->pending.lines, &t->pending.len);
	free(t->pending.lines);
	tui_sending_free(t);
	free(t->search);
	free(t->give_back);
}

void tui_push_string(char ***v, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*len)++] = xstrndup(s, n);
}

/* ---- signals ---- */

/* Ctrl-C never loses typed text and never quits (nor in irssi, WeeChat, catgirl): as in bash,
 * the line goes into the history and the input is cleared; on an empty line, how to leave. */
static void interrupt(struct tui *t)
{
	if (!input_interrupt())
		ui_say(&t->ui, SB_INFO,
		       "Ctrl-C does not quit: type /quit, or press Ctrl-D on an "
		       "empty line, to leave");
	t->ui.hscroll = 0;
	t->ui.dirty = true;
}

/* SIGWINCH lays out again, SIGINT clears the line, SIGTERM, SIGHUP and SIGQUIT quit politely;
 * while quitting, any of them but SIGWINCH ends at once. */
static void handle_signals(struct tui *t)
{
	int signo[16], n;

	while ((n = sigpipe_read(&t->sig, signo, 16)) > 0) {
		for (int i = 0; i < n; i++) {
			if (signo[i] == SIGWINCH) {
				ui_resize(&t->ui);
			} else if (signo[i] == SIGINT && !t->quitting) {
				interrupt(t);
			} else if (!t->quitting) {
				tui_quit(t, str_c(""));
			} else {
				snprintf(t->why, sizeof t->why,
					 "interrupted (%s) before the server confirmed QUIT",
					 strsignal(signo[i]));
				t->status = EXIT_ERROR;
				t->finished = true;
				return;
			}
		}
	}
}

/* ---- connection loss and reconnecting ---- */

/* The connection ended: finish if we were quitting, else say so and plan a retry. */
static void connection_ended(struct tui *t)
{
	if (t->quitting) {
		t->finished = true;
		t->status = core_status(t->c);
		if (t->status != EXIT_CLEAN)
			snprintf(t->why, sizeof t->why, "%s", core_why(t->c));
		return;
	}
	t->up = false;
	tui_sending_lost(t);
	/* A kick means a kick: coming straight back would undo it (PROTOCOL.md 3.7). */
	t->held = core_status(t->c) == EXIT_KICKED;
	t->retry_at = t->held ? UINT64_MAX : mono_ms() + t->retry_ms;
	if (t->held)
		ui_say(&t->ui, SB_ERROR, "disconnected: %s; type /reconnect to come back",
		       core_why(t->c));
	else
		ui_say(&t->ui, SB_ERROR, "disconnected: %s; reconnecting in %.1f s", core_why(t->c),
		       t->retry_ms / 1000.0);
	tui_status_update(t);
}

void tui_reconnect_now(struct tui *t)
{
	if (t->up) {
		ui_say(&t->ui, SB_INFO, "already connected to %s", core_where(t->c));
		return;
	}
	t->held = false;
	t->retry_ms = RECONNECT_FIRST_MS;
	t->retry_at = mono_ms();
	ui_say(&t->ui, SB_INFO, "reconnecting to %s", core_where(t->c));
}

/* Time for another attempt: connect, or wait twice as long (up to RECONNECT_MAX_MS). */
static void reconnect(struct tui *t)
{
	struct errmsg e;

	t->attempts++;
	if (core_connect(t->c, t->addr, t->nick, &e) == 0) {
		t->up = true;
	} else {
		t->retry_ms =
		    t->retry_ms * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : t->retry_ms * 2;
		t->retry_at = mono_ms() + t->retry_ms;
		if (t->attempts == 1)
			ui_say(&t->ui, SB_ERROR, "%s; still trying every few seconds", e.text);
	}
	tui_status_update(t);
}

/* ---- the loop ---- */

/* Milliseconds poll may sleep: until the core's deadline, the next retry, or the status tick. */
static int next_timeout(const struct tui *t, uint64_t now)
{
	uint64_t wait = t->retry_at > now ? t->retry_at - now : 0; /* held: UINT64_MAX */
	int ms;

	if (!t->up)
		return wait > STATUS_TICK_MS ? STATUS_TICK_MS : (int)wait;
	ms = core_timeout_ms(t->c, now);
	/* While the server is late, the lag in the status bar counts up each second. */
	if (core_lag_ms(t->c, now) > 0 && (ms < 0 || ms > STATUS_TICK_MS))
		ms = STATUS_TICK_MS;
	return ms;
}

static void read_terminal(struct tui *t)
{
	char chunk[STDIN_CHUNK_BYTES];
	ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);

	if (n > 0) {
		input_feed(chunk, (size_t)n);
		/* Readline clears the line after its handler returns: a line is given back here. */
		if (t->give_back != NULL) {
			input_set_line(t->give_back);
			free(t->give_back);
			t->give_back = NULL;
		}
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	/* The terminal went away (hangup): nobody is left to type or to read. */
	snprintf(t->why, sizeof t->why, "the terminal closed");
	tui_quit(t, str_c(""));
	t->finished = true;
}

/* One pass: wait, handle what is ready, then draw once (so a flood costs one draw). */
static void step(struct tui *t)
{
	bool connected = t->up && core_fd(t->c) >= 0;
	struct pollfd pfd[3] = {
	    {.fd = STDIN_FILENO, .events = POLLIN},
	    {.fd = connected ? core_fd(t->c) : -1,
	     .events = connected ? core_poll_events(t->c) : 0},
	    {.fd = t->sig.rd, .events = POLLIN},
	};
	struct input_view view;
	uint64_t now = mono_ms();

	if (poll(pfd, 3, next_timeout(t, now)) < 0) {
		if (errno != EINTR) {
			snprintf(t->why, sizeof t->why, "poll failed: %s", strerror(errno));
			t->status = EXIT_ERROR;
			t->finished = true;
		}
		return;
	}
	if (pfd[2].revents != 0)
		handle_signals(t);
	if (pfd[1].revents != 0)
		core_handle(t->c, pfd[1].revents);
	if (pfd[0].revents != 0 && !t->finished)
		read_terminal(t);
	now = mono_ms();
	if (t->up) {
		core_tick(t->c, now);
		if (core_done(t->c) && !t->finished)
			connection_ended(t);
		else if (core_lag_ms(t->c, now) > 0 || t->lag_shown > 0)
			tui_status_update(t); /* the lag counts up, or is over */
	} else if (!t->finished) {
		if (now >= t->retry_at)
			reconnect(t);
		else
			tui_status_update(t);
	}
	if (t->ring) {
		ui_bell(&t->ui);
		t->ring = false;
	}
	input_view(&view);
	ui_draw(&t->ui, &view);
}

int tui_run(struct tui *t, const struct addr *a, const char *nick)
{
	struct errmsg e;

	t->addr = a;
	snprintf(t->nick, sizeof t->nick, "%s", nick);
	/* Signals into the loop, and termsafe.c armed for those that kill at once; set before
	 * curses, which then keeps its hands off them. */
	if (sigpipe_open(&t->sig, tui_signals, sizeof tui_signals / sizeof tui_signals[0]) < 0 ||
	    termsafe_arm() < 0) {
		diag("cannot set up signal handling: %s", strerror(errno));
		t->status = EXIT_ERROR;
	} else if (input_init(&tui_input_ops, t, &e) < 0 || ui_start(&t->ui, &e) < 0) {
		diag("%s", e.text);
		t->status = EXIT_ERROR;
	} else {
		tui_status_update(t);
		while (!t->finished)
			step(t);
		ui_stop(&t->ui);
	}
	input_end();
	termsafe_disarm();
	sigpipe_close(&t->sig);
	if (t->why[0] != '\0' && t->status != EXIT_CLEAN)
		diag("%s", t->why);
	return t->status;
}
