/* teach.h - the classroom commands (/announce, /slow, /mute, /kick, /hand, /hands) as requests. */
#ifndef NATTER_TEACH_H
#define NATTER_TEACH_H

#include "commands.h"
#include "core.h"

/*
 * Send the request a classroom command means (PROTOCOL.md 3.10). The
 * server decides who may: a student's /announce comes back as an ERROR.
 * Returns 0, or -1 with a sentence in e (a malformed argument, not connected).
 */
int teach_exec(struct core *c, const struct command *cmd, struct errmsg *e);

#endif
