/* SPDX-License-Identifier: ISC */
/* tracesink.c - where --trace output goes: a private file or stderr, each block written whole. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

enum { TRACE_FILE_MODE = 0600, TRACE_WRITE_WAIT_MS = 1000 };

int trace_sink_open(struct trace_sink *t, const char *path, struct errmsg *e)
{
	struct stat st;

	memset(t, 0, sizeof *t);
	if (path == NULL) {
		t->fd = STDERR_FILENO;
		snprintf(t->name, sizeof t->name, "standard error");
		return 0;
	}
	t->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, TRACE_FILE_MODE);
	if (t->fd < 0) {
		errmsg_set(e, "cannot open the trace file %s: %s%s", path, strerror(errno),
			   errno == ELOOP
			       ? " (a symbolic link is not followed; name the file itself)"
			       : "");
		return -1;
	}
	if (fstat(t->fd, &st) < 0 || (S_ISREG(st.st_mode) && st.st_uid != geteuid())) {
		errmsg_set(e,
			   "the trace file %s belongs to another user; a trace holds your chat, so "
			   "choose a file of your own",
			   path);
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	t->own_fd = true;
	snprintf(t->name, sizeof t->name, "%s", path);
	return 0;
}

void trace_sink_close(struct trace_sink *t)
{
	if (t->own_fd && t->fd >= 0)
		close(t->fd); /* the trace is written already; nothing to do if close fails */
	t->fd = -1;
	t->own_fd = false;
	buf_free(&t->buf);
}

const char *trace_sink_stamp(struct trace_sink *t)
{
	struct timespec ts = {0, 0};

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		ts.tv_sec = ts.tv_nsec = 0;
	trace_stamp(t->stamp, sizeof t->stamp, (int64_t)ts.tv_sec, ts.tv_nsec / 1000);
	return t->stamp;
}

int trace_write(struct trace_sink *t)
{
	size_t done = 0;

	while (!t->failed && done < t->buf.len) {
		ssize_t n = write(t->fd, t->buf.data + done, t->buf.len - done);
		struct pollfd pfd = {.fd = t->fd, .events = POLLOUT};

		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
			   poll(&pfd, 1, TRACE_WRITE_WAIT_MS) > 0) {
			continue; /* stderr may be a non-blocking pipe: wait a little, not forever
				   */
		} else {
			int saved = n < 0 ? errno : EIO;

			t->failed = true;
			t->error = saved;
			buf_clear(&t->buf);
			errno = saved;
			return -1;
		}
	}
	buf_clear(&t->buf);
	return 0;
}
