/* SPDX-License-Identifier: ISC */
/* main.c - natter-soak: options, the run loop, and the failure report with the replay command. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "soak.h"
#include "sys.h"

const char *const room_names[NROOMS] = {"#lobby", "#r1", "#r2", "#r3", "#r4", "#r5"};
const char *const op_names[OP_KINDS] = {"connect", "say",  "action", "burst",
					"pm",	   "join", "part",   "rename",
					"quit",	   "drop", "slow",   "kill9+restart"};

static const char usage_text[] =
    "usage: natter-soak --natterd PATH [--seed N] [--seconds N] [--ops N] [--clients N]\n"
    "                   [--history N] [--max-queue BYTES] [--rss-limit-kb N | --no-rss]\n"
    "                   [--proto N] [--no-tear] [--keep] [-v]\n"
    "Drives a real natterd (with --log, on a temporary socket and a loopback TCP port)\n"
    "through random operations from many native, line-mode and TCP clients, and checks\n"
    "after every step that every acknowledged message is in the transcript and in every\n"
    "member's stream exactly once and in id order, that ids only grow (across kill -9 and\n"
    "restart too), that resuming gives exactly what was missed, and that natterd's RSS\n"
    "stays bounded. Stops at --seconds (default 60) or --ops, whichever comes first.\n"
    "On a failure it prints the seed, the last operations and the command to replay it.\n"
    "--proto N: the newest wire version its native clients speak (default the newest);\n"
    "--no-tear: kill -9 never cuts a transcript line short first (for older servers).\n"
    "exit: 0 all invariants held, 1 a failure, 2 usage\n";

static struct soak *the_soak;
static volatile sig_atomic_t stop_requested;

bool soak_interrupted(void)
{
	return stop_requested != 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

uint64_t rnd(struct soak *k, uint64_t n)
{
	/* splitmix64: tiny, and the same sequence on every platform for a seed */
	uint64_t z = (k->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return n ? z % n : z;
}

int room_index(const char *name, size_t len)
{
	for (int i = 0; i < NROOMS; i++)
		if (strlen(room_names[i]) == len && strncasecmp(room_names[i], name, len) == 0)
			return i;
	return -1;
}

/* The command line that replays this run up to the current operation. */
static void print_replay(const struct soak *k, FILE *out)
{
	fprintf(out,
		"replay: %s --natterd %s --seed %llu --ops %llu --clients %u --history %u "
		"--max-queue %lu --proto %u%s\n",
		k->argv0, k->natterd, (unsigned long long)k->seed, (unsigned long long)k->ops,
		k->nslots, k->history, k->max_queue, k->proto, k->no_tear ? " --no-tear" : "");
}

static void print_tail(const char *path, FILE *out)
{
	char line[512];
	char *lines[20] = {0};
	size_t n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		free(lines[n % 20]);
		lines[n % 20] = xstrdup(line);
		n++;
	}
	fclose(f);
	fprintf(out, "natterd's standard error (last lines):\n");
	for (size_t i = n > 20 ? n - 20 : 0; i < n; i++) {
		fprintf(out, "    %s", lines[i % 20]);
		free(lines[i % 20]);
	}
}

void soak_fail(struct soak *k, const char *fmt, ...)
{
	va_list ap;

	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr,
		"\nnatter-soak: seed %llu, step %llu, operation %llu, %.1f s in, server "
		"run %u (pid %ld)\n",
		(unsigned long long)k->seed, (unsigned long long)k->step,
		(unsigned long long)k->ops, (double)(mono_ms() - k->t0) / 1000.0, k->epoch + 1,
		(long)k->pid);
	fprintf(stderr, "last operations:\n");
	for (uint64_t i = k->notes > OPLOG_KEEP ? k->notes - OPLOG_KEEP : 0; i < k->notes; i++)
		fprintf(stderr, "    %s\n", k->oplog[i % OPLOG_KEEP]);
	print_replay(k, stderr);
	print_tail(k->errpath, stderr);
	if (k->keep)
		fprintf(stderr, "kept: %s (socket, transcripts, natterd's log)\n", k->dir);
	exit(1);
}

