/* SPDX-License-Identifier: ISC */
/* main.c - natter-bench's entry point: parse, set up, run every configuration, report, clean up. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "report.h"
#include "sys.h"
#include "target.h"

enum exit_code { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };
enum { MAX_TARGETS = 2, MAX_CONFIGS = MAX_TARGETS * BENCH_MAX_TRANSPORTS };

volatile sig_atomic_t bench_interrupted;
uint64_t bench_deadline_ns;

static void on_signal(int sig)
{
	(void)sig;
	bench_interrupted = 1;
}

static int setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0)
		return -1;
	return ignore_sigpipe();
}

/* Whether the descriptor limit allows the connections; says what to do if not. */
static bool enough_fds(const struct bench_opts *o)
{
	unsigned long need =
	    (o->idle ? o->idle + 1ul : (unsigned long)o->receivers + o->senders) + FD_MARGIN;

	if (need <= spawn_fd_limit())
		return true;
	fprintf(stderr,
		"natter-bench: %lu connections need about %lu descriptors, but the limit is %lu "
		"even after raising the soft limit to the hard one; raise the hard limit "
		"(ulimit -Hn, or LimitNOFILE/limits.conf as root) or use fewer clients\n",
		need - FD_MARGIN, need, spawn_fd_limit());
	return false;
}

/* One run of one configuration: start the target, load it, stop it. */
static void run_one(const struct bench_opts *o, enum target_kind k, enum transport_kind tr,
		    struct result *r)
{
	struct target t;
	char err[BENCH_ERR_BYTES];

	memset(r, 0, sizeof *r);
	r->target = k;
	r->transport = tr;
	if (target_start(o, k, tr, &t, r->err, sizeof r->err) < 0) {
		r->ok = false;
		target_stop(&t, err, sizeof err);
		return;
	}
	if (o->idle > 0)
		idle_run(o, &t, r);
	else
		load_run(o, &t, r);
	if (target_stop(&t, err, sizeof err) < 0 && r->ok) {
		r->ok = false;
		snprintf(r->err, sizeof r->err, "%s", err);
	}
}

static void progress(const struct bench_opts *o, int i, int n, const struct result *r)
{
	if (o->quiet)
		return;
	if (!r->ok)
		fprintf(stderr, "natter-bench: run %d/%d: %s over %s FAILED: %s\n", i, n,
			target_name(r->target), transport_name(r->transport), r->err);
	else if (o->idle > 0)
		fprintf(stderr,
			"natter-bench: run %d/%d: %s over %s: %.2f s to connect, %.0f B/client\n",
			i, n, target_name(r->target), transport_name(r->transport), r->connect_s,
			r->rss_per_idle_b);
	else
		fprintf(stderr,
			"natter-bench: run %d/%d: %s over %s: %.0f deliveries/s, p99 %.0f us\n", i,
			n, target_name(r->target), transport_name(r->transport),
			r->deliveries_per_s, r->p99_us);
}

/* Every configuration, o->repeat times (interleaved, so drift hits all alike); medians out. */
static int run_all(const struct bench_opts *o, struct result *runs, struct result *med, int *nmed)
{
	enum target_kind kinds[MAX_TARGETS] = {TARGET_NATTER, TARGET_RELAY};
	int nkinds = o->baseline_relay ? 2 : 1, nconf = nkinds * o->ntransports, total, done = 0;

	total = nconf * o->repeat;
	for (int rep = 0; rep < o->repeat && !bench_interrupted; rep++) {
		for (int c = 0; c < nconf && !bench_interrupted; c++) {
			struct result *r = &runs[c * o->repeat + rep];

			run_one(o, kinds[c % nkinds], o->transports[c / nkinds], r);
			progress(o, ++done, total, r);
		}
	}
	if (done < total) {
		fprintf(stderr, "natter-bench: interrupted after %d of %d runs\n", done, total);
		return -1;
	}
	for (int c = 0; c < nconf; c++)
		report_median(&runs[c * o->repeat], o->repeat, &med[c]);
	*nmed = nconf;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct result *runs, med[MAX_CONFIGS];
	char err[BENCH_ERR_BYTES];
	int nmed = 0, rc;

	rc = opts_parse(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (setup_signals() < 0) {
		fprintf(stderr, "natter-bench: cannot set up signals: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	bench_deadline_ns = now_ns() + (uint64_t)o.timeout_s * 1000000000u;
	if (spawn_init(&o, err, sizeof err) < 0) {
		fprintf(stderr, "natter-bench: %s\n", err);
		spawn_cleanup();
		return EXIT_FAILED;
	}
	if (!enough_fds(&o)) {
		spawn_cleanup();
		return EXIT_FAILED;
	}
	runs = calloc((size_t)MAX_CONFIGS * (size_t)o.repeat, sizeof *runs);
	if (runs == NULL) {
		fprintf(stderr, "natter-bench: out of memory\n");
		spawn_cleanup();
		return EXIT_FAILED;
	}
	rc = run_all(&o, runs, med, &nmed);
	spawn_cleanup();
	if (rc == 0) {
		report_print(stdout, &o, med, nmed, runs, nmed * o.repeat);
		for (int i = 0; i < nmed; i++)
			if (!med[i].ok)
				rc = -1;
	}
	free(runs);
	return rc == 0 ? EXIT_OK : EXIT_FAILED;
}
