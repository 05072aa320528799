/* SPDX-License-Identifier: ISC */
/* scrollback.h - the bounded store of display lines, scroll position, "N new" count, search. */
#ifndef NATTER_SCROLLBACK_H
#define NATTER_SCROLLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SCROLLBACK_DEFAULT_LINES = 10000 };

/* How a line is drawn. */
enum sb_kind {
	SB_MSG,	   /* someone's message */
	SB_OWN,	   /* a message of mine */
	SB_ACTION, /* a /me action (anyone's) */
	SB_NOTICE, /* join, leave, rename, server notices: dimmed */
	SB_ERROR,  /* errors and connection trouble */
	SB_INFO,   /* the client's own remarks (/help, completion lists) */
	SB_MARK,   /* the client's markers between lines: a day change, where history starts */
};

/* One logical line: display text already sanitized (valid UTF-8, no controls; '\n' only between the
 * rows of a multi-line message). Its prefix ("[HH:MM] <nick> ") is prefix_cols columns wide, the
 * indent of later rows; the nick, for colouring, is text[nick_off..+nick_len). */
struct sb_line {
	uint64_t seq; /* 1, 2, ... in order of arrival; never reused */
	enum sb_kind kind;
	bool mention; /* mentions my nick: highlighted, found by the mention search */
	bool history; /* replayed from a room's history (sent before we came in): dimmed */
	char *text;
	size_t len;
	size_t body_off; /* where the message text starts (what search looks at) */
	size_t nick_off, nick_len;
	size_t prefix_cols;
};

/* A ring of at most cap lines. The view follows the newest line, or is anchored: line `anchor` is
 * at the bottom of the pane with its last `skip` rows hidden below, so lines that arrive do not
 * move what the reader is looking at. */
struct scrollback {
	struct sb_line *ring;
	size_t cap, head, count; /* oldest line at ring[head] */
	uint64_t next_seq;
	bool following;
	uint64_t anchor;
	size_t skip;
	uint64_t seen; /* the newest seq that has been at the bottom of the view */
	uint64_t hit;  /* seq of the last search hit (drawn highlighted), 0 if none */
};

/* An empty store of at most cap lines (cap >= 1). */
void sb_init(struct scrollback *sb, size_t cap);
void sb_free(struct scrollback *sb);
/* Forget every line and follow the bottom again (/clear). */
void sb_clear(struct scrollback *sb);

/* Add a line (takes a copy of l->text), dropping the oldest when full; returns its seq. */
uint64_t sb_push(struct scrollback *sb, const struct sb_line *l);

/* Put a copy of l in the place of line seq, keeping seq and position; false if it is gone. */
bool sb_replace(struct scrollback *sb, uint64_t seq, const struct sb_line *l);

/* The i-th stored line, 0 = oldest; NULL if out of range. */
const struct sb_line *sb_at(const struct scrollback *sb, size_t i);
/* Index (for sb_at) of the line with this seq, or -1 if it is no longer stored. */
long sb_index(const struct scrollback *sb, uint64_t seq);

/* Columns that a line's later rows are indented by in a pane width columns wide. */
size_t sb_indent(const struct sb_line *l, size_t width);
/* Rows a line takes in a pane width columns wide. */
size_t sb_line_rows(const struct sb_line *l, size_t width);

/* The view's bottom: the line drawn lowest and how many of its rows are hidden; false if empty. */
bool sb_bottom(const struct scrollback *sb, size_t width, size_t *index, size_t *skip);

/* Scroll towards older lines by rows, until the oldest is at the top of a pane height rows high. */
void sb_scroll_up(struct scrollback *sb, size_t rows, size_t width, size_t height);
/* Scroll towards newer lines by rows; reaching the newest line follows it again. */
void sb_scroll_down(struct scrollback *sb, size_t rows, size_t width);
/* Show the oldest lines (the top of a pane height rows high). */
void sb_scroll_top(struct scrollback *sb, size_t width, size_t height);
/* Follow the newest line; everything is then seen. */
void sb_scroll_bottom(struct scrollback *sb);

/* The status bar's "N new": messages (not notices or the client's lines) that came while the
 * view was scrolled up and have not been at its bottom since; 0 while following. */
size_t sb_unseen(const struct scrollback *sb);

/* What a search found. */
enum sb_found {
	SB_NOT_FOUND = 0, /* no line matches: nothing moved */
	SB_FOUND,
	SB_FOUND_WRAPPED, /* found after going past the oldest (or newest) line to the other end */
};

/* Find the nearest conversation line older (older=true) or newer than the view's bottom line whose
 * body contains needle (ASCII case-insensitive), or that mentions me if needle is NULL, going round
 * from one end to the other. Found, the view is anchored there; else nothing moves. */
enum sb_found sb_search(struct scrollback *sb, const char *needle, bool older, size_t width,
			size_t height);

/* Whether text[0..n) mentions nick as a word (ASCII case-insensitive). */
bool sb_mentions(const char *text, size_t n, const char *nick);

#endif
