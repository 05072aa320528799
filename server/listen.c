/* SPDX-License-Identifier: ISC */
/* listen.c - opening the listening sockets: the UNIX path (safely) and loopback TCP. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "peercred.h"
#include "server.h"
#include "sys.h"

enum {
	LISTEN_BACKLOG = 511,
	LOCK_WAIT_MS = 5000, /* how long a starter waits for a racing one */
	LOCK_RETRY_MS = 20,
};

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Why PATH.lock could not be made. Permission to create it is about the directory, where natterd
 * must write the socket too, so that is named; a lock file already there that we may not open
 * (another user's, in a shared directory) is named instead.
 */
static void say_lock_failed(const char *lock_path, int err, struct errmsg *e)
{
	const char *slash = strrchr(lock_path, '/');
	int dir_len = slash == NULL ? 1 : slash == lock_path ? 1 : (int)(slash - lock_path);
	const char *dir = slash == NULL ? "." : lock_path;
	struct stat st;

	if ((err == EACCES || err == EPERM) && lstat(lock_path, &st) == 0)
		errmsg_set(e,
			   "cannot open lock file %s (it belongs to uid %lu): %s; remove it or "
			   "choose another --socket",
			   lock_path, (unsigned long)st.st_uid, strerror(err));
	else if (err == EACCES || err == EPERM || err == EROFS)
		errmsg_set(e,
			   "cannot create files in directory %.*s (%s): natterd needs to write "
			   "there for the socket and its lock file; choose a directory you can "
			   "write to with --socket",
			   dir_len, dir,
			   err == EROFS ? "read-only file system" : "permission denied");
	else
		errmsg_set(e, "cannot create lock file %s: %s", lock_path, strerror(err));
}

/*
 * Take PATH.lock so that racing starters run the probe-unlink-bind steps one
 * at a time. The lock file is removed once we listen, so a waiter may hold a
 * lock on a file that is no longer there: it checks and tries again.
 */
static int lock_take(const char *lock_path, struct errmsg *e)
{
	uint64_t deadline = mono_ms() + LOCK_WAIT_MS;

	for (;;) {
		struct stat held, now;
		int fd = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (fd < 0) {
			say_lock_failed(lock_path, errno, e);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (fstat(fd, &held) == 0 && stat(lock_path, &now) == 0 &&
			    held.st_ino == now.st_ino && held.st_dev == now.st_dev)
				return fd;
		} else if (errno != EWOULDBLOCK) {
			errmsg_set(e, "cannot lock %s: %s", lock_path, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		if (mono_ms() >= deadline) {
			errmsg_set(e,
				   "another natterd has held %s for %d s; is one stuck starting?",
				   lock_path, LOCK_WAIT_MS / 1000);
			return -1;
		}
		sleep_ms(LOCK_RETRY_MS);
	}
}

enum probe_result { PROBE_NONE, PROBE_STALE, PROBE_LIVE, PROBE_ERROR };

/*
 * Find out whether a server answers on path, a stream or a datagram socket (type). A non-blocking
 * connect never hangs: EAGAIN means a live server with a full backlog. A datagram connect succeeds
 * if a socket is bound there, and is refused for a file nobody holds, just like a stream one.
 */
static enum probe_result probe(const char *path, int type, pid_t *pid, struct errmsg *e)
{
	struct sockaddr_un sun;
	socklen_t len;
	struct stat st;
	int fd, rc;

	*pid = 0;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return PROBE_NONE;
		errmsg_set(e, "cannot inspect %s: %s", path, strerror(errno));
		return PROBE_ERROR;
	}
	if (!S_ISSOCK(st.st_mode)) {
		errmsg_set(e,
			   "%s exists and is %s, not a socket; natterd will not replace it, so "
			   "remove it or choose another %s",
			   path,
			   S_ISDIR(st.st_mode)	 ? "a directory"
			   : S_ISREG(st.st_mode) ? "a regular file"
						 : "a special file",
			   type == SOCK_DGRAM ? "--control" : "--socket");
		return PROBE_ERROR;
	}
	if (addr_sockaddr_un(path, &sun, &len, e) < 0)
		return PROBE_ERROR;
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errmsg_set(e, "cannot create a socket: %s", strerror(errno));
		return PROBE_ERROR;
	}
	rc = connect(fd, (struct sockaddr *)&sun, len);
	if (rc == 0 || errno == EAGAIN || errno == EINPROGRESS) {
		uid_t uid;
		gid_t gid;

		if (rc == 0 && (type != SOCK_STREAM || peer_cred(fd, &uid, &gid, pid) < 0))
			*pid = 0;
		close(fd);
		return PROBE_LIVE;
	}
	rc = errno;
	close(fd);
	if (rc == ECONNREFUSED)
		return PROBE_STALE;
	if (rc == ENOENT)
		return PROBE_NONE;
	errmsg_set(e, "cannot check for a server at %s: %s", path, strerror(rc));
	return PROBE_ERROR;
}

/* Bind (and for a stream, listen) under a umask: the socket file has its mode from birth. */
static int bind_unix(const char *path, int type, mode_t mode, struct errmsg *e)
{
	struct sockaddr_un sun;
	socklen_t len;
	mode_t old;
	int fd, rc, saved;

	if (addr_sockaddr_un(path, &sun, &len, e) < 0)
		return -1;
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errmsg_set(e, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	old = umask((mode_t)(~mode & 0777));
	rc = bind(fd, (struct sockaddr *)&sun, len);
	saved = errno;
	umask(old);
	if (rc < 0) {
		if (saved == EACCES)
			errmsg_set(e,
				   "permission denied creating %s; choose a directory you can "
				   "write to with --socket",
				   path);
		else
			errmsg_set(e, "cannot bind %s: %s", path, strerror(saved));
		close(fd);
		return -1;
	}
	if (type == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) < 0) {
		errmsg_set(e, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

void listeners_add(struct server *s, int fd, enum transport tr, const char *where)
{
	struct listener *l = &s->listeners[s->nlisteners++];

	l->fd = fd;
	l->transport = tr;
	snprintf(l->where, sizeof l->where, "%s", where);
}

/*
 * Claim path for a new socket of type (the caller holds the lock): a live server there is an error,
 * a stale socket file is replaced. Returns the bound descriptor, or -1 with a sentence in e.
 */
static int claim_path(const char *path, int type, mode_t mode, struct errmsg *e)
{
	const char *flag = type == SOCK_DGRAM ? "--control PATH (or --no-control)" : "--socket";
	pid_t pid;

	switch (probe(path, type, &pid, e)) {
	case PROBE_LIVE:
		if (pid > 0)
			errmsg_set(e,
				   "a natter server (pid %ld) is already running at %s; stop it "
				   "first or choose another --socket",
				   (long)pid, path);
		else
			errmsg_set(e,
				   "a natter server is already running at %s; stop it first or "
				   "choose another %s",
				   path, flag);
		errno = EADDRINUSE;
		return -1;
	case PROBE_STALE:
		log_info("removing stale socket %s left by a server that is gone", path);
		if (unlink(path) < 0 && errno != ENOENT) {
			errmsg_set(e, "cannot remove stale socket %s: %s", path, strerror(errno));
			return -1;
		}
		break;
	case PROBE_NONE: break;
	case PROBE_ERROR: return -1;
	}
	return bind_unix(path, type, mode, e);
}

/* The control socket, unless disabled or passed in: always mode 0600, the owner's alone. */
static int claim_control(struct server *s, struct errmsg *e)
{
	if (!s->cfg.control_enabled || s->ctl_fd_passed >= 0)
		return 0;
	s->ctl_fd = claim_path(s->cfg.control_path, SOCK_DGRAM, 0600, e);
	if (s->ctl_fd < 0)
		return -1;
	s->ctl_bound = true;
	return 0;
}

/*
 * Under PATH.lock (PATH: the chat socket, or with --no-unix the control
 * socket), claim the chat socket and then the control socket, so racing
 * starters run the probe-unlink-bind steps one at a time.
 */
static int open_unix(struct server *s, struct errmsg *e)
{
	const char *path = s->cfg.unix_enabled ? s->cfg.socket_path : s->cfg.control_path;
	char lock_path[ADDR_PATH_BYTES + 8];
	int lock_fd, rc = -1;

	if (snprintf(lock_path, sizeof lock_path, "%s.lock", path) >= (int)sizeof lock_path) {
		errmsg_set(e, "socket path %s is too long", path);
		return -1;
	}
	lock_fd = lock_take(lock_path, e);
	if (lock_fd < 0)
		return -1;
	if (s->cfg.unix_enabled) {
		int fd = claim_path(path, SOCK_STREAM, s->cfg.socket_mode, e);

		if (fd < 0)
			goto out;
		listeners_add(s, fd, TR_UNIX, path);
		s->unix_bound = true;
	}
	rc = claim_control(s, e);
out:
	/* Once we listen, the probe protects the path; the lock has done its job. */
	unlink(lock_path);
	close(lock_fd);
	return rc;
}

/* -1 with a sentence if an address of res is not loopback and --allow-remote is not given. */
static int refuse_remote(const struct config *cfg, const struct addrinfo *res, const char *where,
			 struct errmsg *e)
{
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if (!cfg->allow_remote && !sockaddr_is_loopback(ai->ai_addr)) {
			errmsg_set(
			    e,
			    "refusing to listen on %s, which is not a loopback address: natter has "
			    "no encryption or passwords; add --allow-remote if you really mean it",
			    where);
			return -1;
		}
	}
	return 0;
}

int listeners_check_tcp(const struct server *s, struct errmsg *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};

	for (int i = 0; i < s->cfg.ntcp; i++) {
		const struct addr *a = &s->cfg.tcp[i];
		char where[ADDR_HOST_BYTES + 16];
		struct addrinfo *res;
		int rc;

		if (getaddrinfo(a->host, a->port, &hints, &res) != 0)
			continue;
		addr_format(a, where, sizeof where);
		rc = refuse_remote(&s->cfg, res, where, e);
		freeaddrinfo(res);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int open_tcp_one(struct server *s, const struct addr *a, struct errmsg *e)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res, *ai;
	char where[ADDR_HOST_BYTES + 16];
	int rc, opened = 0;

	addr_format(a, where, sizeof where);
	rc = getaddrinfo(a->host, a->port, &hints, &res);
	if (rc != 0) {
		errmsg_set(e, "cannot resolve TCP address %s: %s", where, gai_strerror(rc));
		return -1;
	}
	if (refuse_remote(&s->cfg, res, where, e) < 0)
		goto fail;
	for (ai = res; ai != NULL && s->nlisteners < MAX_LISTENERS; ai = ai->ai_next) {
		int one = 1, fd;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			errmsg_set(e, "cannot create a TCP socket for %s: %s", where,
				   strerror(errno));
			goto fail;
		}
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
		    (ai->ai_family == AF_INET6 &&
		     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
		    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
			if (errno == EADDRINUSE)
				errmsg_set(e,
					   "TCP address %s is already in use; is another server "
					   "listening there?",
					   where);
			else
				errmsg_set(e, "cannot listen on TCP %s: %s", where,
					   strerror(errno));
			close(fd);
			goto fail;
		}
		listeners_add(s, fd, TR_TCP, where);
		opened++;
	}
	freeaddrinfo(res);
	return opened > 0 ? 0 : -1;
fail:
	freeaddrinfo(res);
	return -1;
}

int listeners_open(struct server *s, struct errmsg *e)
{
	if ((s->cfg.unix_enabled || (s->cfg.control_enabled && s->ctl_fd_passed < 0)) &&
	    open_unix(s, e) < 0)
		return -1;
	for (int i = 0; i < s->cfg.ntcp; i++)
		if (open_tcp_one(s, &s->cfg.tcp[i], e) < 0)
			return -1;
	for (int i = 0; i < s->nlisteners; i++)
		log_info("listening on %s%s", s->listeners[i].transport == TR_TCP ? "tcp " : "",
			 s->listeners[i].where);
	return 0;
}

void listeners_close(struct server *s)
{
	for (int i = 0; i < s->nlisteners; i++) {
		if (s->listeners[i].fd >= 0 && close(s->listeners[i].fd) < 0)
			log_warn("closing listener %s: %s", s->listeners[i].where, strerror(errno));
		s->listeners[i].fd = -1;
	}
	if (s->unix_bound) {
		if (unlink(s->cfg.socket_path) < 0 && errno != ENOENT)
			log_warn("cannot remove %s: %s", s->cfg.socket_path, strerror(errno));
		s->unix_bound = false;
	}
}
