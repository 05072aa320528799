/* SPDX-License-Identifier: ISC */
/* words.h - where an event becomes words: one table, a column per form that shows them. */
#ifndef NATTER_WORDS_H
#define NATTER_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"

/* Who reads the words: each form has its own, pinned by tests and documented. */
enum words_form {
	WORDS_HEADLESS, /* natter's text lines: "[12:00:03] -!- bob joined #lobby (login bob)" */
	WORDS_LINE,	/* natterd's line mode: "12:00:03 #lobby -- bob (login bob) joined" */
	WORDS_SCREEN,	/* the full-screen client: "bob joined #lobby"; it adds stamp and colour */
	WORDS_FORMS
};

/* What the words depend on besides the event: who reads them (the screen form only). */
struct words_view {
	struct str room; /* the room the reader talks in: messages from others say where */
	bool again;	 /* WELCOME after a reconnect: "back: reconnected to" */
};

enum { CLOCK_BYTES = sizeof "HH:MM:SS" };

/* Local wall-clock time of ms (since the epoch) as HH:MM:SS. */
void words_clock(char out[CLOCK_BYTES], uint64_t ms);

/*
 * Append line i of ev's words in form, no newline; false (nothing appended)
 * when ev has no line i. Most events are one line; a listing (WHO, ROOMLIST)
 * may add one per entry. v may be NULL. The headless and line forms sanitize
 * every network string; the screen form leaves that to the screen, which
 * sanitizes whole lines, except in listings (sanitized as always).
 */
bool words_line(struct buf *out, enum words_form form, const struct event *ev,
		const struct words_view *v, size_t i);

/*
 * Append all of ev's lines: the line form ends each with a newline, the
 * others put one between lines. Nothing for an event the form does not show.
 */
void words_render(struct buf *out, enum words_form form, const struct event *ev,
		  const struct words_view *v);

#endif
