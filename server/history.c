/* SPDX-License-Identifier: ISC */
/* history.c - the lobby, where message ids resume, room transcripts (--log) read and written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "sys.h"
#include "text.h"
#include "translog.h"

#define ID_FILE_NAME "msgid"

struct load_ctx {
	struct server *s;
	uint64_t max_id;
	long loaded;
};

/* Rebuild one logged message as a MSG frame and keep it in its room's history. */
static void keep_loaded(const char *room, const struct logged_msg *m, void *arg)
{
	struct load_ctx *ctx = arg;
	struct server *s = ctx->s;
	struct room *r = room_find(&s->rooms, room, strlen(room));
	struct frame f = {.type = T_MSG};
	struct shbuf *b;

	if (r == NULL) {
		if (s->rooms.count >= MAX_ROOMS)
			return;
		r = room_create(&s->rooms, room, strlen(room));
	}
	f.f[MSG_ID].n = m->id;
	f.f[MSG_TIME].n = m->time_ms;
	f.f[MSG_TARGET].s = str_c(r->name);
	f.f[MSG_FROM].s = m->nick;
	f.f[MSG_FLAGS].n = m->flags;
	f.f[MSG_TEXT].s = m->text;
	b = output_encode(s, &f);
	if (b == NULL)
		return;
	room_keep(r, b, m->id);
	shbuf_unref(b);
	if (m->id > ctx->max_id)
		ctx->max_id = m->id;
	ctx->loaded++;
}

/* The id recorded in DIR/msgid (0 if none), opening it for later updates. */
static uint64_t open_id_file(struct server *s)
{
	char path[4096], line[32];
	struct stat st;
	uint64_t id = 0;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", s->cfg.log_dir, ID_FILE_NAME);
	/* Never blocking on a FIFO, nor following a link, as for the transcripts. */
	s->id_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0600);
	if (s->id_fd < 0) {
		log_warn("cannot open %s: %s; it is not used (ids still grow with the clock)", path,
			 strerror(errno));
		return 0;
	}
	if (fstat(s->id_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_warn("%s is not a regular file; it is not used (ids still grow with the clock)",
			 path);
		close(s->id_fd);
		s->id_fd = -1;
		return 0;
	}
	n = pread(s->id_fd, line, sizeof line - 1, 0);
	if (n > 0) {
		line[n] = '\0';
		id = strtoull(line, NULL, 10);
	}
	return id;
}

uint64_t history_last_id(uint64_t logged, uint64_t recorded, uint64_t now_us)
{
	uint64_t id = logged > recorded ? logged : recorded;

	return id > now_us ? id : now_us;
}

/* The wall clock in microseconds since the epoch (0 if it cannot be read). */
static uint64_t wall_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || ts.tv_sec < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int history_init(struct server *s, struct errmsg *e)
{
	struct load_ctx ctx = {.s = s};
	uint64_t recorded;
	long bad;

	s->id_fd = -1;
	s->rooms.history_cap = s->cfg.history;
	s->lobby = room_create(&s->rooms, DEFAULT_ROOM, strlen(DEFAULT_ROOM));
	classroom_rooms_init(s); /* before the transcripts: its history is longer */
	/*
	 * Ids start above the clock in microseconds and every id logged: a transcript may have
	 * lost lines or be new, and a resuming client must never be told an old id is new.
	 */
	if (s->cfg.log_dir == NULL) {
		s->next_msg_id = history_last_id(0, 0, wall_us());
		return 0;
	}
	if (mkdir(s->cfg.log_dir, 0700) < 0 && errno != EEXIST) {
		errmsg_set(e, "cannot create log directory %s: %s", s->cfg.log_dir,
			   strerror(errno));
		return -1;
	}
	bad = translog_load(s->cfg.log_dir, keep_loaded, &ctx, e);
	if (bad < 0)
		return -1;
	if (bad > 0)
		log_warn("skipped %ld unreadable transcript line(s) in %s", bad, s->cfg.log_dir);
	recorded = open_id_file(s);
	s->next_msg_id = history_last_id(ctx.max_id, recorded, wall_us());
	log_info("read %ld message(s) in %u room(s) from %s, the newest id %llu; ids continue "
		 "after %llu",
		 ctx.loaded, s->rooms.count, s->cfg.log_dir, (unsigned long long)ctx.max_id,
		 (unsigned long long)s->next_msg_id);
	return 0;
}

/*
 * Say what changed in r's transcript since the last report: it stopped taking lines (once), a
 * message went past the bound (once), or every waiting line reached it.
 */
static void report(struct room *r, enum translog_result res, uint64_t id)
{
	struct translog *tl = &r->log;

	if (tl->why != NULL && !tl->reported) {
		log_error("%s; %zu message(s) of %s are waiting in memory and will be written in "
			  "order when it can be written again",
			  tl->why, tl->pending_lines, r->name);
		tl->reported = true;
	}
	if (res == TL_DROPPED && tl->dropped == 1)
		log_error("%s: %d bytes are waiting, the most natterd keeps for one transcript; "
			  "message %llu and those after it while this lasts are not written to it "
			  "and will be missing after a restart",
			  tl->path, MAX_LOG_PENDING_BYTES, (unsigned long long)id);
	if (tl->why == NULL && tl->reported) {
		if (tl->dropped > 0)
			log_warn("%s is written again: %llu waiting message(s) reached it; %llu "
				 "others are missing from it",
				 tl->path, (unsigned long long)tl->delayed,
				 (unsigned long long)tl->dropped);
		else
			log_info("%s is written again: the %llu waiting message(s) reached it",
				 tl->path, (unsigned long long)tl->delayed);
		tl->reported = false;
		tl->delayed = 0;
		tl->dropped = 0;
	}
}

void history_log(struct server *s, struct room *r, const struct frame *m)
{
	struct logged_msg lm = {
	    .id = m->f[MSG_ID].n,
	    .time_ms = m->f[MSG_TIME].n,
	    .flags = (uint8_t)m->f[MSG_FLAGS].n,
	    .nick = m->f[MSG_FROM].s,
	    .text = m->f[MSG_TEXT].s,
	};
	struct errmsg e;

	if (s->cfg.log_dir == NULL)
		return;
	if (r->log.path == NULL && translog_init(&r->log, s->cfg.log_dir, r->name, &e) < 0) {
		log_error("%s; messages in %s are not written to a transcript", e.text, r->name);
		return;
	}
	report(r, translog_append(&r->log, &lm), lm.id);
}

void history_retry(struct server *s)
{
	for (uint32_t i = 0; i < s->rooms.count; i++) {
		struct room *r = s->rooms.list[i];

		if (r->log.pending_lines > 0) {
			translog_flush(&r->log);
			report(r, TL_WRITTEN, 0);
		}
	}
}

void history_cleanup(struct server *s)
{
	for (uint32_t i = 0; i < s->rooms.count; i++) {
		struct room *r = s->rooms.list[i];

		if (r->log.pending_lines > 0 && translog_flush(&r->log) > 0)
			log_error("stopping with %zu message(s) of %s not written to %s; they are "
				  "missing from it: %s",
				  r->log.pending_lines, r->name, r->log.path,
				  r->log.why != NULL ? r->log.why : "it could not be written");
	}
	rooms_free(&s->rooms);
	nicks_free(&s->nicks);
	if (s->id_fd >= 0)
		close(s->id_fd);
	s->id_fd = -1;
}
