/* SPDX-License-Identifier: ISC */
/* daemon.c - the natterd under test: temporary paths, start, kill -9, restart, RSS, cleanup. */
#define _GNU_SOURCE /* nftw's FTW_DEPTH, prctl */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "soak.h"
#include "sys.h"

/*
 * A loopback TCP port nothing uses now, from 20000-32767: below Linux's
 * ephemeral range, so that no outgoing connection takes it while natterd
 * is down between a kill -9 and its restart. Not from the seed's draws.
 */
static unsigned free_port(struct soak *k)
{
	uint64_t x = mono_ms() ^ ((uint64_t)getpid() << 20);

	for (int i = 0; i < 500; i++) {
		struct sockaddr_in sin = {.sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

		if (fd < 0)
			soak_fail(k, "socket: %s", strerror(errno));
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sin.sin_port = htons((uint16_t)(20000 + (x >> 33) % 12768));
		rc = bind(fd, (struct sockaddr *)&sin, sizeof sin);
		close(fd);
		if (rc == 0)
			return ntohs(sin.sin_port);
	}
	soak_fail(k, "no free loopback port in 20000-32767 after 500 tries");
}

void daemon_paths(struct soak *k)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || tmp[0] != '/' || strlen(tmp) > 100)
		tmp = "/tmp";
	snprintf(k->dir, sizeof k->dir, "%s/natter-soak.XXXXXX", tmp);
	if (mkdtemp(k->dir) == NULL) {
		k->dir[0] = '\0';
		soak_fail(k, "mkdtemp under %s: %s", tmp, strerror(errno));
	}
	snprintf(k->sock, sizeof k->sock, "%s/s.sock", k->dir);
	snprintf(k->logdir, sizeof k->logdir, "%s/log", k->dir);
	snprintf(k->errpath, sizeof k->errpath, "%s/natterd.err", k->dir);
	k->port = free_port(k);
}

/* In the child: standard error to the log file, then natterd. Never returns. */
static void exec_natterd(struct soak *k)
{
	char tcp[32], hist[16], maxq[24], softq[24], softs[16];
	int fd = open(k->errpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

#ifdef __linux__
	/* natterd must not outlive a soak that is killed itself. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	snprintf(tcp, sizeof tcp, "127.0.0.1:%u", k->port);
	snprintf(hist, sizeof hist, "%u", k->history);
	snprintf(maxq, sizeof maxq, "%lu", k->max_queue);
	snprintf(softq, sizeof softq, "%lu",
		 k->max_queue / 2 < SOAK_SOFT_QUEUE ? k->max_queue / 2 : SOAK_SOFT_QUEUE);
	snprintf(softs, sizeof softs, "%d", SOAK_SOFT_QUEUE_S);
	/* --rate 0: a line client's line over the rate would be refused, not delayed. */
	execl(k->natterd, k->natterd, "--socket", k->sock, "--tcp", tcp, "--log", k->logdir,
	      "--history", hist, "--rate", "0", "--max-queue", maxq, "--soft-queue", softq,
	      "--soft-queue-time", softs, "--no-control", "--log-level", "warning", (char *)NULL);
	dprintf(2, "natter-soak: cannot run %s: %s\n", k->natterd, strerror(errno));
	_exit(127);
}

void daemon_sun(struct soak *k, struct sockaddr_un *sun)
{
	size_t n = strlen(k->sock);

	if (n >= sizeof sun->sun_path)
		soak_fail(k, "socket path %s is too long for sun_path; set TMPDIR shorter",
			  k->sock);
	memcpy(sun->sun_path, k->sock, n + 1);
}

/* Whether a UNIX or TCP connect to the server succeeds now. */
static bool accepts(struct soak *k, bool tcp)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		soak_fail(k, "socket: %s", strerror(errno));
	sin.sin_port = htons((uint16_t)k->port);
	daemon_sun(k, &sun);
	rc = tcp ? connect(fd, (struct sockaddr *)&sin, sizeof sin)
		 : connect(fd, (struct sockaddr *)&sun, sizeof sun);
	close(fd);
	return rc == 0;
}

