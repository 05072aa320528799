/* history.c - at startup: the lobby, transcripts read back (--log), where message ids resume. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	b = chat_encode(s, &f);
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
	uint64_t id = 0;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", s->cfg.log_dir, ID_FILE_NAME);
	s->id_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->id_fd < 0) {
		log_error("cannot open %s: %s; private message ids may repeat after a restart",
			  path, strerror(errno));
		return 0;
	}
	n = pread(s->id_fd, line, sizeof line - 1, 0);
	if (n > 0) {
		line[n] = '\0';
		id = strtoull(line, NULL, 10);
	}
	return id;
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
	if (s->cfg.log_dir == NULL) {
		/*
		 * Without transcripts nothing remembers the last id: start from the
		 * clock in microseconds, so ids still grow across restarts and a
		 * resuming client is never told an old id is new.
		 */
		s->next_msg_id = wall_ms() * 1000;
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
	s->next_msg_id = ctx.max_id > recorded ? ctx.max_id : recorded;
	log_info("read %ld message(s) in %u room(s) from %s; ids continue after %llu", ctx.loaded,
		 s->rooms.count, s->cfg.log_dir, (unsigned long long)s->next_msg_id);
	return 0;
}

void history_cleanup(struct server *s)
{
	rooms_free(&s->rooms);
	nicks_free(&s->nicks);
	if (s->id_fd >= 0)
		close(s->id_fd);
	s->id_fd = -1;
}
