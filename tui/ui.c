/* SPDX-License-Identifier: ISC */
/* ui.c - curses drawing: the pane from the bottom up, the status bar, the input line; resize. */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "errmsg.h"
#include "nickcolor.h"
#include "text.h"
#include "wrap.h"

#define PASTE_ON "\033[?2004h"
/* Shown in the input line for a newline inside the message (U+21B5). */
#define NEWLINE_GLYPH "\xe2\x86\xb5"

enum {
	PAIR_STATUS = 1,
	PAIR_NOTICE,
	PAIR_ERROR,
	PAIR_MENTION,
	PAIR_NICK0, /* first of the nick palette's pairs */
	MAX_NICK_COLORS = 12,
};

/* The local date of ms as YYYYMMDD (0 if unknown); its broken-down time in *tm if not NULL. */
static long day_of(uint64_t ms, struct tm *out)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	if (out != NULL)
		*out = tm;
	return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void ui_init(struct ui *u, size_t sb_lines)
{
	memset(u, 0, sizeof *u);
	sb_init(&u->sb, sb_lines);
	u->status.users = -1;
	u->last_day = day_of((uint64_t)time(NULL) * 1000, NULL);
	u->dirty = true;
}

void ui_free(struct ui *u)
{
	ui_stop(u);
	sb_free(&u->sb);
}

/* Write bytes straight to the terminal (outside curses' own output buffer). */
static void term_write(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the terminal is gone: nothing else to tell it */
		s += w;
		n -= (size_t)w;
	}
}

/* Colour pairs: the status bar, notices, errors, mentions, and a nick palette. */
static void setup_colors(struct ui *u)
{
	static const short base[] = {COLOR_RED,	 COLOR_GREEN,	COLOR_YELLOW,
				     COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
	short bg = -1;

	if (start_color() == ERR)
		return;
	/* Keep the user's own background where the terminal allows it. */
	if (use_default_colors() == ERR)
		bg = COLOR_BLACK;
	init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_NOTICE, COLOR_CYAN, bg);
	init_pair(PAIR_ERROR, COLOR_RED, bg);
	init_pair(PAIR_MENTION, COLOR_YELLOW, bg);
	/* Terminals with 16 colours get the bright variants as six more nick colours. */
	u->nick_colors =
	    COLORS >= 16 && COLOR_PAIRS > PAIR_NICK0 + MAX_NICK_COLORS ? MAX_NICK_COLORS : 6;
	for (unsigned i = 0; i < u->nick_colors; i++)
		init_pair((short)(PAIR_NICK0 + i), (short)(base[i % 6] + (i < 6 ? 0 : 8)), bg);
}

int ui_start(struct ui *u, struct errmsg *e)
{
	const char *no_color = getenv("NO_COLOR");

	SCREEN *screen = newterm(NULL, stdout, stdin);

	if (screen == NULL) {
		errmsg_set(e,
			   "cannot drive this terminal full-screen (TERM=%s); set TERM (e.g. "
			   "xterm-256color) or use --headless",
			   getenv("TERM") != NULL ? getenv("TERM") : "");
		return -1;
	}
	set_term(screen);
	u->screen = screen;
	u->started = true;
	/* Keys are read raw from fd 0 and handed to readline, never through curses. */
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, FALSE);
	u->color = has_colors() && (no_color == NULL || no_color[0] == '\0');
	if (u->color)
		setup_colors(u);
	u->color = u->nick_colors > 0;
	term_write(PASTE_ON);
	ui_resize(u);
	return 0;
}

void ui_stop(struct ui *u)
{
	if (!u->started)
		return;
	u->started = false;
	term_write(PASTE_OFF);
	endwin();
	delscreen(u->screen);
	u->screen = NULL;
}

void ui_resize(struct ui *u)
{
	struct winsize ws;

	if (!u->started)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	u->rows = LINES;
	u->cols = COLS;
	u->hscroll = 0;
	u->dirty = true;
	u->full_redraw = true;
}

