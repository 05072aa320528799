/* SPDX-License-Identifier: ISC */
/* bench.h - natter-bench's shared types: options, what a run measured, clocks and deadlines. */
#ifndef NATTER_BENCH_H
#define NATTER_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"

enum {
	BENCH_MIN_TEXT_BYTES = 35, /* the payload header: "B" seq "." ns " " */
	BENCH_MAX_TRANSPORTS = 2,
	BENCH_MAX_REPEAT = 99,
	BENCH_ERR_BYTES = 512,
	HANDSHAKES_IN_FLIGHT = 256, /* below natterd's listen backlog (511) */
	CONNECT_TIMEOUT_MS = 5000,
	START_TIMEOUT_MS = 5000,  /* for a spawned server to accept */
	STOP_TIMEOUT_MS = 5000,	  /* for a spawned server to exit after SIGTERM */
	POLL_SLICE_MS = 100,	  /* longest single poll, so deadlines are checked */
	FD_MARGIN = 32,		  /* descriptors beyond the connections themselves */
	GENERATOR_BOUND_PCT = 90, /* natter-bench's CPU above this: it may be the limit */
};

enum target_kind { TARGET_NATTER, TARGET_RELAY };
enum transport_kind { TRANSPORT_UNIX, TRANSPORT_TCP };
enum out_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_MARKDOWN };

/* The command line, checked. */
struct bench_opts {
	bool spawn;		  /* start natterd ourselves */
	bool have_unix, have_tcp; /* -s / -t given */
	struct addr unix_addr, tcp_addr;
	long server_pid; /* --server-pid, 0 if not given */
	char natterd[ADDR_PATH_BYTES];
	bool baseline_relay;
	enum transport_kind transports[BENCH_MAX_TRANSPORTS];
	int ntransports;
	uint32_t receivers;
	uint32_t senders;
	uint64_t messages;
	uint32_t size;	 /* text bytes per message */
	uint32_t window; /* messages in flight */
	uint32_t rooms;	 /* receivers and senders spread over this many rooms */
	bool line;	 /* receivers in natterd's plain-text line mode */
	double rate;	 /* offered messages a second; 0 = full speed */
	uint32_t idle;	 /* > 0: the idle test instead of the load */
	int repeat;
	unsigned timeout_s; /* the whole invocation */
	unsigned stall_s;   /* no progress this long ends a run */
	enum out_format format;
	const char *label; /* --label: the configuration cell in Markdown */
	bool quiet;
};

/* What one run measured (or, after report_median, the median of several). */
struct result {
	enum target_kind target;
	enum transport_kind transport;
	bool ok;
	char err[BENCH_ERR_BYTES];
	/* load */
	uint64_t sent, deliveries, lost, dup;
	double elapsed_s, deliveries_per_s, msgs_per_s, offered_per_s;
	double p50_us, p99_us, max_us;
	/* idle */
	double connect_s, bcast_ms, rss_per_idle_b;
	/* the server (or relay) process, when local */
	bool have_srv;
	double srv_cpu_s, srv_cpu_pct;
	double per_srv_cpu_s; /* deliveries per server CPU-second (idle: of the broadcast) */
	long srv_hwm_kib, srv_rss_kib;
	double bench_cpu_pct; /* natter-bench's own, over the same interval */
};

/* Set by SIGINT/SIGTERM: every loop stops and reports. */
extern volatile sig_atomic_t bench_interrupted;

/* Monotonic nanoseconds. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *target_name(enum target_kind t);
const char *transport_name(enum transport_kind t);

/* load.c: the message load; idle.c: the idle-client test. Fill r; false on failure. */
struct target;
bool load_run(const struct bench_opts *o, const struct target *t, struct result *r);
bool idle_run(const struct bench_opts *o, const struct target *t, struct result *r);

/* The end of the whole invocation (--timeout), in now_ns() time. */
extern uint64_t bench_deadline_ns;

#endif
