/* SPDX-License-Identifier: ISC */
/* opts.c - parsing and checking natter-bench's command line: one table row per option. */
#include "opts.h"

#include "sys.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "proto.h"
#include "version.h"

enum {
	DEFAULT_RECEIVERS = 10,
	DEFAULT_MESSAGES = 10000,
	DEFAULT_SIZE = 64,
	DEFAULT_WINDOW = 256,
	DEFAULT_TIMEOUT_S = 600,
	DEFAULT_STALL_S = 10,
	MAX_MESSAGES = 20000000,
	MAX_CLIENTS = 1000000,
	MAX_SENDERS = 1000,
};
/* Receiver bitmaps hold receivers * messages bits: keep them under 512 MiB. */
#define MAX_BITMAP_BITS (4.0 * 1024 * 1024 * 1024)

/* Every option's getopt value: a short option's letter, or a number past the letters. */
enum opt_id {
	OPT_SOCKET = 's',
	OPT_TCP = 't',
	OPT_RECEIVERS = 'n',
	OPT_SENDERS = 'S',
	OPT_MESSAGES = 'm',
	OPT_SIZE = 'z',
	OPT_WINDOW = 'w',
	OPT_QUIET = 'q',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_SPAWN = 256,
	OPT_SERVER_PID,
	OPT_NATTERD,
	OPT_RATE,
	OPT_BASELINE,
	OPT_COMPARE,
	OPT_IDLE,
	OPT_ROOMS,
	OPT_LINE,
	OPT_REPEAT,
	OPT_TIMEOUT,
	OPT_STALL,
	OPT_JSON,
	OPT_MARKDOWN,
	OPT_LABEL,
	OPT_END
};

/* The parse in progress: the options being filled, and which were given. */
struct parse {
	struct bench_opts *o;
	bool given[OPT_END];
};

/*
 * One option. A numeric option (set == NULL) stores a number from min to
 * max into the field at off (width bytes); a bad value prints range_err.
 * Any other option has a handler; 1 from a handler means "printed, exit 0".
 */
struct opt_row {
	const char *name;
	int has_arg;
	enum opt_id id;
	int (*set)(struct parse *p, const char *arg);
	uint64_t min, max;
	size_t off, width;
	const char *range_err;
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: natter-bench [options]\n"
	    "Measure natterd: N receivers, S senders, M messages; deliveries/s, deliveries per\n"
	    "server CPU-second, latency, loss.\n"
	    "\n"
	    "  -s, --socket PATH       a running natterd's UNIX socket (start it with --rate 0)\n"
	    "  -t, --tcp [HOST:]PORT   a running natterd over TCP\n"
	    "      --spawn             start bin/natterd here (the default without -s/-t)\n"
	    "      --natterd PATH      natterd to spawn (default: beside natter-bench)\n"
	    "      --server-pid PID    the running server, for its RSS and CPU time\n"
	    "                          (found with SO_PEERCRED on a UNIX socket)\n"
	    "  -n, --receivers N       receivers (default %d)\n"
	    "  -S, --senders N         senders (default 1)\n"
	    "  -m, --messages M        messages in all (default %d)\n"
	    "  -z, --size BYTES        text bytes per message, %d to %d (default %d)\n"
	    "  -w, --window N          messages sent but not yet received by every\n"
	    "                          receiver (default %d)\n"
	    "      --rate MSGS_PER_S   offer messages at this rate instead of full speed\n"
	    "      --rooms R           spread receivers and senders over R rooms (default 1:\n"
	    "                          everyone in #lobby); needs R <= senders and receivers\n"
	    "      --line              receivers use natterd's plain-text line mode\n"
	    "      --baseline relay    also run the same load against the built-in relay\n"
	    "      --compare unix,tcp  the same load over both transports\n"
	    "      --idle N            the idle test instead: N clients that only read\n"
	    "      --repeat K          run each configuration K times; report medians\n"
	    "      --timeout S         end everything after S seconds (default %d)\n"
	    "      --stall S           end a run after S seconds without progress (default %d)\n"
	    "      --json              machine-readable results on stdout\n"
	    "      --markdown          results as Markdown table rows (for BENCHMARKS.md)\n"
	    "      --label TEXT        the configuration column of --markdown rows\n"
	    "  -q, --quiet             no progress notes on stderr\n"
	    "  -h, --help              show this help\n"
	    "  -V, --version           show the version\n"
	    "\n"
	    "exit status: 0 if every run finished with nothing lost or duplicated, 1 if not\n"
	    "(or on a runtime error), 2 on a usage error.\n",
	    DEFAULT_RECEIVERS, DEFAULT_MESSAGES, BENCH_MIN_TEXT_BYTES, MAX_TEXT_BYTES, DEFAULT_SIZE,
	    DEFAULT_WINDOW, DEFAULT_TIMEOUT_S, DEFAULT_STALL_S);
}

