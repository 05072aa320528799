/* teach.c - the classroom commands typed in any front end, turned into version 2 requests. */
#include "teach.h"

#include "commands.h"

/* /slow N [#ROOM]: the current room when none is named. */
static int exec_slow(struct core *c, struct str arg, struct errmsg *e)
{
	struct frame f = {.type = T_SLOW};
	uint32_t secs;
	struct str room;

	if (command_slow_args(arg, &secs, &room) < 0) {
		errmsg_set(
		    e, "use /slow N [#ROOM]: N seconds between a student's messages, 0 for off");
		return -1;
	}
	f.f[SLOW_ROOM].s = room.len > 0 ? room : str_c(core_room(c));
	f.f[SLOW_SECONDS].n = secs;
	return core_request(c, &f, e);
}

int teach_exec(struct core *c, const struct command *cmd, struct errmsg *e)
{
	struct frame f = {0};
	int op;

	switch (cmd->kind) {
	case CMD_ANNOUNCE:
		f.type = T_ANNOUNCE;
		f.f[ANNOUNCE_TEXT].s = cmd->arg;
		break;
	case CMD_SLOW: return exec_slow(c, cmd->arg, e);
	case CMD_MUTE:
	case CMD_UNMUTE:
		f.type = T_MUTE;
		f.f[MUTE_NICK].s = cmd->arg;
		f.f[MUTE_ON].n = cmd->kind == CMD_MUTE;
		break;
	case CMD_KICK:
		f.type = T_KICK;
		f.f[KICK_NICK].s = cmd->target;
		f.f[KICK_REASON].s = cmd->arg;
		break;
	case CMD_HAND:
	case CMD_HANDS:
		op = cmd->kind == CMD_HANDS ? HAND_LIST : command_hand_op(cmd->arg);
		if (op < 0) {
			errmsg_set(e, "use /hand to raise your hand, /hand down to lower it, or "
				      "(teachers) /hand next");
			return -1;
		}
		f.type = T_HAND;
		f.f[HAND_OP].n = (uint64_t)op;
		break;
	default: errmsg_set(e, "not a classroom command"); return -1;
	}
	return core_request(c, &f, e);
}
