/* SPDX-License-Identifier: ISC */
/* peercred.c - SO_PEERCRED, SCM_CREDENTIALS and login names: the one file that needs _GNU_SOURCE.
 */
#define _GNU_SOURCE /* struct ucred */
#include "peercred.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PEER_GROUPS_FIRST = 64 }; /* gids tried on the stack before asking for the real count */

int peer_cred(int fd, uid_t *uid, gid_t *gid, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	*uid = cred.uid;
	*gid = cred.gid;
	*pid = cred.pid;
	return 0;
}

static bool gid_listed(const gid_t *list, size_t n, gid_t group)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == group)
			return true;
	return false;
}

/* The supplementary groups the kernel recorded for fd's peer: 0, or -1 (ENOPROTOOPT: none kept). */
static int peer_groups_has(int fd, gid_t group, bool *member)
{
#ifdef SO_PEERGROUPS
	gid_t first[PEER_GROUPS_FIRST], *list = first;
	socklen_t len = sizeof first;
	int rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, list, &len);

	if (rc < 0 && errno == ERANGE) {
		/* len now holds the size needed. */
		list = malloc(len);
		if (list == NULL)
			return -1;
		rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, list, &len);
	}
	if (rc == 0)
		*member = gid_listed(list, len / sizeof(gid_t), group);
	if (list != first)
		free(list);
	return rc;
#else
	(void)fd, (void)group, (void)member;
	errno = ENOPROTOOPT;
	return -1;
#endif
}

/* The group database's groups of uid's login (with gid): 0, or -1. */
static int login_groups_has(uid_t uid, gid_t gid, gid_t group, bool *member)
{
	struct passwd *pw = getpwuid(uid);
	int n = PEER_GROUPS_FIRST;
	gid_t *list;

	*member = false;
	if (pw == NULL || pw->pw_name == NULL)
		return 0; /* no login: no supplementary groups to know of */
	for (int tries = 0; tries < 3; tries++) {
		int want = n;

		list = malloc((size_t)want * sizeof *list);
		if (list == NULL)
			return -1;
		if (getgrouplist(pw->pw_name, gid, list, &n) >= 0) {
			*member = gid_listed(list, (size_t)n, group);
			free(list);
			return 0;
		}
		free(list);
		if (n <= want)
			n = want * 2;
	}
	errno = ENOMEM;
	return -1;
}

int peer_in_group(int fd, gid_t group, bool *member)
{
	uid_t uid;
	gid_t gid;
	pid_t pid;

	*member = false;
	if (peer_cred(fd, &uid, &gid, &pid) < 0)
		return -1;
	*member = gid == group;
	if (*member || peer_groups_has(fd, group, member) == 0)
		return 0;
	return errno == ENOPROTOOPT ? login_groups_has(uid, gid, group, member) : -1;
}

void login_name(uid_t uid, char *out, size_t cap)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
		snprintf(out, cap, "%s", pw->pw_name);
	else
		snprintf(out, cap, "uid%lu", (unsigned long)uid);
}

int sock_passcred(int fd)
{
	int one = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
}

ssize_t recv_with_cred(int fd, void *buf, size_t cap, struct cred_dgram *d)
{
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr msg = {
	    .msg_name = &d->from,
	    .msg_namelen = sizeof d->from,
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = control.space,
	    .msg_controllen = sizeof control.space,
	};
	ssize_t n;

	memset(&d->from, 0, sizeof d->from);
	d->has_cred = false;
	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	d->from_len = msg.msg_namelen;
	d->truncated = (msg.msg_flags & MSG_TRUNC) != 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof cred);
			d->has_cred = true;
			d->uid = cred.uid;
			d->pid = cred.pid;
		}
	}
	return n;
}
