/* SPDX-License-Identifier: ISC */
/* spawn.c - starting, pinning, measuring and always reaping the servers a benchmark runs against.
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errmsg.h"
#include "peercred.h"
#include "relay.h"
#include "sys.h"
#include "target.h"

enum { MAX_KIDS = 8, LISTEN_BACKLOG = 4096, WAIT_STEP_MS = 10 };

static char tmpdir[ADDR_PATH_BYTES];
static pid_t kids[MAX_KIDS];
static int nkids;
static int server_cpu = -1; /* where spawned servers run; -1: no pinning */
static unsigned long fd_limit;
static unsigned spawn_serial;

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !bench_interrupted)
		;
}

/* Pick CPUs: servers on the first allowed CPU, this process on the second. */
static void pin_self(bool quiet)
{
	cpu_set_t set;
	int cpus[2], n = 0;

	if (sched_getaffinity(0, sizeof set, &set) < 0) {
		fprintf(stderr,
			"natter-bench: note: cannot read the CPU affinity (%s); not pinning\n",
			strerror(errno));
		return;
	}
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	if (n < 2) {
		if (!quiet)
			fprintf(stderr, "natter-bench: note: only one CPU is available; server and "
					"benchmark share it (no pinning)\n");
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpus[1], &set);
	if (sched_setaffinity(0, sizeof set, &set) < 0) {
		fprintf(stderr, "natter-bench: note: cannot pin to CPU %d (%s); not pinning\n",
			cpus[1], strerror(errno));
		return;
	}
	server_cpu = cpus[0];
}

int spawn_init(const struct bench_opts *o, char *err, size_t cap)
{
	const char *base = getenv("TMPDIR");
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, cap, "cannot read the descriptor limit: %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) < 0) {
			snprintf(err, cap, "cannot read the descriptor limit: %s", strerror(errno));
			return -1;
		}
	}
	fd_limit = rl.rlim_cur == RLIM_INFINITY ? 1ul << 20 : (unsigned long)rl.rlim_cur;
	if (base == NULL || base[0] != '/')
		base = "/tmp";
	if (snprintf(tmpdir, sizeof tmpdir, "%s/natter-bench.XXXXXX", base) >= (int)sizeof tmpdir ||
	    mkdtemp(tmpdir) == NULL) {
		snprintf(err, cap, "cannot create a temporary directory in %s: %s", base,
			 strerror(errno));
		tmpdir[0] = '\0';
		return -1;
	}
	if (o->spawn || o->baseline_relay)
		pin_self(o->quiet);
	return 0;
}

unsigned long spawn_fd_limit(void)
{
	return fd_limit;
}

/* Forget a reaped child. */
static void kid_forget(pid_t pid)
{
	for (int i = 0; i < nkids; i++) {
		if (kids[i] == pid) {
			kids[i] = kids[--nkids];
			return;
		}
	}
}

/*
 * Wait up to ms for pid to exit; returns 1 with *status if it did, 0 if it
 * is still running, -1 if it cannot be waited for.
 */
static int reap_within(pid_t pid, unsigned ms, int *status)
{
	for (unsigned waited = 0;; waited += WAIT_STEP_MS) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid) {
			kid_forget(pid);
			return 1;
		}
		if (r < 0 && errno != EINTR) {
			kid_forget(pid);
			return -1;
		}
		if (waited >= ms)
			return 0;
		sleep_ms(WAIT_STEP_MS);
	}
}

/* SIGTERM, then SIGKILL if it lingers; always reaped. Returns 1 with *status, or -1. */
static int kill_and_reap(pid_t pid, int *status)
{
	int rc;

	if (kill(pid, SIGTERM) < 0 && errno != ESRCH)
		fprintf(stderr, "natter-bench: kill %ld: %s\n", (long)pid, strerror(errno));
	rc = reap_within(pid, STOP_TIMEOUT_MS, status);
	if (rc != 0)
		return rc;
	fprintf(stderr, "natter-bench: pid %ld did not exit %d s after SIGTERM; killing it\n",
		(long)pid, STOP_TIMEOUT_MS / 1000);
	if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
		fprintf(stderr, "natter-bench: kill -9 %ld: %s\n", (long)pid, strerror(errno));
	return reap_within(pid, STOP_TIMEOUT_MS, status);
}

/* Remove every file in tmpdir (only our sockets and logs), then tmpdir itself. */
static void remove_tmpdir(void)
{
	char path[ADDR_PATH_BYTES + 64];

	if (tmpdir[0] == '\0')
		return;
	for (unsigned i = 0; i <= spawn_serial; i++) {
		const char *names[] = {"natterd.sock", "natterd.err", "relay.sock"};

		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			snprintf(path, sizeof path, "%s/%u.%s", tmpdir, i, names[k]);
			if (unlink(path) < 0 && errno != ENOENT)
				fprintf(stderr, "natter-bench: cannot remove %s: %s\n", path,
					strerror(errno));
		}
	}
	if (rmdir(tmpdir) < 0)
		fprintf(stderr, "natter-bench: cannot remove %s: %s\n", tmpdir, strerror(errno));
	tmpdir[0] = '\0';
}

