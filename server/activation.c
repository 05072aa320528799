/* SPDX-License-Identifier: ISC */
/* activation.c - sockets passed by a service manager (systemd's LISTEN_FDS protocol). */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "sys.h"

enum { LISTEN_FDS_START = 3 }; /* SD_LISTEN_FDS_START: the first passed descriptor */

/* What a descriptor that is not a socket is, for the refusal sentence. */
static const char *fd_kind(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errno == EBADF ? "not open" : "not inspectable";
	switch (st.st_mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a pipe";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	default: return "not a socket";
	}
}

/* " UNIX", "n IPv4" ...: the family, after "a". */
static const char *family_name(int family)
{
	switch (family) {
	case AF_UNIX: return " UNIX";
	case AF_INET: return "n IPv4";
	case AF_INET6: return "n IPv6";
	default: return " non-UNIX, non-IP";
	}
}

static const char *type_name(int type)
{
	switch (type) {
	case SOCK_STREAM: return "stream";
	case SOCK_DGRAM: return "datagram";
	case SOCK_SEQPACKET: return "seqpacket";
	default: return "raw or other";
	}
}

/* The name of the i-th passed descriptor from LISTEN_FDNAMES ("a:b:c"), or "" if none. */
static void fd_name(const char *names, int i, char *out, size_t cap)
{
	const char *p = names;
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return;
	for (; i > 0; i--) {
		p = strchr(p, ':');
		if (p == NULL)
			return;
		p++;
	}
	n = strcspn(p, ":");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* A listening UNIX stream socket: the chat listener, on a path we did not create. */
static int take_unix(struct server *s, int fd, const char *label, const struct sockaddr_storage *ss,
		     socklen_t len, struct errmsg *e)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t plen = len > off ? len - off : 0;
	char path[sizeof sun->sun_path + 1];

	/* No file, no permissions: any local user could connect (addr.c refuses '@' too). */
	if (plen == 0 || sun->sun_path[0] == '\0') {
		errmsg_set(
		    e,
		    "%s is an abstract or unnamed UNIX socket, which any local user can reach; "
		    "pass a socket file instead (ListenStream=/run/natter/natter.sock)",
		    label);
		return -1;
	}
	snprintf(path, sizeof path, "%.*s", (int)strnlen(sun->sun_path, plen), sun->sun_path);
	listeners_add(s, fd, TR_UNIX, path);
	/* For logs and stats; unix_bound stays false: a path we did not make is never unlinked. */
	if (!s->cfg.unix_enabled) {
		s->cfg.unix_enabled = true;
		snprintf(s->cfg.socket_path, sizeof s->cfg.socket_path, "%s", path);
	}
	return 0;
}

/* A listening TCP socket: refused unless loopback or --allow-remote, as in listen.c. */
static int take_tcp(struct server *s, int fd, const char *label, const struct sockaddr_storage *ss,
		    struct errmsg *e)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	bool v4 = ss->ss_family == AF_INET;
	char where[ADDR_HOST_BYTES + 16];
	struct addr a = {.kind = ADDR_TCP};

	if (inet_ntop(ss->ss_family,
		      v4 ? (const void *)&in4->sin_addr : (const void *)&in6->sin6_addr, a.host,
		      sizeof a.host) == NULL)
		snprintf(a.host, sizeof a.host, "?");
	snprintf(a.port, sizeof a.port, "%u", (unsigned)ntohs(v4 ? in4->sin_port : in6->sin6_port));
	addr_format(&a, where, sizeof where);
	/* No encryption, no passwords: loopback only unless the admin says otherwise. */
	if (!s->cfg.allow_remote && !sockaddr_is_loopback((const struct sockaddr *)ss)) {
		errmsg_set(e,
			   "refusing %s on TCP %s, which is not a loopback address: natter has no "
			   "encryption or passwords; add --allow-remote if you really mean it",
			   label, where);
		return -1;
	}
	listeners_add(s, fd, TR_TCP, where);
	return 0;
}

/*
 * Classify one passed descriptor and take it as a listener or the control
 * socket. Returns 0, or -1 with a sentence naming the descriptor in e.
 */