void soak_note(struct soak *k, const char *fmt, ...)
{
	char *dst = k->oplog[k->notes % OPLOG_KEEP];
	int n =
	    snprintf(dst, sizeof k->oplog[0], "op %llu, step %llu: ", (unsigned long long)k->ops,
		     (unsigned long long)k->step);
	va_list ap;

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof k->oplog[0])
		vsnprintf(dst + n, sizeof k->oplog[0] - (size_t)n, fmt, ap);
	va_end(ap);
	if (k->verbose)
		fprintf(stderr, "%s\n", dst);
	k->notes++;
}

static void usage_exit(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "natter-soak: %s\n", why);
	fputs(usage_text, stderr);
	exit(2);
}

static uint64_t num_arg(int argc, char **argv, int *i, uint64_t max)
{
	uint64_t v;

	if (*i + 1 >= argc || !parse_u64(argv[*i + 1], 0, max, &v)) {
		fprintf(stderr, "natter-soak: %s needs a number from 0 to %llu\n", argv[*i],
			(unsigned long long)max);
		exit(2);
	}
	(*i)++;
	return v;
}

/* A seed from the kernel, for runs not given one. */
static uint64_t fresh_seed(void)
{
	uint64_t v = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &v, sizeof v) != (ssize_t)sizeof v)
			v = 0;
		close(fd);
	}
	if (v == 0)
		v = wall_ms() ^ ((uint64_t)getpid() << 32);
	return v % 1000000000000ULL; /* short enough to type */
}

/*
 * Small histories make resuming clients meet MISSED; large ones keep all.
 * Small queues drop slow readers by the hard cap (and clients whose history
 * alone is larger); natterd's default by the soft one only. Both are drawn
 * even when given, so that a replay with them draws the same operations.
 */
static void draw_settings(struct soak *k, bool hist_given)
{
	static const unsigned hists[] = {30, 200, 100000};
	static const unsigned long queues[] = {65536, 262144, 1048576, 1048576};
	unsigned h = hists[rnd(k, 3)];
	unsigned long q = queues[rnd(k, 4)];

	if (!hist_given)
		k->history = h;
	if (k->max_queue == 0)
		k->max_queue = q;
}

static void parse_args(struct soak *k, int argc, char **argv)
{
	bool seeded = false, hist = false;

	k->seconds = 60;
	k->max_ops = UINT64_MAX;
	k->nslots = 12;
	k->proto = PROTO_VERSION;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--natterd") == 0 && i + 1 < argc) {
			k->natterd = argv[++i];
		} else if (strcmp(a, "--seed") == 0) {
			k->seed = num_arg(argc, argv, &i, UINT64_MAX);
			seeded = true;
		} else if (strcmp(a, "--seconds") == 0) {
			k->seconds = (unsigned)num_arg(argc, argv, &i, 10000000);
		} else if (strcmp(a, "--ops") == 0) {
			k->max_ops = num_arg(argc, argv, &i, UINT64_MAX);
		} else if (strcmp(a, "--clients") == 0) {
			k->nslots = (unsigned)num_arg(argc, argv, &i, MAX_SLOTS);
		} else if (strcmp(a, "--history") == 0) {
			k->history = (unsigned)num_arg(argc, argv, &i, 100000);
			hist = true;
		} else if (strcmp(a, "--proto") == 0) {
			k->proto = (unsigned)num_arg(argc, argv, &i, PROTO_VERSION);
		} else if (strcmp(a, "--max-queue") == 0) {
			k->max_queue = (unsigned long)num_arg(argc, argv, &i, 1UL << 30);
		} else if (strcmp(a, "--rss-limit-kb") == 0) {
			k->rss_limit_kb = (long)num_arg(argc, argv, &i, 1L << 40);
		} else if (strcmp(a, "--no-rss") == 0) {
			k->rss_limit_kb = -1;
		} else if (strcmp(a, "--no-tear") == 0) {
			k->no_tear = true;
		} else if (strcmp(a, "--keep") == 0) {
			k->keep = true;
		} else if (strcmp(a, "-v") == 0) {
			k->verbose++;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			exit(0);
		} else {
			usage_exit("unknown option or missing value");
		}
	}
	if (k->natterd == NULL)
		usage_exit("--natterd PATH is required");
	if (k->nslots < 3)
		usage_exit("--clients must be at least 3");
	if (!seeded)
		k->seed = fresh_seed();
	k->rng = k->seed;
	draw_settings(k, hist);
	if (k->proto < PROTO_MIN_VERSION)
		usage_exit("--proto must be a wire version natterd speaks");
	if (k->max_queue < 8192)
		usage_exit("--max-queue must be at least 8192");
	if (k->history == 0)
		usage_exit("--history must be at least 1: the checks need the newest message kept");
}