__attribute__((format(printf, 1, 2))) static int bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("natter-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; try 'natter-bench --help'\n", stderr);
	return -1;
}

/* The directory of this program + "/natterd". */
static void default_natterd(char *out, size_t cap)
{
	char self[ADDR_PATH_BYTES];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n <= 0) {
		snprintf(out, cap, "bin/natterd");
		return;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	if ((size_t)snprintf(out, cap, "%s/natterd", self) >= cap)
		snprintf(out, cap, "bin/natterd");
}

static int set_socket(struct parse *p, const char *arg)
{
	struct errmsg e;

	if (addr_set_unix(&p->o->unix_addr, arg, &e) < 0)
		return bad("%s", e.text);
	p->o->have_unix = true;
	return 0;
}

static int set_tcp(struct parse *p, const char *arg)
{
	struct errmsg e;

	if (addr_parse_tcp(arg, "127.0.0.1", &p->o->tcp_addr, &e) < 0)
		return bad("%s", e.text);
	p->o->have_tcp = true;
	return 0;
}

static int set_natterd(struct parse *p, const char *arg)
{
	if (strlen(arg) >= sizeof p->o->natterd)
		return bad("--natterd path '%s' is too long", arg);
	snprintf(p->o->natterd, sizeof p->o->natterd, "%s", arg);
	return 0;
}

static int set_rate(struct parse *p, const char *arg)
{
	char *end;

	errno = 0;
	p->o->rate = strtod(arg, &end);
	if (errno != 0 || *end != '\0' || !(p->o->rate > 0) || p->o->rate > 1e8)
		return bad("--rate takes messages a second (above 0), not '%s'", arg);
	return 0;
}

static int set_baseline(struct parse *p, const char *arg)
{
	if (strcmp(arg, "relay") != 0)
		return bad("--baseline takes 'relay', not '%s'", arg);
	p->o->baseline_relay = true;
	return 0;
}

static int set_compare(struct parse *p, const char *arg)
{
	struct bench_opts *o = p->o;

	if (strcmp(arg, "unix,tcp") == 0) {
		o->transports[0] = TRANSPORT_UNIX;
		o->transports[1] = TRANSPORT_TCP;
	} else if (strcmp(arg, "tcp,unix") == 0) {
		o->transports[0] = TRANSPORT_TCP;
		o->transports[1] = TRANSPORT_UNIX;
	} else {
		return bad("--compare takes 'unix,tcp', not '%s'", arg);
	}
	o->ntransports = 2;
	return 0;
}

static int set_label(struct parse *p, const char *arg)
{
	if (strchr(arg, '|') != NULL || strchr(arg, '\n') != NULL)
		return bad("--label '%s' may not hold | or a newline", arg);
	p->o->label = arg;
	return 0;
}

/* Flags whose meaning is only "given" (recorded in p->given by the caller). */
static int set_flag(struct parse *p, const char *arg)
{
	(void)p;
	(void)arg;
	return 0;
}

static int show_help(struct parse *p, const char *arg)
{
	(void)p;
	(void)arg;
	usage(stdout);
	return 1;
}

static int show_version(struct parse *p, const char *arg)
{
	(void)p;
	(void)arg;
	printf("natter-bench %s (protocol %d)\n", NATTER_VERSION, PROTO_VERSION);
	return 1;
}