static int take_one(struct server *s, int fd, const char *name, struct errmsg *e)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int type, listening;
	socklen_t olen = sizeof type;
	char label[96]; /* "fd N (NAME)": NAME is cut to 63 bytes where it is read */

	snprintf(label, sizeof label, "fd %d%s%.63s%s", fd, name[0] ? " (" : "", name,
		 name[0] ? ")" : "");
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &olen) < 0) {
		errmsg_set(e,
			   "%s passed by the service manager is %s, not a socket; check the unit's "
			   "Listen= lines",
			   label,
			   errno == ENOTSOCK || errno == EBADF ? fd_kind(fd) : strerror(errno));
		return -1;
	}
	memset(&ss, 0, sizeof ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		errmsg_set(e, "cannot read the address of %s passed by the service manager: %s",
			   label, strerror(errno));
		return -1;
	}
	olen = sizeof listening;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &olen) < 0)
		listening = 0;
	if (fd_nonblock_cloexec(fd) < 0) {
		errmsg_set(e, "cannot make %s non-blocking: %s", label, strerror(errno));
		return -1;
	}
	if (ss.ss_family == AF_UNIX && type == SOCK_DGRAM) {
		if (s->ctl_fd_passed >= 0) {
			errmsg_set(
			    e,
			    "%s is a second UNIX datagram socket; natterd takes one control socket",
			    label);
			return -1;
		}
		s->ctl_fd_passed = fd;
		log_info("using %s as the control socket", label);
		return 0;
	}
	if (type != SOCK_STREAM || !listening ||
	    (ss.ss_family != AF_UNIX && ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
		errmsg_set(e,
			   "%s passed by the service manager is a%s %s socket%s; natterd takes "
			   "listening UNIX or TCP stream sockets and one UNIX datagram socket",
			   label, family_name(ss.ss_family), type_name(type),
			   type == SOCK_STREAM && !listening
			       ? " that is not listening (Accept=yes?)"
			       : "");
		return -1;
	}
	if (s->nlisteners == MAX_LISTENERS) {
		errmsg_set(e, "%s is more than the %d listening sockets natterd takes", label,
			   MAX_LISTENERS);
		return -1;
	}
	if ((ss.ss_family == AF_UNIX ? take_unix(s, fd, label, &ss, len, e)
				     : take_tcp(s, fd, label, &ss, e)) < 0)
		return -1;
	log_info("using %s: listening on %s%s", label,
		 s->listeners[s->nlisteners - 1].transport == TR_TCP ? "tcp " : "",
		 s->listeners[s->nlisteners - 1].where);
	return 0;
}

int activation_take(struct server *s, struct errmsg *e)
{
	const char *pid_env = getenv("LISTEN_PID");
	const char *fds_env = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	uint64_t pid, n;
	int rc = 0;

	if (pid_env == NULL || fds_env == NULL)
		return 0;
	if (!parse_u64(pid_env, 1, UINT32_MAX, &pid) || pid != (uint64_t)getpid()) {
		log_debug("LISTEN_PID=%s is not this process (%ld); binding as usual", pid_env,
			  (long)getpid());
		return 0;
	}
	if (!parse_u64(fds_env, 0, MAX_PASSED_FDS, &n)) {
		errmsg_set(e,
			   "LISTEN_FDS='%s' is not a number of sockets from 0 to %d; check the "
			   "service manager's socket unit",
			   fds_env, MAX_PASSED_FDS);
		return -1;
	}
	if (n > 0) {
		/* What we listen on is exactly what was passed: fill these in from it. */
		s->cfg.unix_enabled = false;
		s->cfg.socket_path[0] = '\0';
	}
	for (int i = 0; i < (int)n && rc == 0; i++) {
		char name[64];

		fd_name(names, i, name, sizeof name);
		rc = take_one(s, LISTEN_FDS_START + i, name, e);
	}
	/* Taken: a child of ours must not believe they are meant for it. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (rc < 0 || n == 0)
		return rc;
	if (s->nlisteners == 0) {
		errmsg_set(e, "the service manager passed no listening stream socket, so nobody "
			      "could connect; add a ListenStream= line to the socket unit");
		return -1;
	}
	log_info("using %d socket%s passed by the service manager", (int)n, n == 1 ? "" : "s");
	return (int)n;
}

void activation_close(struct server *s)
{
	if (s->ctl_fd_passed >= 0 && close(s->ctl_fd_passed) < 0)
		log_warn("closing the passed control socket: %s", strerror(errno));
	s->ctl_fd_passed = -1;
}
