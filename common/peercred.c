/* peercred.c - SO_PEERCRED, SCM_CREDENTIALS and login names; the one file that needs _GNU_SOURCE. */
#define _GNU_SOURCE /* struct ucred */
#include "peercred.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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
