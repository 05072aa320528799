/* signals.c - the self-pipe trick: handlers only write a byte, the loop does the work. */
#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys.h"

/* The write end, for the handler: a signal handler can reach nothing else. */
static int signal_write_fd = -1;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	/* Non-blocking: if the pair is full a wake-up is already pending. */
	if (write(signal_write_fd, &b, 1) < 0) {
		/* nothing safe to do here */
	}
	errno = saved;
}

int signals_init(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	if (fd_nonblock_cloexec(sv[0]) < 0 || fd_nonblock_cloexec(sv[1]) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	signal_write_fd = sv[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	if (ignore_sigpipe() < 0)
		return -1;
	return sv[0];
}

int signals_drain(int fd)
{
	unsigned char b[64];
	int last = 0;
	ssize_t n;

	while ((n = read(fd, b, sizeof b)) > 0)
		last = b[n - 1];
	return last;
}
