/* SPDX-License-Identifier: ISC */
/* bglog.c - a natterd started as a background job on a terminal logs to a file, not over it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"

/*
 * Whether stderr is a terminal on which another process group is in the
 * foreground: a job started with '&' from an interactive shell. A service
 * manager, a pipe or a file is left alone, and so is the foreground.
 */
static bool background_on_terminal(void)
{
	pid_t fg;

	if (!isatty(STDERR_FILENO) || getenv("LISTEN_FDS") != NULL)
		return false;
	fg = tcgetpgrp(STDERR_FILENO);
	return fg > 0 && fg != getpgrp();
}

/*
 * The log file's path: natterd.log in the private directory for the
 * default socket (where a natterd started by natter logs too), else the
 * socket's path plus ".log". -1 if there is no socket to put it beside.
 */
static int log_path(const struct config *cfg, char *out, size_t cap)
{
	char dir[ADDR_PATH_BYTES];
	struct errmsg e;
	int n;

	if (!cfg->unix_enabled)
		return -1;
	if (cfg->socket_path[0] != '\0') {
		n = snprintf(out, cap, "%s.log", cfg->socket_path);
	} else {
		/* Made now rather than when binding: the same checks, so any fault is said then. */
		if (sockdir_default(dir, sizeof dir, &e) < 0 || sockdir_check(dir, true, &e) < 0)
			return -1;
		n = snprintf(out, cap, "%s/natterd.log", dir);
	}
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Open path for appending: a regular file of ours, never through a symbolic link. */
static int open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return -1;
	}
	return fd;
}

int bglog_divert(const struct config *cfg)
{
	char path[ADDR_PATH_BYTES + 8];
	int logfd, tty;

	if (!background_on_terminal() || log_path(cfg, path, sizeof path) < 0)
		return -1;
	logfd = open_log(path);
	if (logfd < 0) {
		fprintf(stderr,
			"natterd: cannot open %s for the log (%s); logging here, on the terminal\n",
			path, strerror(errno));
		return -1;
	}
	tty = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (tty < 0 || dup2(logfd, STDERR_FILENO) < 0) {
		if (tty >= 0)
			close(tty);
		close(logfd);
		return -1;
	}
	close(logfd);
	dprintf(tty,
		"natterd: in the background, so logging to %s, not to this terminal (stop it "
		"with: natterctl%s%s shutdown)\n",
		path, cfg->socket_path[0] != '\0' ? " -s " : "", cfg->socket_path);
	return tty;
}
