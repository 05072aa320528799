/* SPDX-License-Identifier: ISC */
/* autostart.h - start natterd in the background when nobody answers on the default socket. */
#ifndef NATTER_AUTOSTART_H
#define NATTER_AUTOSTART_H

#include <stdbool.h>
#include <sys/types.h>

#include "addr.h"
#include "core.h"
#include "errmsg.h"

/*
 * Connect c to a; if no server is there and allowed is set (a is the default socket), start
 * natterd detached, as tmux does, and retry for 3 s. 0, or -1 with e. note says
 * whether natterd was started, *started its pid (even if it never answered), else 0.
 */
int autostart_connect(struct core *c, const struct addr *a, const char *nick, bool allowed,
		      struct errmsg *note, pid_t *started, struct errmsg *e);

/* For natter's last words: if the natterd it started still runs, true and a sentence in say. */
bool autostart_farewell(pid_t pid, const char *sock, struct errmsg *say);

#endif