void spawn_cleanup(void)
{
	while (nkids > 0) {
		int status;
		pid_t pid = kids[0];

		if (kill_and_reap(pid, &status) < 0)
			kid_forget(pid);
	}
	remove_tmpdir();
}

/* In a fresh child: run on the server CPU and die with the parent. */
static void child_setup(pid_t parent)
{
	if (server_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(server_cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) < 0)
			fprintf(stderr, "natter-bench: cannot pin the server to CPU %d: %s\n",
				server_cpu, strerror(errno));
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
}

/* A loopback TCP port nothing listens on now (natterd binds it itself). */
static int free_port(char *err, size_t cap)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int port = -1;

	if (fd < 0) {
		snprintf(err, cap, "cannot create a TCP socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		snprintf(err, cap, "cannot find a free loopback port: %s", strerror(errno));
	else
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* Fill t's address: a UNIX path, or 127.0.0.1:port. */
static int set_addr_unix(struct target *t, const char *path, char *err, size_t cap)
{
	struct sockaddr_un sun;
	struct errmsg e;

	if (addr_sockaddr_un(path, &sun, &t->salen, &e) < 0) {
		snprintf(err, cap, "%s", e.text);
		return -1;
	}
	memcpy(&t->sa, &sun, t->salen);
	snprintf(t->where, sizeof t->where, "%s", path);
	return 0;
}

static void set_addr_loopback(struct target *t, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	memcpy(&t->sa, &sin, sizeof sin);
	t->salen = sizeof sin;
	snprintf(t->where, sizeof t->where, "127.0.0.1:%d", port);
}

/* Resolve an address given on the command line (-s or -t). */
static int set_addr_given(struct target *t, const struct addr *a, char *err, size_t cap)
{
	struct errmsg e;
	int fd;

	if (a->kind == ADDR_UNIX)
		return set_addr_unix(t, a->path, err, cap);
	/* addr_connect resolves the name; keep the address it reached. */
	fd = addr_connect(a, &e);
	if (fd < 0) {
		snprintf(err, cap, "%s", e.text);
		return -1;
	}
	t->salen = sizeof t->sa;
	if (getpeername(fd, (struct sockaddr *)&t->sa, &t->salen) < 0) {
		snprintf(err, cap, "getpeername: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	addr_format(a, t->where, sizeof t->where);
	return 0;
}

/* Whether t accepts a connection now (a blocking connect on a fresh socket). */
static bool accepts(const struct target *t)
{
	int fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = connect(fd, (const struct sockaddr *)&t->sa, t->salen) == 0;
	close(fd);
	return ok;
}

/* The pid of the process listening on t (SO_PEERCRED), or 0 if it cannot be learnt. */
static pid_t peer_pid(const struct target *t)
{
	int fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	uid_t uid;
	gid_t gid;
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (connect(fd, (const struct sockaddr *)&t->sa, t->salen) < 0 ||
	    peer_cred(fd, &uid, &gid, &pid) < 0)
		pid = 0;
	close(fd);
	return pid;
}

/* The start of a log file on one line, for an error sentence. */
static void log_excerpt(const char *path, char *out, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	out[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (out[i] == '\n')
			out[i] = ' ';
}

static int start_natterd(const struct bench_opts *o, struct target *t, char *err, size_t cap)
{
	char sock[ADDR_PATH_BYTES + 32], tcp[32];
	const char *argv[16];
	int argc = 0, port = 0, status;
	pid_t parent = getpid(), pid;

	snprintf(sock, sizeof sock, "%s/%u.natterd.sock", tmpdir, spawn_serial);
	snprintf(t->log, sizeof t->log, "%s/%u.natterd.err", tmpdir, spawn_serial);
	argv[argc++] = o->natterd;
	if (t->transport == TRANSPORT_UNIX) {
		if (set_addr_unix(t, sock, err, cap) < 0)
			return -1;
		argv[argc++] = "-s";
		argv[argc++] = sock;
	} else {
		port = free_port(err, cap);
		if (port < 0)
			return -1;
		snprintf(tcp, sizeof tcp, "127.0.0.1:%d", port);
		set_addr_loopback(t, port);
		argv[argc++] = "--no-unix";
		argv[argc++] = "--tcp";
		argv[argc++] = tcp;
	}
	argv[argc++] = "--rate";
	argv[argc++] = "0";
	argv[argc++] = "--history";
	argv[argc++] = "0";
	argv[argc++] = "-q";
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0) {
		snprintf(err, cap, "cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDWR), errfd;

		child_setup(parent);
		errfd = open(t->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || errfd < 0 || dup2(in, 0) < 0 || dup2(in, 1) < 0 || dup2(errfd, 2) < 0)
			_exit(127);
		execv(o->natterd, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", o->natterd, strerror(errno));
		_exit(127);
	}
	kids[nkids++] = pid;
	t->pid = pid;
	t->spawned = true;
	for (unsigned waited = 0; waited < START_TIMEOUT_MS; waited += WAIT_STEP_MS) {
		char why[300];

		if (reap_within(pid, 0, &status) != 0) {
			log_excerpt(t->log, why, sizeof why);
			snprintf(err, cap, "%s exited before accepting connections: %s", o->natterd,
				 why[0] ? why : "(no message)");
			t->spawned = false;
			return -1;
		}
		if (accepts(t))
			return 0;
		if (bench_interrupted)
			break;
		sleep_ms(WAIT_STEP_MS);
	}
	snprintf(err, cap, "%s did not accept connections on %s within %d s", o->natterd, t->where,
		 START_TIMEOUT_MS / 1000);
	return -1;
}

/* Open the relay's listening socket here, so it is up before the fork returns. */
static int relay_listener(struct target *t, char *err, size_t cap)
{
	char path[ADDR_PATH_BYTES + 32];
	int fd;

	if (t->transport == TRANSPORT_UNIX) {
		snprintf(path, sizeof path, "%s/%u.relay.sock", tmpdir, spawn_serial);
		if (set_addr_unix(t, path, err, cap) < 0)
			return -1;
	} else {
		set_addr_loopback(t, 0);
	}
	fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, cap, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&t->sa, t->salen) < 0 || listen(fd, LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&t->sa, &t->salen) < 0 ||
	    fd_nonblock_cloexec(fd) < 0) {
		snprintf(err, cap, "cannot listen for the relay on %s: %s", t->where,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (t->transport == TRANSPORT_TCP)
		set_addr_loopback(t, ntohs(((struct sockaddr_in *)(void *)&t->sa)->sin_port));
	return fd;
}

/*
 * In the relay's child: the fork shares natter-bench's heap, freed receiver
 * bitmaps included (25 MiB at 1000 receivers x 200,000 messages). Hand the
 * free pages back and restart the peak-RSS count (clear_refs 5), so the
 * relay's VmHWM is its own.
 */
static void forget_inherited_memory(void)
{
	int fd;

	malloc_trim(0);
	fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "5", 1) != 1)
		fprintf(stderr, "relay: cannot reset the peak RSS: %s\n", strerror(errno));
	close(fd);
}

static int start_relay(struct target *t, char *err, size_t cap)
{
	int lfd = relay_listener(t, err, cap);
	pid_t parent = getpid(), pid;

	if (lfd < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, cap, "cannot fork: %s", strerror(errno));
		close(lfd);
		return -1;
	}
	if (pid == 0) {
		child_setup(parent);
		forget_inherited_memory();
		_exit(relay_run(lfd) < 0 ? 1 : 0);
	}
	close(lfd);
	kids[nkids++] = pid;
	t->pid = pid;
	t->spawned = true;
	return 0;
}

int target_start(const struct bench_opts *o, enum target_kind kind, enum transport_kind tr,
		 struct target *t, char *err, size_t cap)
{
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->transport = tr;
	if (nkids >= MAX_KIDS) {
		snprintf(err, cap, "too many servers running at once (a bug)");
		return -1;
	}
	spawn_serial++;
	if (kind == TARGET_RELAY)
		return start_relay(t, err, cap);
	if (o->spawn)
		return start_natterd(o, t, err, cap);
	if (set_addr_given(t, tr == TRANSPORT_UNIX ? &o->unix_addr : &o->tcp_addr, err, cap) < 0)
		return -1;
	t->pid = (pid_t)o->server_pid;
	if (t->pid == 0 && tr == TRANSPORT_UNIX)
		t->pid = peer_pid(t);
	return 0;
}

int target_stop(struct target *t, char *err, size_t cap)
{
	int status = 0, rc;
	bool early;
	char why[300] = "";

	if (!t->spawned)
		return 0;
	t->spawned = false;
	rc = reap_within(t->pid, 0, &status);
	early = rc == 1;
	if (rc == 0)
		rc = kill_and_reap(t->pid, &status);
	if (rc < 0) {
		snprintf(err, cap, "cannot reap %s %ld", target_name(t->kind), (long)t->pid);
		return -1;
	}
	if (!early && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (t->log[0] != '\0')
		log_excerpt(t->log, why, sizeof why);
	if (WIFSIGNALED(status))
		snprintf(err, cap, "%s %ld %s signal %d%s%s", target_name(t->kind), (long)t->pid,
			 early ? "died during the run of" : "had to be stopped with",
			 WTERMSIG(status), why[0] ? ": " : "", why);
	else
		snprintf(err, cap, "%s %ld exited with status %d%s%s%s", target_name(t->kind),
			 (long)t->pid, WEXITSTATUS(status), early ? " during the run" : "",
			 why[0] ? ": " : "", why);
	return -1;
}
