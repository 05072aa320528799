/* SPDX-License-Identifier: ISC */
/* moderation.c - what an operator (natterctl) or a teacher may do: kick, mute, notice all. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "sys.h"
#include "text.h"

/*
 * Remove target: it is told who kicked it and why (BYE), its rooms hear
 * "kicked by BY: REASON" (LEAVE), and it is closed once its queue drains.
 */
void mod_kick(struct server *s, struct client *target, const char *by, const char *reason)
{
	char why[MAX_REASON_BYTES + 1];
	char who[MAX_NICK_BYTES + MAX_LOGIN_BYTES + 8];
	char bye[sizeof who + sizeof why + 32], leave[sizeof bye];

	if (target->state == CS_CLOSING || target->state == CS_DEAD)
		return;
	text_copy_reason(reason, reason ? strlen(reason) : 0, why, MAX_REASON_BYTES);
	text_copy_reason(by, by ? strlen(by) : 0, who, sizeof who - 1);
	if (who[0] == '\0')
		snprintf(who, sizeof who, "the operator");
	/* Both reasons are cut to MAX_REASON_BYTES at a character boundary, never mid-UTF-8. */
	snprintf(bye, sizeof bye, "you were kicked by %s%s%s", who, why[0] ? ": " : "", why);
	snprintf(leave, sizeof leave, "kicked by %s%s%s", who, why[0] ? ": " : "", why);
	bye[utf8_truncate(bye, strlen(bye), MAX_REASON_BYTES)] = '\0';
	leave[utf8_truncate(leave, strlen(leave), MAX_REASON_BYTES)] = '\0';
	log_info("moderation: %s kicked client %llu %s%s%s", who,
		 (unsigned long long)target->serial,
		 target->nick[0] ? target->nick : "(unregistered)", why[0] ? ": " : "", why);
	chat_bye(s, target, BYE_KICKED, bye, leave);
}

/* Mute or unmute target: while muted its SAY is refused with ERR_MUTED. It is told either way. */
void mod_mute(struct server *s, struct client *target, bool muted, const char *by)
{
	char who[MAX_NICK_BYTES + MAX_LOGIN_BYTES + 8];
	char text[sizeof who + 96];

	if (target->state != CS_READY)
		return;
	text_copy_reason(by, by ? strlen(by) : 0, who, sizeof who - 1);
	if (who[0] == '\0')
		snprintf(who, sizeof who, "the operator");
	if (target->muted == muted) {
		log_info("moderation: %s %smuted client %llu %s, which it already was", who,
			 muted ? "" : "un", (unsigned long long)target->serial, target->nick);
		return;
	}
	target->muted = muted;
	if (muted)
		snprintf(text, sizeof text,
			 "you were muted by %s: your messages are not sent until you are unmuted",
			 who);
	else
		snprintf(text, sizeof text, "you were unmuted by %s: you may speak again", who);
	output_notice(s, target, text);
	log_info("moderation: %s %smuted client %llu %s", who, muted ? "" : "un",
		 (unsigned long long)target->serial, target->nick);
}

/* One NOTICE to every registered client, encoded once and shared by all the queues. */
void mod_notice_all(struct server *s, const char *text)
{
	struct frame f = {.type = T_NOTICE};
	struct shbuf *b;
	size_t n;

	if (text_check(text, strlen(text), MAX_TEXT_BYTES) != TEXT_OK) {
		log_error("moderation: a notice that breaks the text rules was not sent");
		return;
	}
	f.f[NOTICE_TIME].n = wall_ms();
	f.f[NOTICE_TEXT].s = str_c(text);
	b = output_encode(s, &f);
	if (b == NULL)
		return;
	n = output_broadcast(s, b);
	shbuf_unref(b);
	log_info("moderation: notice to %zu client(s): %s", n, text);
}