static void at_exit(void)
{
	if (the_soak != NULL)
		daemon_cleanup(the_soak);
}

/* Give each slot its kind, nick and reading speed. */
static void init_slots(struct soak *k)
{
	static const enum conn_kind kinds[] = {CK_NATIVE_UNIX, CK_LINE_UNIX, CK_NATIVE_TCP,
					       CK_NATIVE_UNIX, CK_LINE_TCP};

	for (unsigned i = 0; i < k->nslots; i++) {
		struct slot *s = &k->slots[i];

		s->kind = kinds[i % 5];
		/* A UNIX stream socket's data counts against the sender's buffer, so only
		 * a TCP client's small receive buffer makes natterd's queue grow sooner. */
		s->small_rcvbuf = s->kind == CK_NATIVE_TCP || s->kind == CK_LINE_TCP;
		/* Native clients speak the newest version and the two before it. */
		s->version = k->proto > i % 3 ? k->proto - i % 3 : PROTO_MIN_VERSION;
		s->c.fd = -1;
		s->c.dead = true;
		s->c.slot = (int)i;
		snprintf(s->nick, sizeof s->nick, "s%u-0x", i);
	}
	for (int r = 0; r < NROOMS; r++)
		snprintf(k->rooms[r].name, sizeof k->rooms[r].name, "%s", room_names[r]);
}

static void print_summary(const struct soak *k, int rc)
{
	printf("natter-soak: %s after %llu operations in %llu steps, %.1f s, seed %llu\n",
	       rc == 0 ? "passed" : "FAILED", (unsigned long long)k->ops,
	       (unsigned long long)k->step, (double)(mono_ms() - k->t0) / 1000.0,
	       (unsigned long long)k->seed);
	printf("operations:");
	for (int i = 0; i < OP_KINDS; i++)
		printf(" %s %llu%s", op_names[i], (unsigned long long)k->counts[i],
		       i + 1 < OP_KINDS ? "," : "\n");
	printf("messages acknowledged %llu, checks %llu, dropped as too slow %llu, restarts %llu "
	       "(%llu with a torn line), history %u, max queue %lu, clients %u\n",
	       (unsigned long long)k->msgs_acked, (unsigned long long)k->checks,
	       (unsigned long long)k->drops_slow, (unsigned long long)k->restarts,
	       (unsigned long long)k->tears, k->history, k->max_queue, k->nslots);
	if (k->rss_limit_kb >= 0)
		printf("natterd RSS: %ld kB at start, %ld kB at most\n", k->rss_base_kb,
		       k->rss_peak_kb);
}

int main(int argc, char **argv)
{
	static struct soak k;
	struct sigaction sa = {.sa_handler = on_signal};
	int rc;

	k.argv0 = argv[0];
	parse_args(&k, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ignore_sigpipe() < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGHUP, &sa, NULL) < 0) {
		perror("natter-soak: sigaction");
		return 1;
	}
	printf("natter-soak: seed %llu, %u s", (unsigned long long)k.seed, k.seconds);
	if (k.max_ops != UINT64_MAX)
		printf(" or %llu operations", (unsigned long long)k.max_ops);
	printf(", %u clients, history %u, max queue %lu\n", k.nslots, k.history, k.max_queue);
	the_soak = &k;
	if (atexit(at_exit) != 0)
		return 1;
	init_slots(&k);
	k.t0 = mono_ms();
	daemon_paths(&k);
	daemon_start(&k);
	while (k.ops < k.max_ops && mono_ms() - k.t0 < (uint64_t)k.seconds * 1000 &&
	       !stop_requested)
		ops_step(&k);
	if (stop_requested)
		soak_fail(&k, "interrupted by a signal");
	for (unsigned i = 0; i < k.nslots; i++)
		if (k.slots[i].c.fd >= 0)
			conn_close_abrupt(&k, &k.slots[i].c);
	rc = daemon_stop(&k);
	daemon_scan_log(&k);
	if (rc != 0)
		soak_fail(&k,
			  "natterd exited with status %d at the final SIGTERM (a sanitizer "
			  "report?)",
			  rc);
	print_summary(&k, 0);
	return 0;
}