#define NUM(name, id, min, max, field, err)                                                        \
	{                                                                                          \
		name, required_argument, id, NULL, min, max, offsetof(struct bench_opts, field),   \
		    sizeof(((struct bench_opts *)0)->field), err                                   \
	}
#define FN(name, arg, id, fn)                                                                      \
	{                                                                                          \
		name, arg, id, fn, 0, 0, 0, 0, NULL                                                \
	}

static const struct opt_row rows[] = {
    FN("socket", required_argument, OPT_SOCKET, set_socket),
    FN("tcp", required_argument, OPT_TCP, set_tcp),
    FN("spawn", no_argument, OPT_SPAWN, set_flag),
    FN("natterd", required_argument, OPT_NATTERD, set_natterd),
    NUM("server-pid", OPT_SERVER_PID, 1, INT_MAX, server_pid, "--server-pid takes a process id"),
    NUM("receivers", OPT_RECEIVERS, 1, MAX_CLIENTS, receivers, "-n takes 1 to 1000000 receivers"),
    NUM("senders", OPT_SENDERS, 1, MAX_SENDERS, senders, "-S takes 1 to 1000 senders"),
    NUM("messages", OPT_MESSAGES, 1, MAX_MESSAGES, messages, "-m takes 1 to 20000000 messages"),
    NUM("size", OPT_SIZE, BENCH_MIN_TEXT_BYTES, MAX_TEXT_BYTES, size,
	"-z takes 35 to 4096 bytes (natterd's text limit)"),
    NUM("window", OPT_WINDOW, 1, 1000000, window, "-w takes a window of 1 to 1000000 messages"),
    FN("rate", required_argument, OPT_RATE, set_rate),
    NUM("rooms", OPT_ROOMS, 1, MAX_SENDERS, rooms, "--rooms takes 1 to 1000 rooms"),
    FN("line", no_argument, OPT_LINE, set_flag),
    FN("baseline", required_argument, OPT_BASELINE, set_baseline),
    FN("compare", required_argument, OPT_COMPARE, set_compare),
    NUM("idle", OPT_IDLE, 1, MAX_CLIENTS, idle, "--idle takes 1 to 1000000 clients"),
    NUM("repeat", OPT_REPEAT, 1, BENCH_MAX_REPEAT, repeat, "--repeat takes 1 to 99"),
    NUM("timeout", OPT_TIMEOUT, 1, 86400, timeout_s, "--timeout takes 1 to 86400 seconds"),
    NUM("stall", OPT_STALL, 1, 86400, stall_s, "--stall takes 1 to 86400 seconds"),
    FN("json", no_argument, OPT_JSON, set_flag),
    FN("markdown", no_argument, OPT_MARKDOWN, set_flag),
    FN("label", required_argument, OPT_LABEL, set_label),
    FN("quiet", no_argument, OPT_QUIET, set_flag),
    FN("help", no_argument, OPT_HELP, show_help),
    FN("version", no_argument, OPT_VERSION, show_version),
};
enum { NROWS = sizeof rows / sizeof rows[0] };

/* Store v into a numeric row's field, whatever its width (every such field is an integer). */
static void store(struct bench_opts *o, const struct opt_row *row, uint64_t v)
{
	char *field = (char *)o + row->off;

	if (row->width == sizeof(uint64_t)) {
		uint64_t w = v;

		memcpy(field, &w, sizeof w);
	} else {
		uint32_t w = (uint32_t)v;

		memcpy(field, &w, sizeof w);
	}
}

/* Apply one option's row; 0, 1 (help or version printed) or -1. */
static int apply(struct parse *p, const struct opt_row *row, const char *arg)
{
	uint64_t v;

	p->given[row->id] = true;
	if (row->set != NULL)
		return row->set(p, arg);
	if (!parse_u64(arg, row->min, row->max, &v))
		return bad("%s, not '%s'", row->range_err, arg);
	store(p->o, row, v);
	return 0;
}

/* The options that were only flags, into their fields. */
static void take_flags(struct parse *p)
{
	struct bench_opts *o = p->o;

	o->line = p->given[OPT_LINE];
	o->quiet = p->given[OPT_QUIET];
	if (p->given[OPT_JSON])
		o->format = FORMAT_JSON;
	if (p->given[OPT_MARKDOWN])
		o->format = FORMAT_MARKDOWN;
}

