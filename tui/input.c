/* SPDX-License-Identifier: ISC */
/* input.c - readline inside curses: bytes from our poll loop in, the line buffer out to ui.c. */
#include "input.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "command.h"
#include "ctrlchar.h"

enum {
	HISTORY_LINES = 1000,
	PASTE_WAIT_MS = 2000, /* how long a bracketed paste may pause between reads */
	PENDING_BYTES = 4096,
};

#define PROMPT "> "

/* Readline's callbacks take no user pointer: its state and ours live in this one object. */
static struct input_state {
	const struct input_ops *ops;
	void *ctx;
	char pending[PENDING_BYTES]; /* bytes read from the terminal, not yet given to readline */
	size_t pending_len, pending_at;
	FILE *null_out; /* readline's rl_outstream: nothing it writes may reach the screen */
	char history[4096];
	bool have_history, active;
} in;

/* $VAR/natter/history if VAR is absolute, else $HOME/FALLBACK/natter/history. */
static int xdg_file(char *out, size_t cap, const char *var, const char *fallback)
{
	const char *xdg = getenv(var), *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, cap, "%s/natter/history", xdg);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(out, cap, "%s/%s/natter/history", home, fallback);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

int input_history_path(char *out, size_t cap)
{
	return xdg_file(out, cap, "XDG_STATE_HOME", ".local/state");
}

int input_history_old_path(char *out, size_t cap)
{
	return xdg_file(out, cap, "XDG_DATA_HOME", ".local/share");
}

