/* SPDX-License-Identifier: ISC */
/* sys.c - clocks, descriptor flags, and signals into the poll loop through a socketpair. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sigpipe.h"

static uint64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	/* clock_gettime cannot fail for these clocks with a valid pointer. */
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t wall_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

uint64_t mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

int ms_until(uint64_t now, uint64_t at)
{
	uint64_t ms = at > now ? at - now : 0;

	return ms > INT_MAX ? INT_MAX : (int)ms;
}

int fd_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	fl = fcntl(fd, F_GETFD);
	return fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0 ? -1 : 0;
}

bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int ignore_sigpipe(void)
{
	struct sigaction sa = {.sa_handler = SIG_IGN};

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGPIPE, &sa, NULL);
}

/* The write end, for the handler: a signal handler can reach nothing else. */
static volatile sig_atomic_t pipe_wr = -1;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	/* Non-blocking: if the pair is full a wake-up is already pending. */
	if (pipe_wr >= 0 && write(pipe_wr, &b, 1) < 0)
		b = 0;
	errno = saved;
}

int sigpipe_open(struct sigpipe *sp, const int *sigs, int n)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
	int sv[2], saved;

	sp->rd = -1;
	sp->nsigs = 0;
	if (n > SIGPIPE_MAX_SIGNALS) {
		errno = EINVAL;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	sp->rd = sv[0];
	pipe_wr = sv[1];
	if (fd_nonblock_cloexec(sv[0]) < 0 || fd_nonblock_cloexec(sv[1]) < 0)
		goto fail;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < n; i++) {
		if (sigaction(sigs[i], &sa, &sp->old[i]) < 0)
			goto fail;
		sp->sigs[i] = sigs[i];
		sp->nsigs = i + 1;
	}
	return 0;
fail:
	saved = errno;
	sigpipe_close(sp); /* the actions set so far, and both ends */
	errno = saved;
	return -1;
}

int sigpipe_read(struct sigpipe *sp, int *out, int cap)
{
	unsigned char b[64];
	int got = 0;
	ssize_t n;

	if (cap > (int)sizeof b)
		cap = (int)sizeof b;
	while (got < cap && (n = read(sp->rd, b, (size_t)(cap - got))) > 0)
		for (ssize_t i = 0; i < n; i++)
			out[got++] = b[i];
	return got;
}

void sigpipe_close(struct sigpipe *sp)
{
	int wr = pipe_wr;

	for (int i = 0; i < sp->nsigs; i++)
		sigaction(sp->sigs[i], &sp->old[i], NULL);
	sp->nsigs = 0;
	pipe_wr = -1;
	if (wr >= 0)
		close(wr);
	if (sp->rd >= 0)
		close(sp->rd);
	sp->rd = -1;
}
