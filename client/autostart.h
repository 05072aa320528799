/* SPDX-License-Identifier: ISC */
/* autostart.h - start natterd in the background when nobody answers on the default socket. */
#ifndef NATTER_AUTOSTART_H
#define NATTER_AUTOSTART_H

#include <stdbool.h>
#include <sys/types.h>

#include "addr.h"
#include "core.h"
#include "errmsg.h"

enum { AUTOSTART_RETRY_MS = 50, AUTOSTART_WAIT_MS = 3000 };

#define SERVER_LOG_NAME "natterd.log"

/*
 * Connect c to a. If that finds no server (ENOENT, ECONNREFUSED) and allowed
 * is set (a must then be the default socket), start natterd detached, as tmux
 * does, and retry every AUTOSTART_RETRY_MS for up to AUTOSTART_WAIT_MS.
 * Returns 0 or -1 with a sentence in e; when a server was started, note says
 * so ("started natterd on ... (log: ...)"), otherwise note is empty;
 * *started is the pid of the natterd started (even if it never answered),
 * else 0.
 */
int autostart_connect(struct core *c, const struct addr *a, const char *nick, bool allowed,
		      struct errmsg *note, pid_t *started, struct errmsg *e);

/*
 * For natter's last words: if the natterd it started (pid, on sock) still
 * runs, one sentence in say naming it and how to stop it, and true.
 */
bool autostart_farewell(pid_t pid, const char *sock, struct errmsg *say);

#endif