/* mkdir -p for the directory part of path, private to us. */
static int make_parent_dirs(const char *path)
{
	char dir[4096];
	size_t n = strlen(path);

	if (n >= sizeof dir)
		return -1;
	memcpy(dir, path, n + 1);
	for (char *p = strchr(dir + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

int input_history_choose(char *out, size_t cap)
{
	char old[sizeof in.history];
	struct stat st;

	if (input_history_path(out, cap) < 0 || make_parent_dirs(out) < 0)
		return -1;
	/* Only when there is no new file yet: moving twice could overwrite history. */
	if (lstat(out, &st) == 0 || errno != ENOENT)
		return 0;
	if (input_history_old_path(old, sizeof old) < 0 || lstat(old, &st) < 0 ||
	    !S_ISREG(st.st_mode) || rename(old, out) == 0)
		return 0;
	/* The old file stays the history: copying it could half-fail and lose lines. */
	if (strlen(old) >= cap)
		return -1;
	memcpy(out, old, strlen(old) + 1);
	return 0;
}

/* rl_getc_function: the next byte our loop read; blocks (bounded) only inside a paste. */
static int input_getc(FILE *f)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	ssize_t n;

	(void)f;
	if (in.pending_at < in.pending_len)
		return (unsigned char)in.pending[in.pending_at++];
	/* Readline asks for more than we fed only while it reads a bracketed paste to its end
	 * marker; wait for the rest, but not for ever. */
	do {
		int r = poll(&p, 1, PASTE_WAIT_MS);

		n = r > 0 ? read(STDIN_FILENO, in.pending, sizeof in.pending) : r;
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return EOF;
	in.pending_len = (size_t)n;
	in.pending_at = 1;
	return (unsigned char)in.pending[0];
}

/* rl_input_available_hook: whether a key sequence's next byte is already here. */
static int input_available(void)
{
	return in.pending_at < in.pending_len;
}

/* rl_redisplay_function: drawing is ui.c's, at the end of the poll pass. */
static void input_redisplay(void)
{
	if (in.ops != NULL)
		in.ops->changed(in.ctx);
}

/* Add a line to the history, and to its file unless it has several lines. */
static void remember(const char *line)
{
	if (line == NULL || line[0] == '\0')
		return;
	add_history(line);
	/* The history file is one entry per line, so multi-line entries stay in memory. */
	if (in.have_history && strchr(line, '\n') == NULL)
		(void)append_history(1, in.history);
}

/* The line handler: readline owns the buffer, we free it. */
static void input_line(char *line)
{
	remember(line);
	in.ops->line(in.ctx, line);
	free(line);
}

/* The keys that belong to the front end; Alt may also come as an ESC prefix. */
static const struct {
	enum input_key key;
	const char *seq[4]; /* raw bytes, as rl_executing_keyseq holds them */
} front_keys[] = {
    {IK_PAGE_UP, {"\033[5~"}},						     /* PageUp */
    {IK_PAGE_DOWN, {"\033[6~"}},					     /* PageDown */
    {IK_SB_TOP, {"\033[1;3H", "\033[1;5H", "\033\033[1~", "\033\033[H"}},    /* Alt-, Ctrl-Home */
    {IK_SB_BOTTOM, {"\033[1;3F", "\033[1;5F", "\033\033[4~", "\033\033[F"}}, /* Alt-, Ctrl-End */
    {IK_SEARCH_OLDER, {"\033p"}},					     /* Alt-p */
    {IK_SEARCH_NEWER, {"\033n"}},					     /* Alt-n */
    {IK_MENTION_OLDER, {"\033m"}},					     /* Alt-m */
    {IK_MENTION_NEWER, {"\033M"}},					     /* Alt-M */
    {IK_REDRAW, {"\014"}},						     /* Ctrl-L */
    {IK_ROOM_NEXT, {"\033[1;3C", "\033\033[C"}},			     /* Alt-Right */
    {IK_ROOM_PREV, {"\033[1;3D", "\033\033[D"}},			     /* Alt-Left */
};

/* Bound to each sequence of front_keys: hand the key just typed to the front end. */
static int front_key(int count, int key)
{
	(void)count, (void)key;
	for (size_t i = 0; i < sizeof front_keys / sizeof front_keys[0]; i++)
		for (size_t k = 0; k < 4 && front_keys[i].seq[k] != NULL; k++)
			if (strcmp(rl_executing_keyseq, front_keys[i].seq[k]) == 0)
				in.ops->key(in.ctx, front_keys[i].key);
	return 0;
}

/* Alt-Enter: a newline inside the message instead of sending it. */
static int rl_newline_in_text(int count, int key)
{
	(void)key;
	for (int i = 0; i < (count > 0 ? count : 1); i++)
		rl_insert_text("\n");
	return 0;
}

/* A bracketed paste goes in as it is, without the line ends it finishes with: a copied line
 * usually takes its newline along, and Enter, not the paste, says when to send. */
static int rl_paste(int count, int key)
{
	int start = rl_point;
	int r = rl_bracketed_paste_begin(count, key);

	while (rl_point > start &&
	       (rl_line_buffer[rl_point - 1] == '\n' || rl_line_buffer[rl_point - 1] == '\r')) {
		rl_delete_text(rl_point - 1, rl_point);
		rl_point--;
	}
	return r;
}

/* Alt-s: take the control characters (and the escape sequences they start) out of the line. */
static int rl_strip_controls(int count, int key)
{
	char *head = strndup(rl_line_buffer, (size_t)rl_point);
	char *whole = strndup(rl_line_buffer, (size_t)rl_end);
	size_t point, len;

	(void)count, (void)key;
	if (head != NULL && whole != NULL) {
		point = ctrl_strip(head, (size_t)rl_point);
		len = ctrl_strip(whole, (size_t)rl_end);
		whole[len] = '\0';
		/* One undo group: Ctrl-_ brings the line back as it was. */
		rl_begin_undo_group();
		rl_delete_text(0, rl_end);
		rl_point = 0;
		rl_insert_text(whole);
		rl_end_undo_group();
		rl_point = (int)(point < len ? point : len);
	}
	free(head);
	free(whole);
	return 0;
}

/* Completion (Tab, Shift-Tab) cycles through the candidates in place, as irssi and WeeChat do:
 * readline's menu-complete. Candidates never reach the screen as a list (see input_no_list). */

/* Generator over the command names the front end allows (common/command.c's table). */
static char *complete_command(const char *text, int state)
{
	static size_t i;
	static unsigned allowed;
	size_t n = strlen(text);
	const char *c;

	if (state == 0) {
		i = 0;
		allowed = in.ops->command_scopes(in.ctx);
	}
	while ((c = command_complete(i++, allowed)) != NULL)
		if (strncasecmp(c, text, n) == 0)
			return strdup(c);
	return NULL;
}

/* Whether complete_name offers rooms, else nicks: set before each completion. */
static bool complete_rooms;

/* Generator over the rooms the front end knows ("lo" finds "#lobby" as "#lo" does), or the nicks
 * present (at the line's start a match ends in ": "). */
static char *complete_name(const char *text, int state)
{
	static size_t i;
	size_t n = strlen(text), hash = complete_rooms && text[0] != '#';
	const char *name;
	char *s;

	if (state == 0)
		i = 0;
	while ((name = (complete_rooms ? in.ops->room : in.ops->nick)(in.ctx, i++)) != NULL) {
		if ((hash && name[0] != '#') || strncasecmp(name + hash, text, n) != 0)
			continue;
		if (complete_rooms || rl_point != (int)n)
			return strdup(name);
		s = malloc(strlen(name) + 3);
		if (s != NULL)
			snprintf(s, strlen(name) + 3, "%s: ", name);
		return s;
	}
	return NULL;
}

/* Whether the word at start is the first argument of a command that takes a room. */
static bool room_argument(int start)
{
	static const char *const takes_room[] = {"/join ", "/part ", "/who "};

	for (size_t k = 0; k < sizeof takes_room / sizeof takes_room[0]; k++) {
		size_t len = strlen(takes_room[k]);

		if ((size_t)start == len && strncasecmp(rl_line_buffer, takes_room[k], len) == 0)
			return true;
	}
	return false;
}

/* rl_attempted_completion_function: commands at the line's start, rooms, else nicks. */
static char **input_complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1; /* never fall back to file names */
	rl_completion_append_character = ' ';
	if (start == 0 && text[0] == '/')
		return rl_completion_matches(text, complete_command);
	complete_rooms = text[0] == '#' || room_argument(start);
	if (start == 0 && !complete_rooms)
		rl_completion_append_character = '\0'; /* the match carries its ": " */
	return rl_completion_matches(text, complete_name);
}

/* rl_completion_display_matches_hook: lists of candidates are never shown; Tab cycles instead. */
static void input_no_list(char **matches, int num, int max_len)
{
	(void)matches, (void)num, (void)max_len;
}

/* Bind our keys; a failure only loses that key. */
static void bind_keys(void)
{
	for (size_t i = 0; i < sizeof front_keys / sizeof front_keys[0]; i++)
		for (size_t k = 0; k < 4 && front_keys[i].seq[k] != NULL; k++)
			(void)rl_bind_keyseq(front_keys[i].seq[k], front_key);
	(void)rl_bind_keyseq("\\e\\r", rl_newline_in_text);
	(void)rl_bind_keyseq("\\e\\n", rl_newline_in_text);
	(void)rl_bind_keyseq("\\e[200~", rl_paste);
	(void)rl_bind_keyseq("\\es", rl_strip_controls);
	(void)rl_bind_keyseq("\\t", rl_menu_complete);
	(void)rl_bind_keyseq("\\e[Z", rl_backward_menu_complete); /* Shift-Tab */
}

int input_init(const struct input_ops *ops, void *ctx, struct errmsg *e)
{
	memset(&in, 0, sizeof in);
	in.ops = ops;
	in.ctx = ctx;
	in.null_out = fopen("/dev/null", "w");
	if (in.null_out == NULL) {
		errmsg_set(e, "cannot open /dev/null: %s", strerror(errno));
		return -1;
	}
	/* curses owns the terminal: readline must not change modes, signals or the environment. */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_instream = stdin;
	rl_outstream = in.null_out;
	rl_getc_function = input_getc;
	rl_input_available_hook = input_available;
	rl_redisplay_function = input_redisplay;
	rl_readline_name = "natter";
	rl_attempted_completion_function = input_complete;
	rl_completion_display_matches_hook = input_no_list;
	rl_basic_word_break_characters = " \t\n";
	rl_callback_handler_install(PROMPT, input_line);
	(void)rl_variable_bind("bell-style", "none");
	(void)rl_variable_bind("show-all-if-ambiguous", "off");
	(void)rl_variable_bind("completion-ignore-case", "on");
	(void)rl_variable_bind("enable-bracketed-paste", "on");
	bind_keys();
	using_history();
	stifle_history(HISTORY_LINES);
	if (input_history_choose(in.history, sizeof in.history) == 0) {
		in.have_history = true;
		/* A missing file is the first run: create it, since append_history only appends. */
		if (read_history(in.history) != 0 && write_history(in.history) != 0)
			in.have_history = false;
		/* read_history leaves the position at the oldest entry: Up must find the newest. */
		using_history();
	}
	in.active = true;
	return 0;
}

void input_feed(const char *p, size_t n)
{
	while (n > 0 && in.active) {
		size_t k = n < sizeof in.pending ? n : sizeof in.pending;

		memcpy(in.pending, p, k);
		in.pending_len = k;
		in.pending_at = 0;
		p += k;
		n -= k;
		/* One byte per call; a bracketed paste may take more through input_getc. */
		while (in.active && in.pending_at < in.pending_len)
			rl_callback_read_char();
	}
}

void input_view(struct input_view *v)
{
	v->prompt = rl_display_prompt != NULL ? rl_display_prompt : PROMPT;
	v->line = rl_line_buffer != NULL ? rl_line_buffer : "";
	v->len = rl_line_buffer != NULL ? (size_t)rl_end : 0;
	v->point = rl_point >= 0 && (size_t)rl_point <= v->len ? (size_t)rl_point : v->len;
}

void input_set_line(const char *line)
{
	rl_replace_line(line, 0);
	rl_point = rl_end;
	input_redisplay();
}

bool input_interrupt(void)
{
	char *line;
	bool had;

	if (!in.active)
		return false;
	rl_callback_sigcleanup(); /* an incremental search or a key sequence half read */
	had = rl_end > 0;
	if (had) {
		line = strndup(rl_line_buffer, (size_t)rl_end);
		remember(line);
		free(line);
	}
	rl_free_line_state();
	rl_replace_line("", 1);
	rl_point = rl_mark = 0;
	using_history(); /* Up starts again from the newest entry: the line just saved */
	input_redisplay();
	return had;
}

void input_end(void)
{
	if (!in.active)
		return;
	in.active = false;
	rl_callback_handler_remove();
	if (in.have_history)
		(void)history_truncate_file(in.history, HISTORY_LINES);
	rl_outstream = stdout;
	fclose(in.null_out); /* open while active */
	in.null_out = NULL;
	clear_history();
}
