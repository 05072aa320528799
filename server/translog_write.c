/* SPDX-License-Identifier: ISC */
/* translog_write.c - appending to transcripts; lines a full disk refuses wait, in order. */
#include "translog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Capacity of the waiting-lines buffer kept once it is empty again (a few long lines). */
enum { PENDING_KEEP_BYTES = 64 * 1024 };

int translog_init(struct translog *tl, const char *dir, const char *room, struct errmsg *e)
{
	char path[4096];
	int n;

	/* Room names are '#' and [A-Za-z0-9_.-]: safe as a file name, lowercased. */
	n = snprintf(path, sizeof path, "%s/", dir);
	for (const char *p = room + 1; *p != '\0' && n > 0 && (size_t)n < sizeof path - 5; p++)
		path[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	if (n < 0 || (size_t)n >= sizeof path - 5) {
		errmsg_set(e, "log directory name %s is too long", dir);
		return -1;
	}
	memcpy(path + n, ".log", 5);
	free(tl->path);
	tl->path = xstrdup(path);
	return 0;
}

/* Remember why the transcript cannot be written (a sentence naming it), or forget it (NULL). */
static void set_why(struct translog *tl, const char *text)
{
	free(tl->why);
	tl->why = text != NULL ? xstrdup(text) : NULL;
}

/* What a sysadmin can do about a failed write or open. */
static const char *fix_for(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT: return "free some space on its filesystem";
	case EFBIG: return "raise the file size limit (ulimit -f) natterd runs under";
	case EACCES:
	case EPERM:
	case EROFS: return "let natterd's user write it";
	default: return "check the disk";
	}
}

/* Remember a failed system call on tl's file: "cannot VERB PATH: REASON; FIX". */
static void set_why_errno(struct translog *tl, const char *verb, int err)
{
	char text[ERRMSG_BYTES];

	snprintf(text, sizeof text, "cannot %s %s: %s; %s", verb, tl->path, strerror(err),
		 fix_for(err));
	set_why(tl, text);
}

/*
 * Open tl->path for appending without blocking (a FIFO would wait for a reader) or following a
 * link, and only if it is a regular file. A file that ends in the middle of a line gets a newline
 * first, so the next line is never glued onto a broken one. 0, or -1 with tl->why set.
 */
static int open_file(struct translog *tl)
{
	char text[ERRMSG_BYTES], last = '\n';
	struct stat st;
	int fd;

	fd =
	    open(tl->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == ELOOP) {
			snprintf(text, sizeof text,
				 "%s is a symbolic link; natterd does not follow links in its log "
				 "directory: put the file itself in its place",
				 tl->path);
			set_why(tl, text);
		} else {
			set_why_errno(tl, "open", errno);
		}
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(text, sizeof text,
			 "%s is not a regular file; natterd writes transcripts only to regular "
			 "files: move it out of the log directory",
			 tl->path);
		set_why(tl, text);
		close(fd);
		return -1;
	}
	errno = EIO; /* for a short read or write, which sets none */
	if (st.st_size > 0 && (pread(fd, &last, 1, st.st_size - 1) != 1 ||
			       (last != '\n' && write(fd, "\n", 1) != 1))) {
		set_why_errno(tl, "write", errno);
		close(fd);
		return -1;
	}
	tl->fd = fd;
	return 0;
}

size_t translog_flush(struct translog *tl)
{
	while (tl->pending.len > 0) {
		ssize_t w;
		size_t lines = 0;

		if (tl->fd < 0 && open_file(tl) < 0)
			break;
		w = write(tl->fd, tl->pending.data, tl->pending.len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* The rest of a torn line stays first: it completes that line. */
			set_why_errno(tl, "write", w < 0 ? errno : EIO);
			break;
		}
		for (ssize_t i = 0; i < w; i++)
			lines += tl->pending.data[i] == '\n';
		tl->pending_lines -= lines;
		buf_consume(&tl->pending, (size_t)w);
	}
	if (tl->pending.len == 0) {
		set_why(tl, NULL);
		/* A spell of waiting may have grown it to the bound: give that back. */
		if (tl->pending.cap > PENDING_KEEP_BYTES)
			buf_free(&tl->pending);
	}
	return tl->pending_lines;
}

enum translog_result translog_append(struct translog *tl, const struct logged_msg *m)
{
	size_t mark;

	/* Older waiting lines go first, and writing them may make room for this one. */
	if (tl->pending.len > 0)
		translog_flush(tl);
	mark = tl->pending.len;
	translog_format(m, &tl->pending);
	buf_append(&tl->pending, "\n", 1);
	if (mark > 0 && tl->pending.len > MAX_LOG_PENDING_BYTES) {
		tl->pending.len = mark;
		tl->dropped++;
		return TL_DROPPED;
	}
	tl->pending_lines++;
	if (mark > 0) {
		tl->delayed++;
		return TL_WAITING; /* the file just refused the older ones */
	}
	if (translog_flush(tl) == 0)
		return TL_WRITTEN;
	tl->delayed++;
	return TL_WAITING;
}

void translog_close(struct translog *tl)
{
	if (tl->fd >= 0)
		close(tl->fd);
	tl->fd = -1;
	buf_free(&tl->pending);
	tl->pending_lines = 0;
	free(tl->path);
	tl->path = NULL;
	set_why(tl, NULL);
}
