/* SPDX-License-Identifier: ISC */
/* autostart.c - spawn a detached natterd on the default socket and wait for it to answer. */
#include "autostart.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"

#define SERVER_EXE_NAME "natterd"
#define SERVER_LOG_NAME "natterd.log"
#define FALLBACK_PATH	"/usr/local/bin:/usr/bin:/bin"

enum { AUTOSTART_RETRY_MS = 50, AUTOSTART_WAIT_MS = 3000 };

static bool no_server(int err)
{
	return err == ENOENT || err == ECONNREFUSED;
}

/* dir + "/" + name into out; false if it does not fit. */
static bool join_path(char *out, size_t cap, const char *dir, size_t dir_len, const char *name)
{
	int n = snprintf(out, cap, "%.*s/%s", (int)dir_len, dir, name);

	return n > 0 && (size_t)n < cap;
}

/* Find natterd beside our own executable, else in an absolute PATH directory. */
static int find_server(char *out, size_t cap, struct errmsg *e)
{
	char self[ADDR_PATH_BYTES] = "natter";
	const char *path = getenv("PATH"), *p, *end, *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0)
		self[n] = '\0';
	slash = strrchr(self, '/'); /* none in "natter", if readlink failed */
	if (slash != NULL && join_path(out, cap, self, (size_t)(slash - self), SERVER_EXE_NAME) &&
	    access(out, X_OK) == 0)
		return 0;
	if (path == NULL || path[0] == '\0')
		path = FALLBACK_PATH;
	for (p = path; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ":");
		/* Relative entries (and the empty one, meaning ".") would depend on the cwd. */
		if (p[0] == '/' && join_path(out, cap, p, (size_t)(end - p), SERVER_EXE_NAME) &&
		    access(out, X_OK) == 0)
			return 0;
	}
	errmsg_set(e,
		   "no server is running and natterd is neither beside %s nor in PATH; install "
		   "natterd or start a server yourself",
		   self);
	return -1;
}

/* In the grandchild: point stdio at /dev/null and the log, then become natterd. */
static _Noreturn void exec_server(const char *exe, const char *sock, const char *log)
{
	int null = open("/dev/null", O_RDWR);
	int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

	if (null < 0 || logfd < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0 || dup2(logfd, STDERR_FILENO) < 0)
		_exit(127);
	if (null > STDERR_FILENO)
		close(null);
	if (logfd > STDERR_FILENO)
		close(logfd);
	/* The server must not inherit our ignored SIGPIPE or our working directory. */
	signal(SIGPIPE, SIG_DFL);
	if (chdir("/") < 0)
		_exit(127);
	execl(exe, SERVER_EXE_NAME, "--socket", sock, (char *)NULL);
	dprintf(STDERR_FILENO, "natter: cannot run %s: %s\n", exe, strerror(errno));
	_exit(127);
}

/* Fork twice, so that init adopts natterd in a session of its own; a pipe brings its pid. */
static int spawn_detached(const char *exe, const char *sock, const char *log, pid_t *started,
			  struct errmsg *e)
{
	pid_t pid;
	int status, p[2];
	ssize_t n;

	if (pipe(p) < 0) { /* both ends are closed before natterd is exec()ed */
		errmsg_set(e, "cannot start natterd: pipe failed: %s", strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0) {
		errmsg_set(e, "cannot start natterd: fork failed: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(1);
		if (pid > 0)
			_exit(write(p[1], &pid, sizeof pid) == (ssize_t)sizeof pid ? 0 : 1);
		close(p[1]);
		exec_server(exe, sock, log);
	}
	close(p[1]);
	/* natterd's pid, or 0 if the middle child wrote none. */
	while ((n = read(p[0], started, sizeof *started)) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (n != (ssize_t)sizeof *started)
		*started = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			errmsg_set(e, "cannot start natterd: waitpid failed: %s", strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errmsg_set(e, "cannot start natterd: the process that detaches it failed");
		return -1;
	}
	return 0;
}

int autostart_connect(struct core *c, const struct addr *a, const char *nick, bool allowed,
		      struct errmsg *note, pid_t *started, struct errmsg *e)
{
	char log[ADDR_PATH_BYTES], checked[ADDR_PATH_BYTES], dir[ADDR_PATH_BYTES];
	char exe[ADDR_PATH_BYTES];
	uint64_t deadline;

	note->text[0] = '\0';
	*started = 0;
	if (core_connect(c, a, nick, e) == 0)
		return 0;
	if (!allowed || a->kind != ADDR_UNIX || !no_server(errno))
		return -1;
	/* Create the private directory, find natterd and start it on the socket. */
	if (sockpath_default(checked, sizeof checked, true, e) < 0 ||
	    sockdir_default(dir, sizeof dir, e) < 0)
		return -1;
	if (!join_path(log, sizeof log, dir, strlen(dir), SERVER_LOG_NAME)) {
		errmsg_set(e, "the log path in %s is too long; use --socket", dir);
		return -1;
	}
	if (find_server(exe, sizeof exe, e) < 0 ||
	    spawn_detached(exe, a->path, log, started, e) < 0)
		return -1;
	errmsg_set(note, "started natterd on %s (log: %s)", a->path, log);
	deadline = mono_ms() + AUTOSTART_WAIT_MS;
	do {
		struct timespec pause = {.tv_nsec = AUTOSTART_RETRY_MS * 1000000L};

		while (nanosleep(&pause, &pause) < 0 && errno == EINTR)
			;
		if (core_connect(c, a, nick, e) == 0)
			return 0;
		if (!no_server(errno))
			return -1;
	} while (mono_ms() < deadline);
	errmsg_set(e, "started natterd, but it did not answer on %s within %d s; see %s", a->path,
		   AUTOSTART_WAIT_MS / 1000, log);
	return -1;
}

bool autostart_farewell(pid_t pid, const char *sock, struct errmsg *say)
{
	/* EPERM would mean another user's process has the pid by now: not ours. */
	if (pid <= 0 || kill(pid, 0) < 0)
		return false;
	errmsg_set(say,
		   "the natterd started for you is still running (pid %ld, socket %s); stop it "
		   "with: natterctl shutdown",
		   (long)pid, sock);
	return true;
}
