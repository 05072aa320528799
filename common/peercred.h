/* SPDX-License-Identifier: ISC */
/* peercred.h - who is at the other end of a UNIX socket (SO_PEERCRED). */
#ifndef NATTER_PEERCRED_H
#define NATTER_PEERCRED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* The peer's uid, gid and pid as the kernel recorded them; -1 with errno if none. */
int peer_cred(int fd, uid_t *uid, gid_t *gid, pid_t *pid);

/*
 * Whether fd's peer is in group: its gid, or a supplementary group the kernel recorded
 * (SO_PEERGROUPS), else the group database's. 0 with *member set, or -1 with errno.
 */
int peer_in_group(int fd, gid_t group, bool *member);

/* The login name for uid into out (cap bytes); "uid1234" if there is none. */
void login_name(uid_t uid, char *out, size_t cap);

/* Ask the kernel to attach the sender's credentials to every datagram fd receives. */
int sock_passcred(int fd);

/* One datagram received with its sender's credentials (SCM_CREDENTIALS, see sock_passcred). */
struct cred_dgram {
	struct sockaddr_un from; /* where to reply; see from_len */
	socklen_t from_len;	 /* no more than sizeof(sa_family_t): the sender has no address */
	bool has_cred;
	uid_t uid;
	pid_t pid;
	bool truncated; /* longer than the buffer: the rest was discarded */
};

/* recvmsg one datagram into buf (cap bytes), non-blocking; its length, or -1 with errno. */
ssize_t recv_with_cred(int fd, void *buf, size_t cap, struct cred_dgram *d);

#endif