size_t ui_pane_rows(const struct ui *u)
{
	return u->rows > 2 ? (size_t)u->rows - 2 : 1;
}

size_t ui_pane_cols(const struct ui *u)
{
	return u->cols > 0 ? (size_t)u->cols : 1;
}

void ui_bell(struct ui *u)
{
	if (u->started)
		beep();
}

/* Attributes and colour pairs of a line's parts: stamp, nick, the rest of the prefix, body. */
struct line_attrs {
	attr_t attr[4];
	short pair[4];
};

static struct line_attrs line_attrs(const struct ui *u, const struct sb_line *l, bool hit)
{
	bool dim = l->kind == SB_NOTICE || l->kind == SB_INFO;
	struct line_attrs a = {{A_NORMAL}, {0}};

	/* Replayed lines are older news: dimmed, whatever their kind. */
	for (int k = 0; k < 4; k++)
		a.attr[k] = dim || l->history ? A_DIM : A_NORMAL;
	if (l->kind == SB_OWN)
		a.attr[1] |= A_BOLD;
	if (l->kind == SB_ERROR || l->kind == SB_MARK)
		a.attr[3] |= A_BOLD;
	if (u->color && (dim || l->kind == SB_ERROR))
		a.pair[3] = dim ? PAIR_NOTICE : PAIR_ERROR;
	if (l->nick_len > 0 && u->color && !dim)
		a.pair[1] = (short)(PAIR_NICK0 +
				    nick_color(l->text + l->nick_off, l->nick_len, u->nick_colors));
	if (l->mention) {
		/* Without colour, reverse video marks the stamp and the nick alike. */
		for (int k = 0; k < 3; k++)
			a.attr[k] = u->color ? A_BOLD : A_BOLD | A_REVERSE;
		a.attr[3] = A_BOLD;
		a.pair[3] = u->color ? PAIR_MENTION : 0;
	}
	for (int k = 0; k < 4 && hit; k++)
		a.attr[k] |= A_REVERSE;
	return a;
}

/* Draw one wrapped row of a line at screen row y, splitting it into its parts. */
static void draw_row(const struct ui *u, const struct sb_line *l, struct wrap_row r, size_t x,
		     int y, bool hit)
{
	struct line_attrs a = line_attrs(u, l, hit);
	size_t from = r.off, to = r.off + r.len;
	size_t nick = l->nick_len > 0 ? l->nick_off : l->body_off;
	size_t cuts[3] = {nick, nick + l->nick_len, l->body_off};

	move(y, (int)x);
	for (int part = 0; part < 4 && from < to; part++) {
		size_t end = part < 3 && cuts[part] < to ? cuts[part] : to;

		if (end > from) {
			attr_set(a.attr[part], a.pair[part], NULL);
			addnstr(l->text + from, (int)(end - from));
			from = end;
		}
	}
	attr_set(A_NORMAL, 0, NULL);
}

/* Draw the pane from its bottom row up, starting at the view's bottom line. */
static void draw_pane(const struct ui *u)
{
	size_t height = ui_pane_rows(u), width = ui_pane_cols(u), index, skip;
	long y = (long)height - 1;

	if (!sb_bottom(&u->sb, width, &index, &skip))
		return;
	for (size_t i = index + 1; i-- > 0 && y >= 0;) {
		const struct sb_line *l = sb_at(&u->sb, i);
		size_t indent = sb_indent(l, width);
		size_t n = wrap_text(l->text, l->len, width, indent, NULL, 0);
		struct wrap_row *rows = xcalloc(n, sizeof *rows);
		size_t hidden = i == index ? skip : 0;
		bool hit = u->sb.hit != 0 && l->seq == u->sb.hit;

		wrap_text(l->text, l->len, width, indent, rows, n);
		for (size_t r = n - hidden; r-- > 0 && y >= 0; y--)
			draw_row(u, l, rows[r], r == 0 ? 0 : indent, (int)y, hit);
		free(rows);
	}
}

