/* SPDX-License-Identifier: ISC */
/* addr.c - parsing, formatting and connecting natter addresses. */
#include "addr.h"

#include "peercred.h"
#include "sys.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_field(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

int addr_parse_tcp(const char *spec, const char *default_host, struct addr *a, struct errmsg *e)
{
	const char *host = default_host, *port = spec, *colon;
	size_t host_len = strlen(default_host);
	uint64_t port_number;

	memset(a, 0, sizeof *a);
	a->kind = ADDR_TCP;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || close[1] != ':') {
			errmsg_set(
			    e, "TCP address '%s' is malformed; write an IPv6 address as [::1]:PORT",
			    spec);
			return -1;
		}
		host = spec + 1;
		host_len = (size_t)(close - host);
		port = close + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		if (strchr(spec, ':') != colon) {
			errmsg_set(
			    e, "TCP address '%s' is ambiguous; write an IPv6 address as [::1]:PORT",
			    spec);
			return -1;
		}
		host = spec;
		host_len = (size_t)(colon - spec);
		port = colon + 1;
	}
	if (host_len == 0 || copy_field(a->host, sizeof a->host, host, host_len) < 0) {
		errmsg_set(e, "TCP address '%s' has an empty or overlong host name", spec);
		return -1;
	}
	if (!parse_u64(port, 1, 65535, &port_number) ||
	    copy_field(a->port, sizeof a->port, port, strlen(port)) < 0) {
		errmsg_set(e, "TCP port '%s' is not a number from 1 to 65535", port);
		return -1;
	}
	return 0;
}

int addr_set_unix(struct addr *a, const char *path, struct errmsg *e)
{
	struct sockaddr_un sun;
	socklen_t len;

	memset(a, 0, sizeof *a);
	a->kind = ADDR_UNIX;
	if (path[0] == '\0') {
		errmsg_set(e,
			   "the socket path is empty; give a file path such as /tmp/natter.sock");
		return -1;
	}
	if (path[0] == '@') {
		errmsg_set(e,
			   "socket path '%s' names the abstract namespace, which file permissions "
			   "do not protect; use a file path",
			   path);
		return -1;
	}
	if (addr_sockaddr_un(path, &sun, &len, e) < 0)
		return -1;
	return copy_field(a->path, sizeof a->path, path, strlen(path));
}

int addr_sockaddr_un(const char *path, struct sockaddr_un *sun, socklen_t *len, struct errmsg *e)
{
	size_t n = strlen(path);

	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (n >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		errmsg_set(e,
			   "socket path '%s' is %zu bytes, longer than the %zu a UNIX socket "
			   "allows; choose a shorter path",
			   path, n, sizeof sun->sun_path - 1);
		return -1;
	}
	memcpy(sun->sun_path, path, n + 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

void addr_format(const struct addr *a, char *out, size_t cap)
{
	if (a->kind == ADDR_UNIX)
		snprintf(out, cap, "%s", a->path);
	else if (strchr(a->host, ':') != NULL)
		snprintf(out, cap, "[%s]:%s", a->host, a->port);
	else
		snprintf(out, cap, "%s:%s", a->host, a->port);
}

int sockdir_default(char *out, size_t cap, struct errmsg *e)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, cap, "%s/natter", xdg);
	else
		n = snprintf(out, cap, "/tmp/natter-%lu", (unsigned long)geteuid());
	if (n < 0 || (size_t)n >= cap) {
		errmsg_set(e, "the socket directory name is too long; set XDG_RUNTIME_DIR to a "
			      "shorter path or use --socket");
		return -1;
	}
	return 0;
}

