/* SPDX-License-Identifier: ISC */
/* addr.h - where natter listens and connects: UNIX paths, TCP host:port, the private socket dir. */
#ifndef NATTER_ADDR_H
#define NATTER_ADDR_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "errmsg.h"

enum { ADDR_HOST_BYTES = 256, ADDR_PORT_BYTES = 8, ADDR_PATH_BYTES = 4096 };

#define SOCKET_FILE_NAME "natter.sock"

enum addr_kind { ADDR_UNIX, ADDR_TCP };

/* A parsed address, before name resolution. */
struct addr {
	enum addr_kind kind;
	char path[ADDR_PATH_BYTES]; /* ADDR_UNIX */
	char host[ADDR_HOST_BYTES]; /* ADDR_TCP: numeric or name, no brackets */
	char port[ADDR_PORT_BYTES]; /* ADDR_TCP: decimal 1-65535 */
};

/* Parse "[HOST:]PORT" or "[V6ADDR]:PORT" (no host: default_host); -1 with a sentence in e. */
int addr_parse_tcp(const char *spec, const char *default_host, struct addr *a, struct errmsg *e);

/* Fill a for a UNIX path; -1 if the path is empty, abstract (@...) or too long. */
int addr_set_unix(struct addr *a, const char *path, struct errmsg *e);

/* Fill a sockaddr_un; -1 if the path does not fit in sun_path (never truncate). */
int addr_sockaddr_un(const char *path, struct sockaddr_un *sun, socklen_t *len, struct errmsg *e);

/* Human form: the path, "127.0.0.1:7000" or "[::1]:7000". */
void addr_format(const struct addr *a, char *out, size_t cap);

/* The private socket directory: $XDG_RUNTIME_DIR/natter, or /tmp/natter-UID; -1 if too long. */
int sockdir_default(char *out, size_t cap, struct errmsg *e);

/*
 * Make sure dir (created 0700 if create) is a real directory owned by the
 * effective uid, closed to others; -1 with a sentence naming the fix.
 */
int sockdir_check(const char *dir, bool create, struct errmsg *e);

/* The default socket path (sockdir_default + "/natter.sock"), dir checked. */
int sockpath_default(char *out, size_t cap, bool create, struct errmsg *e);

/*
 * The socket a client uses: given (--socket), else $NATTER_SOCKET, else the
 * default path, whose directory may be missing (no server runs yet).
 */
int sockpath_client(const char *given, char *out, size_t cap, struct errmsg *e);

/* Connect a stream socket to a (blocking): the fd, or -1 with errno and a sentence in e. */
int addr_connect(const struct addr *a, struct errmsg *e);

/*
 * Catch a fake server on a connected UNIX socket: its uid must be want_uid, or (-1) root's or
 * the socket directory owner's, unless anyone may write there (/tmp), where that proves nothing.
 */
int addr_check_server(int fd, const char *path, long want_uid, struct errmsg *e);

/* What path is if it exists but is no socket ("a directory", ...), else NULL. */
const char *path_nonsocket_kind(const char *path);

/* Whether a socket address is loopback (127.0.0.0/8, ::1, v4-mapped loopback). */
bool sockaddr_is_loopback(const struct sockaddr *sa);

#endif