/* Append s, if any, to a status line, after a " | " if it is not the first part. */
static void status_part(struct buf *b, const char *s)
{
	if (s[0] != '\0')
		buf_printf(b, "%s%s", b->len > 1 ? " | " : "", s);
}

static void draw_status(const struct ui *u, int y)
{
	struct buf left = {0};
	char users[32], marker[64] = "";
	size_t cols = ui_pane_cols(u), mw, lw, used;

	buf_append(&left, " ", 1);
	status_part(&left, u->status.nick);
	status_part(&left, u->status.room);
	status_part(&left, u->status.unread);
	status_part(&left, u->status.state);
	if (u->status.users >= 0) {
		snprintf(users, sizeof users, "%ld user%s", u->status.users,
			 u->status.users == 1 ? "" : "s");
		status_part(&left, users);
	}
	/* The address goes last: the longest part, and the first to be cut in a narrow terminal. */
	status_part(&left, u->status.where);
	if (sb_unseen(&u->sb) > 0)
		snprintf(marker, sizeof marker, " -- %zu new -- ", sb_unseen(&u->sb));
	else if (!u->sb.following)
		snprintf(marker, sizeof marker, " -- more below -- ");
	mw = strlen(marker);
	if (mw >= cols)
		mw = 0;
	attr_set(u->color ? A_NORMAL : A_REVERSE, u->color ? PAIR_STATUS : 0, NULL);
	move(y, 0);
	for (size_t i = 0; i < cols; i++)
		addch(' ');
	lw = wrap_fit((const char *)left.data, left.len, cols - mw, &used);
	mvaddnstr(y, 0, (const char *)left.data, (int)lw);
	if (mw > 0) {
		attr_set((u->color ? A_BOLD : A_REVERSE) | A_BOLD, u->color ? PAIR_STATUS : 0,
			 NULL);
		mvaddnstr(y, (int)(cols - mw), marker, (int)mw);
	}
	attr_set(A_NORMAL, 0, NULL);
	buf_free(&left);
}

/* One character of the input line as drawn: its bytes in the line and what is shown. */
struct cell {
	size_t off, len, cols; /* bytes in the line (combining marks included), columns */
	char shown[16];	       /* what to draw instead of the bytes, if not empty */
};

/* Split the line into cells; a control character is shown in caret notation, never raw. */
static size_t input_cells(const char *s, size_t n, struct cell *cells)
{
	size_t count = 0;
	unsigned cp;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_decode(s + i, n - i, &cp);
		struct cell *c = &cells[count];
		int w = len > 0 ? wcwidth((wchar_t)cp) : -1;

		if (len > 0 && w == 0 && count > 0 && !codepoint_unsafe(cp)) {
			cells[count - 1].len += len; /* a combining mark joins its base */
			i += len;
			continue;
		}
		*c = (struct cell){i, len > 0 ? len : 1, w > 0 ? (size_t)w : 1, ""};
		if (len == 0)
			snprintf(c->shown, sizeof c->shown, "<%02X>", (unsigned char)s[i]);
		else if (cp == '\n')
			snprintf(c->shown, sizeof c->shown, "%s", NEWLINE_GLYPH);
		else if (cp < 0x20 || cp == 0x7f)
			snprintf(c->shown, sizeof c->shown, "^%c", cp == 0x7f ? '?' : cp + 0x40);
		else if (codepoint_unsafe(cp) || w < 0)
			snprintf(c->shown, sizeof c->shown, "<U+%04X>", cp);
		/* A replacement is as wide as its text; the newline's glyph takes one column. */
		if (c->shown[0] != '\0' && (len == 0 || cp != '\n'))
			c->cols = strlen(c->shown);
		count++;
		i += c->len;
	}
	return count;
}