/* Fail if natterd has exited (it never should by itself). */
static void check_alive(struct soak *k)
{
	int st;
	pid_t w = waitpid(k->pid, &st, WNOHANG);

	if (w == 0)
		return;
	k->pid = 0;
	if (w < 0)
		soak_fail(k, "waitpid natterd: %s", strerror(errno));
	if (WIFSIGNALED(st))
		soak_fail(k, "natterd died of signal %d", WTERMSIG(st));
	soak_fail(k, "natterd exited by itself with status %d", WEXITSTATUS(st));
}

void daemon_start(struct soak *k)
{
	uint64_t deadline = mono_ms() + START_TIMEOUT_MS;
	struct timespec nap = {.tv_nsec = 20 * 1000000L};

	k->pid = fork();
	if (k->pid < 0) {
		k->pid = 0;
		soak_fail(k, "fork: %s", strerror(errno));
	}
	if (k->pid == 0)
		exec_natterd(k);
	for (;;) {
		check_alive(k);
		if (accepts(k, false) && accepts(k, true))
			return;
		if (mono_ms() > deadline)
			soak_fail(k, "natterd did not accept connections within %d ms",
				  START_TIMEOUT_MS);
		nanosleep(&nap, NULL);
	}
}

void daemon_kill9(struct soak *k)
{
	int st;

	check_alive(k);
	if (kill(k->pid, SIGKILL) < 0)
		soak_fail(k, "kill -9 natterd: %s", strerror(errno));
	if (waitpid(k->pid, &st, 0) < 0)
		soak_fail(k, "waitpid natterd: %s", strerror(errno));
	k->pid = 0;
}

int daemon_stop(struct soak *k)
{
	struct timespec nap = {.tv_nsec = 20 * 1000000L};
	uint64_t deadline = mono_ms() + 15000;
	int st;

	check_alive(k);
	if (kill(k->pid, SIGTERM) < 0)
		soak_fail(k, "kill -TERM natterd: %s", strerror(errno));
	for (;;) {
		pid_t w = waitpid(k->pid, &st, WNOHANG);

		if (w == k->pid)
			break;
		if (w < 0)
			soak_fail(k, "waitpid natterd: %s", strerror(errno));
		if (mono_ms() > deadline)
			soak_fail(k, "natterd did not exit within 15 s of SIGTERM");
		nanosleep(&nap, NULL);
	}
	k->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

long daemon_rss_kb(struct soak *k)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	check_alive(k);
	snprintf(path, sizeof path, "/proc/%ld/status", (long)k->pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Nothing natterd logs at --log-level warning is expected here: a skipped
 * transcript line after a restart means a crash damaged the transcript, a
 * failed write that a message may be lost. Fail on the first new line.
 */
void daemon_scan_log(struct soak *k)
{
	char line[512];
	FILE *f = fopen(k->errpath, "r");

	if (f == NULL)
		return;
	if (fseeko(f, (off_t)k->err_off, SEEK_SET) < 0)
		soak_fail(k, "cannot seek in %s: %s", k->errpath, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		/* After a tear: natterd says once that it cut the half line off. */
		if (k->expect_cut[0] != '\0' && strstr(line, "warning: cut ") != NULL &&
		    strstr(line, k->expect_cut) != NULL) {
			k->expect_cut[0] = '\0';
			continue;
		}
		fclose(f);
		soak_fail(k, "natterd logged: %s", line);
	}
	k->err_off = (long long)ftello(f);
	fclose(f);
}

void daemon_poll(struct soak *k)
{
	check_alive(k);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

void daemon_cleanup(struct soak *k)
{
	if (k->pid > 0) {
		kill(k->pid, SIGKILL);
		waitpid(k->pid, NULL, 0);
		k->pid = 0;
	}
	if (!k->keep && k->dir[0] != '\0') {
		nftw(k->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
		k->dir[0] = '\0';
	}
}
