/* SPDX-License-Identifier: ISC */
/* tui_int.h - what the full-screen front end's files share (not for other modules). */
#ifndef NATTER_TUI_INT_H
#define NATTER_TUI_INT_H

#include <stddef.h>

#include "event.h"
#include "input.h"
#include "proto.h"
#include "tui.h"

/* The core's event callback (tui_events.c); ctx is the struct tui. */
void tui_on_event(void *ctx, const struct event *ev);
/* The connection is gone: messages not yet confirmed say so (tui_events.c). */
void tui_sending_lost(struct tui *t);
/* Forget the messages not yet confirmed (tui_free). */
void tui_sending_free(struct tui *t);
/* Refresh the status bar's fields from the core and the reconnect state. */
void tui_status_update(struct tui *t);

/* Readline's callbacks into the front end (tui_commands.c). */
extern const struct input_ops tui_input_ops;
/* Quit: politely (QUIT, then wait for BYE) if connected, at once if not. */
void tui_quit(struct tui *t, struct str reason);
/* /reconnect: try now, also after a kick held us off. */
void tui_reconnect_now(struct tui *t);

/* Growable arrays of strings. */
void tui_push_string(char ***v, size_t *len, size_t *cap, const char *s, size_t n);
void tui_free_strings(char **v, size_t *len);

#endif