/* The input line: the prompt, then the line scrolled sideways so the cursor shows. */
static void draw_input(struct ui *u, int y, const struct input_view *in)
{
	struct buf prompt = {0};
	size_t cols = ui_pane_cols(u), pw, plen, avail, cur = 0, x = 0;
	struct cell *cells = xcalloc(in->len + 1, sizeof *cells);
	size_t n = input_cells(in->line, in->len, cells);

	/* The prompt may hold the Ctrl-R search text the user typed: sanitize it too. */
	wrap_sanitize(&prompt, in->prompt, strlen(in->prompt), false);
	plen = wrap_fit((const char *)prompt.data, prompt.len, cols / 2, &pw);
	avail = cols - pw - 1; /* the last column is for the cursor at the end of the line */
	for (size_t i = 0; i < n && cells[i].off < in->point; i++)
		cur += cells[i].cols;
	if (cur < u->hscroll)
		u->hscroll = cur > avail / 2 ? cur - avail / 2 : 0;
	else if (cur > u->hscroll + avail)
		u->hscroll = cur - avail / 2;
	move(y, 0);
	clrtoeol();
	addnstr((const char *)prompt.data, (int)plen);
	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &cells[i];

		if (x >= u->hscroll && x + c->cols <= u->hscroll + avail) {
			move(y, (int)(pw + x - u->hscroll));
			if (c->shown[0] != '\0') {
				attr_set(A_REVERSE, 0, NULL);
				addstr(c->shown);
				attr_set(A_NORMAL, 0, NULL);
			} else {
				addnstr(in->line + c->off, (int)c->len);
			}
		}
		x += c->cols;
	}
	move(y, (int)(pw + cur - u->hscroll));
	free(cells);
	buf_free(&prompt);
}

/* A terminal too small for the layout gets a sentence instead, wrapped at words. */
static void draw_too_small(const struct ui *u)
{
	struct wrap_row rows[16];
	char msg[96];
	int n = snprintf(msg, sizeof msg, "terminal too small (%dx%d): natter needs %dx%d", u->cols,
			 u->rows, UI_MIN_COLS, UI_MIN_ROWS);
	size_t count;

	if (n < 0 || u->cols < 1)
		return;
	count = wrap_text(msg, strlen(msg), (size_t)u->cols, 0, rows, 16);
	for (size_t y = 0; y < count && y < 16 && (int)y < u->rows; y++)
		mvaddnstr((int)y, 0, msg + rows[y].off, (int)rows[y].len);
}

void ui_draw(struct ui *u, const struct input_view *in)
{
	if (!u->started || !u->dirty)
		return;
	u->dirty = false;
	if (u->full_redraw) {
		clearok(curscr, TRUE);
		u->full_redraw = false;
	}
	erase();
	if (u->cols < UI_MIN_COLS || u->rows < UI_MIN_ROWS) {
		draw_too_small(u);
		leaveok(stdscr, TRUE);
	} else {
		leaveok(stdscr, FALSE);
		draw_pane(u);
		draw_status(u, u->rows - 2);
		draw_input(u, u->rows - 1, in);
	}
	refresh();
}

/* "-- Saturday 5 December 2026 --" before a line of another local day than the last line. */
static void day_change(struct ui *u, long day, const struct tm *tm)
{
	char name[32], month[32], line[128];

	if (day == 0 || day == u->last_day)
		return;
	u->last_day = day;
	if (strftime(name, sizeof name, "%A", tm) == 0 ||
	    strftime(month, sizeof month, "%B", tm) == 0)
		return;
	snprintf(line, sizeof line, "-- %s %d %s %d --", name, tm->tm_mday, month,
		 tm->tm_year + 1900);
	sb_push(&u->sb, &(struct sb_line){.kind = SB_MARK, .text = line, .len = strlen(line)});
}

