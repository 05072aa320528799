/* opts.c - parsing and checking natter-bench's command line. */
#include "opts.h"

#include "sys.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
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
};
/* Receiver bitmaps hold receivers * messages bits: keep them under 512 MiB. */
#define MAX_BITMAP_BITS (4.0 * 1024 * 1024 * 1024)

enum long_only {
	OPT_SPAWN = 256,
	OPT_SERVER_PID,
	OPT_NATTERD,
	OPT_RATE,
	OPT_BASELINE,
	OPT_COMPARE,
	OPT_IDLE,
	OPT_REPEAT,
	OPT_TIMEOUT,
	OPT_STALL,
	OPT_JSON,
	OPT_MARKDOWN,
	OPT_LABEL,
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: natter-bench [options]\n"
	    "Measure natterd: N receivers, S senders, M messages; deliveries/s, latency, loss.\n"
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

static int parse_compare(const char *arg, struct bench_opts *o)
{
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

/* Cross-option checks, after every option is known. */
static int check(struct bench_opts *o, bool spawn_flag, bool messages_given, bool receivers_given)
{
	if (!o->have_unix && !o->have_tcp)
		o->spawn = true;
	else if (spawn_flag)
		return bad("%s",
			   "--spawn starts its own natterd; it cannot be combined with -s or -t");
	if (o->ntransports == 0) {
		o->transports[0] = o->have_unix || o->spawn ? TRANSPORT_UNIX : TRANSPORT_TCP;
		o->ntransports = 1;
	} else if (!o->spawn && !(o->have_unix && o->have_tcp)) {
		return bad("%s",
			   "--compare unix,tcp needs --spawn, or both -s and -t of one server");
	}
	if (o->idle > 0 && (messages_given || receivers_given || o->rate > 0))
		return bad("%s", "--idle is a test of its own; leave out -n, -m and --rate");
	if (o->idle == 0 && (double)o->receivers * (double)o->messages > MAX_BITMAP_BITS)
		return bad("%s", "receivers x messages is too large (the record of who got what "
				 "would pass 512 MiB); lower -n or -m");
	if (o->idle == 0 && o->receivers == 0)
		return bad("%s", "the load needs at least one receiver (-n)");
	if (o->server_pid != 0 && o->spawn)
		return bad("%s", "--server-pid is for a server started elsewhere (-s or -t)");
	if (o->spawn && access(o->natterd, X_OK) < 0)
		return bad("cannot run %s; build it with 'make' or name it with --natterd",
			   o->natterd);
	return 0;
}

int opts_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"tcp", required_argument, NULL, 't'},
	    {"spawn", no_argument, NULL, OPT_SPAWN},
	    {"natterd", required_argument, NULL, OPT_NATTERD},
	    {"server-pid", required_argument, NULL, OPT_SERVER_PID},
	    {"receivers", required_argument, NULL, 'n'},
	    {"senders", required_argument, NULL, 'S'},
	    {"messages", required_argument, NULL, 'm'},
	    {"size", required_argument, NULL, 'z'},
	    {"window", required_argument, NULL, 'w'},
	    {"rate", required_argument, NULL, OPT_RATE},
	    {"baseline", required_argument, NULL, OPT_BASELINE},
	    {"compare", required_argument, NULL, OPT_COMPARE},
	    {"idle", required_argument, NULL, OPT_IDLE},
	    {"repeat", required_argument, NULL, OPT_REPEAT},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"stall", required_argument, NULL, OPT_STALL},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"markdown", no_argument, NULL, OPT_MARKDOWN},
	    {"label", required_argument, NULL, OPT_LABEL},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	bool spawn_flag = false, messages_given = false, receivers_given = false;
	struct errmsg e;
	uint64_t v;
	int ch;

	*o = (struct bench_opts){
	    .receivers = DEFAULT_RECEIVERS,
	    .senders = 1,
	    .messages = DEFAULT_MESSAGES,
	    .size = DEFAULT_SIZE,
	    .window = DEFAULT_WINDOW,
	    .repeat = 1,
	    .timeout_s = DEFAULT_TIMEOUT_S,
	    .stall_s = DEFAULT_STALL_S,
	};
	default_natterd(o->natterd, sizeof o->natterd);
	while ((ch = getopt_long(argc, argv, "s:t:n:S:m:z:w:qhV", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (addr_set_unix(&o->unix_addr, optarg, &e) < 0)
				return bad("%s", e.text);
			o->have_unix = true;
			break;
		case 't':
			if (addr_parse_tcp(optarg, "127.0.0.1", &o->tcp_addr, &e) < 0)
				return bad("%s", e.text);
			o->have_tcp = true;
			break;
		case OPT_SPAWN: spawn_flag = true; break;
		case OPT_NATTERD:
			if (strlen(optarg) >= sizeof o->natterd)
				return bad("--natterd path '%s' is too long", optarg);
			snprintf(o->natterd, sizeof o->natterd, "%s", optarg);
			break;
		case OPT_SERVER_PID:
			if (!parse_u64(optarg, 1, INT_MAX, &v))
				return bad("--server-pid '%s' is not a process id", optarg);
			o->server_pid = (long)v;
			break;
		case 'n':
			if (!parse_u64(optarg, 1, MAX_CLIENTS, &v))
				return bad("-n takes 1 to 1000000 receivers, not '%s'", optarg);
			o->receivers = (uint32_t)v;
			receivers_given = true;
			break;
		case 'S':
			if (!parse_u64(optarg, 1, 1000, &v))
				return bad("-S takes 1 to 1000 senders, not '%s'", optarg);
			o->senders = (uint32_t)v;
			break;
		case 'm':
			if (!parse_u64(optarg, 1, MAX_MESSAGES, &v))
				return bad("-m takes 1 to 20000000 messages, not '%s'", optarg);
			o->messages = v;
			messages_given = true;
			break;
		case 'z':
			if (!parse_u64(optarg, BENCH_MIN_TEXT_BYTES, MAX_TEXT_BYTES, &v))
				return bad(
				    "-z takes 35 to 4096 bytes (natterd's text limit), not '%s'",
				    optarg);
			o->size = (uint32_t)v;
			break;
		case 'w':
			if (!parse_u64(optarg, 1, 1000000, &v))
				return bad("-w takes a window of 1 to 1000000 messages, not '%s'",
					   optarg);
			o->window = (uint32_t)v;
			break;
		case OPT_RATE: {
			char *end;

			errno = 0;
			o->rate = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || !(o->rate > 0) || o->rate > 1e8)
				return bad("--rate takes messages a second (above 0), not '%s'",
					   optarg);
			break;
		}
		case OPT_BASELINE:
			if (strcmp(optarg, "relay") != 0)
				return bad("--baseline takes 'relay', not '%s'", optarg);
			o->baseline_relay = true;
			break;
		case OPT_COMPARE:
			if (parse_compare(optarg, o) < 0)
				return -1;
			break;
		case OPT_IDLE:
			if (!parse_u64(optarg, 1, MAX_CLIENTS, &v))
				return bad("--idle takes 1 to 1000000 clients, not '%s'", optarg);
			o->idle = (uint32_t)v;
			break;
		case OPT_REPEAT:
			if (!parse_u64(optarg, 1, BENCH_MAX_REPEAT, &v))
				return bad("--repeat takes 1 to 99, not '%s'", optarg);
			o->repeat = (int)v;
			break;
		case OPT_TIMEOUT:
		case OPT_STALL:
			if (!parse_u64(optarg, 1, 86400, &v))
				return bad(
				    "--timeout and --stall take 1 to 86400 seconds, not '%s'",
				    optarg);
			if (ch == OPT_TIMEOUT)
				o->timeout_s = (unsigned)v;
			else
				o->stall_s = (unsigned)v;
			break;
		case OPT_JSON: o->format = FORMAT_JSON; break;
		case OPT_MARKDOWN: o->format = FORMAT_MARKDOWN; break;
		case OPT_LABEL:
			if (strchr(optarg, '|') != NULL || strchr(optarg, '\n') != NULL)
				return bad("--label '%s' may not hold | or a newline", optarg);
			o->label = optarg;
			break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); return 1;
		case 'V':
			printf("natter-bench %s (protocol %d)\n", NATTER_VERSION, PROTO_VERSION);
			return 1;
		default: return bad("%s", "unknown option");
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	return check(o, spawn_flag, messages_given, receivers_given);
}