/* Which server and transports: spawn by default, --compare needs both addresses. */
static int check_target(struct parse *p)
{
	struct bench_opts *o = p->o;

	if (!o->have_unix && !o->have_tcp)
		o->spawn = true;
	else if (p->given[OPT_SPAWN])
		return bad("%s",
			   "--spawn starts its own natterd; it cannot be combined with -s or -t");
	if (o->ntransports == 0) {
		o->transports[0] = o->have_unix || o->spawn ? TRANSPORT_UNIX : TRANSPORT_TCP;
		o->ntransports = 1;
	} else if (!o->spawn && !(o->have_unix && o->have_tcp)) {
		return bad("%s",
			   "--compare unix,tcp needs --spawn, or both -s and -t of one server");
	}
	if (o->server_pid != 0 && o->spawn)
		return bad("%s", "--server-pid is for a server started elsewhere (-s or -t)");
	if (o->spawn && access(o->natterd, X_OK) < 0)
		return bad("cannot run %s; build it with 'make' or name it with --natterd",
			   o->natterd);
	return 0;
}

/* Cross-option checks of the load, after every option is known. */
static int check_load(struct parse *p)
{
	struct bench_opts *o = p->o;

	if (o->idle > 0 && (p->given[OPT_MESSAGES] || p->given[OPT_RECEIVERS] || o->rate > 0 ||
			    p->given[OPT_ROOMS] || p->given[OPT_LINE] || p->given[OPT_SENDERS]))
		return bad("%s", "--idle is a test of its own; leave out -n, -S, -m, --rate, "
				 "--rooms and --line");
	if (o->idle > 0)
		return 0;
	if ((double)o->receivers * (double)o->messages > MAX_BITMAP_BITS)
		return bad("%s", "receivers x messages is too large (the record of who got what "
				 "would pass 512 MiB); lower -n or -m");
	if (o->rooms > o->senders || o->rooms > o->receivers)
		return bad("--rooms %" PRIu32 " needs at least as many senders (-S) and receivers "
			   "(-n), so every room has both",
			   o->rooms);
	if (o->line && o->rooms > 1)
		return bad("%s", "--line receivers stay in #lobby; leave out --rooms");
	return 0;
}

/* The getopt tables, built from rows once. */
static void build_getopt(struct option *longs, char *shorts)
{
	size_t ns = 0;

	for (size_t i = 0; i < NROWS; i++) {
		longs[i] = (struct option){rows[i].name, rows[i].has_arg, NULL, (int)rows[i].id};
		if (rows[i].id < 256) {
			shorts[ns++] = (char)rows[i].id;
			if (rows[i].has_arg == required_argument)
				shorts[ns++] = ':';
		}
	}
	longs[NROWS] = (struct option){NULL, 0, NULL, 0};
	shorts[ns] = '\0';
}

static const struct opt_row *row_of(int id)
{
	for (size_t i = 0; i < NROWS; i++)
		if ((int)rows[i].id == id)
			return &rows[i];
	return NULL;
}

int opts_parse(int argc, char **argv, struct bench_opts *o)
{
	struct option longs[NROWS + 1];
	char shorts[2 * NROWS + 1];
	struct parse p = {.o = o};
	int ch, rc;

	*o = (struct bench_opts){
	    .receivers = DEFAULT_RECEIVERS,
	    .senders = 1,
	    .messages = DEFAULT_MESSAGES,
	    .size = DEFAULT_SIZE,
	    .window = DEFAULT_WINDOW,
	    .rooms = 1,
	    .repeat = 1,
	    .timeout_s = DEFAULT_TIMEOUT_S,
	    .stall_s = DEFAULT_STALL_S,
	};
	default_natterd(o->natterd, sizeof o->natterd);
	build_getopt(longs, shorts);
	while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct opt_row *row = row_of(ch);

		if (row == NULL)
			return bad("%s", "unknown option");
		rc = apply(&p, row, optarg);
		if (rc != 0)
			return rc;
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	take_flags(&p);
	if (check_target(&p) < 0)
		return -1;
	return check_load(&p);
}
