/* SPDX-License-Identifier: ISC */
/* tui_commands.c - what the user types in the full-screen UI: lines, commands, keys, completion. */
#include "tui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "ctrlchar.h"
#include "text.h"
#include "tui_int.h"
#include "wrap.h"

/* ---- commands typed by the user ---- */

static void show_help(struct tui *t)
{
	struct buf help = {0};
	char *save, *line;

	command_help(&help, SCOPE_SCREEN | core_scopes(t->c), "");
	buf_append(&help, "", 1);
	for (line = strtok_r((char *)help.data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		ui_say(&t->ui, SB_INFO, "%s", line);
	buf_free(&help);
	ui_say(&t->ui, SB_INFO,
	       "scrolling: PageUp/PageDown; Alt-Home or Ctrl-Home top, Alt-End or Ctrl-End "
	       "bottom; Alt-p/Alt-n older/newer match of /search; Alt-m/Alt-M older/newer "
	       "line mentioning you");
	ui_say(&t->ui, SB_INFO,
	       "rooms: Alt-Right/Alt-Left talk in the next/previous room you are in (or /join "
	       "#room again); the status bar counts new messages in the others");
	ui_say(&t->ui, SB_INFO,
	       "editing: Up/Down history, Ctrl-R search history, Tab/Shift-Tab cycle through "
	       "completions of nicks, #rooms and commands, Alt-Enter new line, Alt-s strips "
	       "control characters, Ctrl-L redraw, Ctrl-C "
	       "clears the line (Up brings it back), Ctrl-D on an empty line quits");
}

void tui_quit(struct tui *t, struct str reason)
{
	struct errmsg e;

	if (t->quitting)
		return;
	t->quitting = true;
	if (!t->up || !core_accepting(t->c)) {
		t->finished = true;
		t->status = EXIT_CLEAN;
		return;
	}
	if (core_quit(t->c, reason, &e) < 0) {
		snprintf(t->why, sizeof t->why, "%s", e.text);
		t->finished = true;
		t->status = EXIT_ERROR;
	}
	tui_status_update(t);
}

/* What a search (of text, or of mentions if NULL) found, when it is not the plain next match. */
static void found_say(struct tui *t, enum sb_found f, bool older, const char *text)
{
	if (f == SB_FOUND_WRAPPED)
		ui_say(&t->ui, SB_INFO, "search wrapped to the %s line",
		       older ? "newest" : "oldest");
	else if (f == SB_NOT_FOUND && text != NULL)
		ui_say(&t->ui, SB_INFO, "no line contains \"%s\"", text);
	else if (f == SB_NOT_FOUND)
		ui_say(&t->ui, SB_INFO, "no line mentions you");
}

/* /search TEXT: remember it and jump to the newest older match. */
static void do_search(struct tui *t, const char *text, bool older)
{
	if (text == NULL || text[0] == '\0') {
		ui_say(&t->ui, SB_INFO, "nothing to search for: use /search TEXT first");
		return;
	}
	found_say(t, sb_search(&t->ui.sb, text, older, ui_pane_cols(&t->ui), ui_pane_rows(&t->ui)),
		  older, text);
	t->ui.dirty = true;
}

/* A line holding a control character (a pasted ESC, say) would be refused: it stays in the
 * input, and the user is told which character, where, and how to strip it. */
static bool refuse_controls(struct tui *t, const char *line)
{
	struct ctrl_found f;
	char what[96];

	if (!ctrl_find(line, strlen(line), &f))
		return false;
	ctrl_describe(&f, what, sizeof what);
	ui_say(&t->ui, SB_ERROR,
	       "%s: not sent; press Alt-s to remove the control characters, or edit the line",
	       what);
	free(t->give_back);
	t->give_back = xstrdup(line);
	return true;
}

/* Commands for the server, or text: sent now, or kept until the server is back. */
static void send_line(struct tui *t, const char *line)
{
	struct command cmd;
	struct errmsg e;
	struct buf name = {0};

	if (refuse_controls(t, line))
		return;
	command_parse(line, strlen(line), &cmd);
	switch (cmd.kind) {
	case CMD_EMPTY: return;
	case CMD_HELP: show_help(t); return;
	case CMD_CLEAR: sb_clear(&t->ui.sb); return;
	case CMD_RECONNECT: tui_reconnect_now(t); return;
	case CMD_SEARCH:
		free(t->search);
		t->search = cmd.arg.len > 0 ? xstrndup(cmd.arg.p, cmd.arg.len) : NULL;
		if (t->search != NULL)
			t->ui.sb.hit = 0;
		do_search(t, t->search, true);
		return;
	case CMD_QUIT: tui_quit(t, cmd.arg); return;
	case CMD_UNKNOWN:
	case CMD_MISSING_ARG:
		wrap_sanitize(&name, cmd.arg.p, cmd.arg.len, false);
		buf_append(&name, "", 1);
		if (cmd.kind == CMD_UNKNOWN)
			ui_say(&t->ui, SB_ERROR, "unknown command %s; try /help",
			       (const char *)name.data);
		else
			ui_say(&t->ui, SB_ERROR, "%s needs an argument: %s",
			       (const char *)name.data, cmd.usage);
		buf_free(&name);
		return;
	default: break;
	}
	sb_scroll_bottom(&t->ui.sb);
	if ((cmd.kind == CMD_SAY || cmd.kind == CMD_ME || cmd.kind == CMD_MSG) &&
	    cmd.arg.len > MAX_TEXT_BYTES) {
		/* The server would refuse it; keep the text so that it can be shortened. */
		ui_say(&t->ui, SB_ERROR,
		       "that message is %zu bytes; the limit is %d, so it was not sent",
		       cmd.arg.len, MAX_TEXT_BYTES);
		free(t->give_back);
		t->give_back = xstrdup(line);
		return;
	}
	if (!t->up || !core_accepting(t->c)) {
		tui_push_string(&t->pending.lines, &t->pending.len, &t->pending.cap, line,
				strlen(line));
		ui_say(&t->ui, SB_INFO, "not connected: will send when the server is back: %s",
		       line);
		return;
	}
	if (core_exec(t->c, &cmd, &e) < 0)
		ui_say(&t->ui, SB_ERROR, "%s", e.text);
}

/* A line from readline: line ends become '\n', the empty lines it starts or ends with go (a
 * paste's final newline sends no empty line); then local commands or send. */
static void on_line(void *ctx, const char *line)
{
	struct tui *t = ctx;
	char *copy;
	size_t n = 0;

	if (line == NULL) {
		tui_quit(t, str_c(""));
		return;
	}
	copy = xstrdup(line);
	for (size_t i = 0; copy[i] != '\0'; i++) {
		if (copy[i] == '\r' && copy[i + 1] == '\n')
			continue;
		copy[n++] = copy[i] == '\r' ? '\n' : copy[i];
	}
	while (n > 0 && copy[n - 1] == '\n')
		n--;
	copy[n] = '\0';
	send_line(t, copy + strspn(copy, "\n"));
	free(copy);
	t->ui.hscroll = 0;
	t->ui.dirty = true;
}

/* Talk in the next (step 1) or previous (-1) room we are in, in joining order. */
static void switch_room(struct tui *t, int step)
{
	size_t n = core_room_count(t->c), at = 0;
	const char *cur = core_room(t->c);
	struct errmsg e;

	if (n < 2) {
		ui_say(&t->ui, SB_INFO, "you are in one room only; /join #room to enter another");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (nick_equal(core_room_at(t->c, i), strlen(core_room_at(t->c, i)), cur,
			       strlen(cur)))
			at = i;
	at = (at + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
	if (core_switch(t->c, str_c(core_room_at(t->c, at)), &e) < 0)
		ui_say(&t->ui, SB_ERROR, "%s", e.text);
}

static void on_key(void *ctx, enum input_key k)
{
	struct tui *t = ctx;
	struct scrollback *sb = &t->ui.sb;
	size_t rows = ui_pane_rows(&t->ui), cols = ui_pane_cols(&t->ui);
	size_t page = rows > 1 ? rows - 1 : 1;

	switch (k) {
	case IK_PAGE_UP: sb_scroll_up(sb, page, cols, rows); break;
	case IK_PAGE_DOWN: sb_scroll_down(sb, page, cols); break;
	case IK_SB_TOP: sb_scroll_top(sb, cols, rows); break;
	case IK_SB_BOTTOM: sb_scroll_bottom(sb); break;
	case IK_SEARCH_OLDER: do_search(t, t->search, true); break;
	case IK_SEARCH_NEWER: do_search(t, t->search, false); break;
	case IK_MENTION_OLDER:
	case IK_MENTION_NEWER:
		found_say(t, sb_search(sb, NULL, k == IK_MENTION_OLDER, cols, rows),
			  k == IK_MENTION_OLDER, NULL);
		break;
	case IK_REDRAW: t->ui.full_redraw = true; break;
	case IK_ROOM_NEXT:
	case IK_ROOM_PREV: switch_room(t, k == IK_ROOM_NEXT ? 1 : -1); break;
	}
	t->ui.dirty = true;
}

static void on_changed(void *ctx)
{
	struct tui *t = ctx;

	t->ui.dirty = true;
}

static const char *on_nick(void *ctx, size_t i)
{
	struct tui *t = ctx;

	return i < t->nicks_len ? t->nicks[i] : NULL;
}

/* The rooms we are in, then those of the last /rooms listing that we are not in. */
static const char *on_room(void *ctx, size_t i)
{
	struct tui *t = ctx;
	size_t in = core_room_count(t->c);

	if (i < in)
		return core_room_at(t->c, i);
	i -= in;
	for (size_t k = 0; k < t->rooms_seen_len; k++) {
		const char *r = t->rooms_seen[k];

		if (!core_in_room(t->c, str_c(r)) && i-- == 0)
			return r;
	}
	return NULL;
}

/* Commands to complete: the classroom's on a classroom server, the teachers' to a teacher. */
static unsigned on_command_scopes(void *ctx)
{
	struct tui *t = ctx;
	return SCOPE_SCREEN | core_scopes(t->c);
}

const struct input_ops tui_input_ops = {
    .line = on_line,
    .key = on_key,
    .changed = on_changed,
    .nick = on_nick,
    .room = on_room,
    .command_scopes = on_command_scopes,
};
