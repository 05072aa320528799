/* SPDX-License-Identifier: ISC */
/* loop.c - the single poll() loop: slots, accepting, reading, batched writes, timers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "sys.h"

/* Add a pollfd slot for fd; c is NULL for the signal pipe and listeners. */
void server_add_slot(struct server *s, int fd, struct client *c)
{
	if (s->nslots == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->pfds = xrealloc(s->pfds, s->cap * sizeof *s->pfds);
		s->clients = xrealloc(s->clients, s->cap * sizeof *s->clients);
	}
	s->pfds[s->nslots] = (struct pollfd){.fd = fd, .events = POLLIN};
	s->clients[s->nslots] = c;
	if (c != NULL)
		c->slot = (uint32_t)s->nslots;
	s->nslots++;
}

/*
 * Set what poll should wait for on c's slot. Its input is not read while
 * held, nor while more than the soft cap of replies wait for it: a client
 * cannot pile up output faster than it reads (flood.c).
 */
void server_update_events(struct server *s, struct client *c)
{
	short ev = 0;

	if ((c->state == CS_HELLO || c->state == CS_READY) && flood_listening(s, c))
		ev |= POLLIN;
	if (c->out.count > 0)
		ev |= POLLOUT;
	s->pfds[c->slot].events = ev;
}

/* Remove dead clients' slots, moving the last slot into each hole. */
static void reap_dead(struct server *s)
{
	if (s->ndead > 0)
		flood_forget_dead(s);
	for (size_t i = s->nfixed; i < s->nslots && s->ndead > 0;) {
		struct client *c = s->clients[i];

		if (c->state != CS_DEAD) {
			i++;
			continue;
		}
		s->nslots--;
		s->pfds[i] = s->pfds[s->nslots];
		s->clients[i] = s->clients[s->nslots];
		if (i < s->nslots)
			s->clients[i]->slot = (uint32_t)i;
		free(c);
		s->ndead--;
		/* slot i now holds the moved client: look at it again */
	}
}

/*
 * Stop listening and say goodbye to every client with bye_reason; the loop
 * ends once they have drained (or SHUTDOWN_GRACE_MS). why is for the log.
 */
void server_shutdown(struct server *s, const char *why, const char *bye_reason)
{
	uint64_t now = mono_ms();

	log_info("%s: shutting down, saying goodbye to %zu client(s)", why, s->nclients);
	s->shutting_down = true;
	s->shutdown_deadline_ms = now + SHUTDOWN_GRACE_MS;
	listeners_close(s);
	for (size_t i = 0; i < s->nfixed; i++)
		if (s->clients[i] == NULL && s->pfds[i].fd != s->sig.rd)
			s->pfds[i].fd = -1;
	for (size_t i = s->nfixed; i < s->nslots; i++) {
		struct client *c = s->clients[i];

		if (c->state == CS_HELLO || c->state == CS_READY) {
			chat_bye(s, c, BYE_SHUTDOWN, bye_reason, NULL);
			c->close_deadline_ms = s->shutdown_deadline_ms;
		}
	}
}

static void handle_fixed(struct server *s, size_t i)
{
	if (s->pfds[i].fd == s->sig.rd) {
		int signo[16];
		int n = sigpipe_read(&s->sig, signo, 16);

		if (n > 0 && !s->shutting_down) {
			char why[32];

			snprintf(why, sizeof why, "signal %d", signo[n - 1]);
			server_shutdown(s, why, "server shutting down");
		}
		return;
	}
	if (s->pfds[i].fd == s->ctl_fd) {
		control_readable(s);
		return;
	}
	for (int l = 0; l < s->nlisteners; l++)
		if (s->listeners[l].fd == s->pfds[i].fd)
			client_accept(s, &s->listeners[l]);
}

static void handle_client(struct server *s, struct client *c, short revents)
{
	if (revents & POLLNVAL) {
		log_error("client %llu: descriptor not open (a bug); dropping it",
			  (unsigned long long)c->serial);
		client_kill(s, c);
		return;
	}
	if (c->flood.held && (revents & (POLLHUP | POLLERR))) {
		chat_leave(s, c, "connection lost");
		client_kill(s, c);
		return;
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && c->state != CS_CLOSING)
		client_readable(s, c);
	else if (revents & (POLLHUP | POLLERR))
		client_kill(s, c);
	if (c->state != CS_DEAD && (revents & POLLOUT))
		output_pending(s, c);
}

static void tick(struct server *s, uint64_t now)
{
	for (size_t i = s->nfixed; i < s->nslots; i++)
		client_tick(s, s->clients[i], now);
	if (s->cfg.log_dir != NULL)
		history_retry(s); /* transcript lines a full disk refused */
}

int server_run(struct server *s)
{
	s->next_tick_ms = mono_ms() + TICK_MS;
	for (;;) {
		uint64_t now = mono_ms();
		int timeout, n;
		size_t nslots;

		if (s->shutting_down && (s->nclients == 0 || now >= s->shutdown_deadline_ms))
			break;
		timeout = ms_until(now, s->next_tick_ms);
		if (control_busy(s) && timeout > CTL_RETRY_MS)
			timeout = CTL_RETRY_MS; /* a reply waits for room in a requester's queue */
		timeout = flood_poll_timeout(s, now, timeout);
		n = poll(s->pfds, s->nslots, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll failed: %s", strerror(errno));
			return -1;
		}
		/* Slots accepted during this pass are appended: do not visit them yet. */
		nslots = s->nslots;
		for (size_t i = 0; i < nslots && n > 0; i++) {
			short re = s->pfds[i].revents;

			if (re == 0)
				continue;
			n--;
			s->pfds[i].revents = 0;
			if (s->clients[i] == NULL)
				handle_fixed(s, i);
			else
				handle_client(s, s->clients[i], re);
		}
		if (control_busy(s))
			control_retry(s);
		flood_resume(s, mono_ms());
		now = mono_ms(); /* after resuming: what it queued is not older than now */
		if (now >= s->next_tick_ms) {
			tick(s, now);
			s->next_tick_ms = now + TICK_MS;
		}
		output_flush(s);
		reap_dead(s);
	}
	/* Whoever is left did not drain in time. */
	for (size_t i = s->nfixed; i < s->nslots; i++)
		if (s->clients[i]->state != CS_DEAD)
			client_kill(s, s->clients[i]);
	reap_dead(s);
	return 0;
}
