/* peercred.c - SO_PEERCRED and login names; the one file that needs _GNU_SOURCE. */
#define _GNU_SOURCE /* struct ucred */
#include "peercred.h"

#include <pwd.h>
#include <stdio.h>
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
