/* SPDX-License-Identifier: ISC */
/* target.h - what a run talks to: natterd or the ideal relay, spawned here or already running. */
#ifndef NATTER_BENCH_TARGET_H
#define NATTER_BENCH_TARGET_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "bench.h"

/* A server a run connects to, and the process whose resources it reports. */
struct target {
	enum target_kind kind;
	enum transport_kind transport;
	char where[ADDR_PATH_BYTES + 16]; /* for messages: a path or host:port */
	struct sockaddr_storage sa;	  /* resolved once, connected to many times */
	socklen_t salen;
	pid_t pid;			/* local process to measure, 0 if unknown */
	char log[ADDR_PATH_BYTES + 32]; /* a spawned natterd's stderr, or empty */
	bool spawned;			/* ours: stopped and reaped by target_stop */
};

/*
 * Make the private temporary directory, raise RLIMIT_NOFILE to the hard
 * limit and, when something will be spawned, pin this process to CPU 1.
 * Returns 0, or -1 with a sentence in err.
 */
int spawn_init(const struct bench_opts *o, char *err, size_t cap);

/* Stop anything still running and remove the temporary directory. */
void spawn_cleanup(void);

/* The soft descriptor limit after spawn_init. */
unsigned long spawn_fd_limit(void);

/*
 * Get a target ready: spawn natterd (--spawn), fork the relay, or resolve
 * an already running natterd given with -s/-t. Returns 0 once it accepts
 * connections, or -1 with a sentence in err.
 */
int target_start(const struct bench_opts *o, enum target_kind kind, enum transport_kind tr,
		 struct target *t, char *err, size_t cap);

/*
 * Stop a spawned target (SIGTERM, then SIGKILL after STOP_TIMEOUT_MS) and
 * reap it. Returns 0, or -1 with a sentence in err if it had died or
 * exited with a failure status (a crash or a sanitizer report).
 */
int target_stop(struct target *t, char *err, size_t cap);

#endif
