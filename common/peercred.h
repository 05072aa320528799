/* peercred.h - who is at the other end of a UNIX socket (SO_PEERCRED). */
#ifndef NATTER_PEERCRED_H
#define NATTER_PEERCRED_H

#include <stddef.h>
#include <sys/types.h>

/* The peer's uid, gid and pid as the kernel recorded them; -1 with errno if none. */
int peer_cred(int fd, uid_t *uid, gid_t *gid, pid_t *pid);

/* The login name for uid into out (cap bytes); "uid1234" if there is none. */
void login_name(uid_t uid, char *out, size_t cap);

#endif