int sockdir_check(const char *dir, bool create, struct errmsg *e)
{
	struct stat st;

	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		errmsg_set(e, "cannot create socket directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) < 0) {
		int saved = errno;

		if (saved == ENOENT)
			errmsg_set(e,
				   "no natter server is running for you (socket directory %s does "
				   "not exist); start one with 'natterd'",
				   dir);
		else
			errmsg_set(e, "cannot use socket directory %s: %s", dir, strerror(saved));
		errno = saved;
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		errmsg_set(
		    e,
		    "socket directory %s is a symbolic link, which natter never follows; remove it",
		    dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errmsg_set(e, "socket directory %s is not a directory; remove it or use --socket",
			   dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		errmsg_set(e,
			   "socket directory %s belongs to uid %lu, not to you (uid %lu); someone "
			   "may be impersonating the server, so remove it or use --socket",
			   dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		errmsg_set(
		    e, "socket directory %s has mode %04o, open to other users; run 'chmod 700 %s'",
		    dir, (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/* The socket file in dir; -1 with a sentence if the path would not fit. */
static int socket_in(const char *dir, char *out, size_t cap, struct errmsg *e)
{
	int n = snprintf(out, cap, "%s/%s", dir, SOCKET_FILE_NAME);

	if (n >= 0 && (size_t)n < cap)
		return 0;
	errmsg_set(e, "the socket path in %s is too long; use --socket", dir);
	return -1;
}

int sockpath_default(char *out, size_t cap, bool create, struct errmsg *e)
{
	char dir[ADDR_PATH_BYTES];

	if (sockdir_default(dir, sizeof dir, e) < 0 || sockdir_check(dir, create, e) < 0)
		return -1;
	return socket_in(dir, out, cap, e);
}

int sockpath_client(const char *given, char *out, size_t cap, struct errmsg *e)
{
	const char *env = getenv("NATTER_SOCKET");
	char dir[ADDR_PATH_BYTES];
	struct stat st;
	int n;

	if (given == NULL && env != NULL && env[0] != '\0')
		given = env;
	if (given != NULL) {
		n = snprintf(out, cap, "%s", given);
		if (n < 0 || (size_t)n >= cap) {
			errmsg_set(e, "socket path %.64s... is too long", given);
			return -1;
		}
		return 0;
	}
	if (sockpath_default(out, cap, false, e) == 0)
		return 0;
	if (sockdir_default(dir, sizeof dir, e) < 0 || lstat(dir, &st) == 0 || errno != ENOENT)
		return -1;
	return socket_in(dir, out, cap, e);
}

const char *path_nonsocket_kind(const char *path)
{
	struct stat st;

	/* stat, not lstat: connect follows a symbolic link to a socket. */
	if (stat(path, &st) < 0 || S_ISSOCK(st.st_mode))
		return NULL;
	if (S_ISDIR(st.st_mode))
		return "a directory";
	if (S_ISREG(st.st_mode))
		return "a regular file";
	if (S_ISFIFO(st.st_mode))
		return "a FIFO";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "a device";
	return "a special file";
}

/* The sentence for a refused connect to path; true if something other than a socket is there. */
static bool say_no_server(const char *path, struct errmsg *e)
{
	const char *kind = path_nonsocket_kind(path);

	if (kind != NULL && strcmp(kind, "a directory") == 0)
		errmsg_set(e,
			   "%s is a directory, not a socket; give the socket file inside it, "
			   "such as --socket %s/%s",
			   path, path, SOCKET_FILE_NAME);
	else if (kind != NULL)
		errmsg_set(e,
			   "%s is %s, not a socket, so no natter server can be there; give the "
			   "path of natterd's socket",
			   path, kind);
	else
		errmsg_set(e,
			   "no natter server is running at %s; start one with 'natterd --socket "
			   "%s'",
			   path, path);
	return kind != NULL;
}

static int connect_unix(const char *path, struct errmsg *e)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd, saved;

	if (addr_sockaddr_un(path, &sun, &len, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errmsg_set(e, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	while (connect(fd, (struct sockaddr *)&sun, len) < 0) {
		if (errno == EINTR)
			continue;
		saved = errno;
		if (saved == ENOENT || saved == ECONNREFUSED) {
			/* Something else there is not "nobody there": autostart must not try. */
			if (say_no_server(path, e))
				saved = ENOTSOCK;
		} else if (saved == EACCES)
			errmsg_set(
			    e,
			    "permission denied connecting to %s: the socket's mode and group, "
			    "or a directory on the way, keep you out; ask the server's owner "
			    "(natterd --mode 0660, a group you are in, and a directory you "
			    "may enter)",
			    path);
		else
			errmsg_set(e, "cannot connect to %s: %s", path, strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int connect_tcp(const struct addr *a, struct errmsg *e)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	int fd = -1, rc, saved = ECONNREFUSED;
	char where[ADDR_HOST_BYTES + 16];

	addr_format(a, where, sizeof where);
	rc = getaddrinfo(a->host, a->port, &hints, &res);
	if (rc != 0) {
		errmsg_set(e, "cannot resolve %s: %s", where, gai_strerror(rc));
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		while ((rc = connect(fd, ai->ai_addr, ai->ai_addrlen)) < 0 && errno == EINTR)
			;
		if (rc == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		/* natterd's --tcp PORT means 127.0.0.1: any other host is named. */
		if (saved == ECONNREFUSED)
			errmsg_set(e,
				   "no natter server is listening on %s; start one with 'natterd "
				   "--tcp %s'",
				   where, strcmp(a->host, "127.0.0.1") == 0 ? a->port : where);
		else
			errmsg_set(e, "cannot connect to %s: %s", where, strerror(saved));
		errno = saved;
	}
	return fd;
}

int addr_connect(const struct addr *a, struct errmsg *e)
{
	return a->kind == ADDR_UNIX ? connect_unix(a->path, e) : connect_tcp(a, e);
}

int addr_check_server(int fd, const char *path, long want_uid, struct errmsg *e)
{
	char dir[ADDR_PATH_BYTES], who[64], owner[64];
	const char *slash = strrchr(path, '/');
	struct stat st;
	uid_t uid;
	gid_t gid;
	pid_t pid;

	if (peer_cred(fd, &uid, &gid, &pid) < 0) {
		errmsg_set(e, "cannot tell who runs the server at %s: %s", path, strerror(errno));
		return -1;
	}
	login_name(uid, who, sizeof who);
	if (want_uid >= 0) {
		if ((long)uid == want_uid)
			return 0;
		login_name((uid_t)want_uid, owner, sizeof owner);
		errmsg_set(e,
			   "the server at %s runs as %s (uid %lu), not %s (uid %ld) as "
			   "--server-uid asks; it may be an impostor",
			   path, who, (unsigned long)uid, owner, want_uid);
		return -1;
	}
	/* The socket's directory: "." for a bare name, "/" for one in the root. */
	snprintf(dir, sizeof dir, "%.*s", slash == NULL || slash == path ? 1 : (int)(slash - path),
		 slash == NULL ? "." : path);
	if (stat(dir, &st) < 0) {
		errmsg_set(e, "cannot inspect %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((st.st_mode & S_IWOTH) != 0 || uid == 0 || uid == st.st_uid)
		return 0;
	login_name(st.st_uid, owner, sizeof owner);
	errmsg_set(e,
		   "the server at %s runs as %s (uid %lu), but %s belongs to %s (uid %lu): it may "
		   "be an impostor; if you trust it, add --server-uid %lu",
		   path, who, (unsigned long)uid, dir, owner, (unsigned long)st.st_uid,
		   (unsigned long)uid);
	return -1;
}

bool sockaddr_is_loopback(const struct sockaddr *sa)
{
	/* Copied out, not cast: a struct sockaddr need not be aligned for the larger types. */
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in;

		memcpy(&in, sa, sizeof in);
		return (ntohl(in.sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;

		memcpy(&in6, sa, sizeof in6);
		return IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr) && in6.sin6_addr.s6_addr[12] == 127);
	}
	return sa->sa_family == AF_UNIX;
}