/* "-- history of #dev --" before the first of a run of one room's replayed lines. */
static void history_start(struct ui *u, const struct ui_text *m)
{
	struct buf b = {0};

	if (!m->history) {
		u->history_room[0] = '\0';
		return;
	}
	if (m->room_len < sizeof u->history_room && strlen(u->history_room) == m->room_len &&
	    memcmp(u->history_room, m->room, m->room_len) == 0)
		return;
	buf_append(&b, "-- history of ", 14);
	wrap_sanitize(&b, m->room, m->room_len, false);
	buf_append(&b, " --", 3);
	sb_push(&u->sb, &(struct sb_line){.kind = SB_MARK, .text = (char *)b.data, .len = b.len});
	buf_free(&b);
	if (m->room_len < sizeof u->history_room) {
		memcpy(u->history_room, m->room, m->room_len);
		u->history_room[m->room_len] = '\0';
	}
}

/* "[HH:MM] " for today's lines, "[04 Dec HH:MM] " before, with the year if not this one. */
static void put_clock(struct buf *b, long day, const struct tm *tm)
{
	char clock[40];
	long today = day_of((uint64_t)time(NULL) * 1000, NULL);
	size_t n;

	if (day == 0)
		n = 0;
	else if (day == today)
		n = strftime(clock, sizeof clock, "[%H:%M] ", tm);
	else if (day / 10000 == today / 10000)
		n = strftime(clock, sizeof clock, "[%d %b %H:%M] ", tm);
	else
		n = strftime(clock, sizeof clock, "[%d %b %Y %H:%M] ", tm);
	if (n == 0)
		n = (size_t)snprintf(clock, sizeof clock, "[??:??] ");
	buf_append(b, clock, n);
}

/* Compose m: the stamp, the nick as its kind shows it, the text. Push it (seq 0, after any history
 * or day line it needs) or put it in the place of line seq. Returns its seq, or 0 if line seq has
 * scrolled out. */
static uint64_t store(struct ui *u, const struct ui_text *m, uint64_t seq)
{
	struct buf b = {0};
	struct tm tm;
	long day = day_of(m->ms, &tm);
	bool action = m->kind == SB_ACTION;
	/* A message not yet confirmed is dimmed like history (without a history line). */
	struct sb_line l = {
	    .kind = m->kind, .mention = m->mention, .history = m->history || m->pending};

	if (seq == 0) {
		history_start(u, m);
		day_change(u, day, &tm);
	}
	put_clock(&b, day, &tm);
	if (m->kind == SB_MSG || m->kind == SB_OWN || action) {
		buf_printf(&b, "%s", action ? " * " : "<");
		l.nick_off = b.len;
		wrap_sanitize(&b, m->nick, m->nick_len, false);
		l.nick_len = b.len - l.nick_off;
		buf_printf(&b, "%s", action ? " " : "> ");
	} else {
		buf_printf(&b, "-!- ");
	}
	l.body_off = b.len;
	l.prefix_cols = wrap_str_width((const char *)b.data, b.len);
	wrap_sanitize(&b, m->text, m->text_len, true);
	l.text = (char *)b.data;
	l.len = b.len;
	if (seq == 0)
		seq = sb_push(&u->sb, &l);
	else if (!sb_replace(&u->sb, seq, &l))
		seq = 0;
	buf_free(&b);
	u->dirty = true;
	return seq;
}

uint64_t ui_add_line(struct ui *u, const struct ui_text *m)
{
	return store(u, m, 0);
}

bool ui_update_line(struct ui *u, uint64_t seq, const struct ui_text *m)
{
	return seq != 0 && store(u, m, seq) != 0;
}

void ui_add(struct ui *u, enum sb_kind kind, uint64_t ms, const char *nick, size_t nick_len,
	    const char *text, size_t text_len, bool mention)
{
	ui_add_line(u, &(struct ui_text){.kind = kind,
					 .ms = ms,
					 .nick = nick,
					 .nick_len = nick_len,
					 .text = text,
					 .text_len = text_len,
					 .mention = mention});
}

void ui_say(struct ui *u, enum sb_kind kind, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ui_add(u, kind, (uint64_t)time(NULL) * 1000, "", 0, text, strlen(text), false);
}
