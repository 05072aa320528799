/* SPDX-License-Identifier: ISC */
/* main.c - natterd's entry point: parse the command line, open listeners, run the loop. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ctlproto.h"
#include "log.h"
#include "server.h"
#include "sigpipe.h"
#include "sys.h"
#include "version.h"

enum exit_code { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_RUNNING = 3 };

enum long_only {
	OPT_NO_UNIX = 256,
	OPT_ALLOW_REMOTE,
	OPT_NUM, /* one of num_opts, found by its name */
	OPT_LOG,
	OPT_IDENTITY,
	OPT_LOG_LEVEL,
	OPT_CONTROL,
	OPT_NO_CONTROL,
	OPT_TRACE,
	OPT_TEACHERS,
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: natterd [options]\n"
	    "Serve natter chat on a UNIX socket (and loopback TCP with --tcp).\n"
	    "\n"
	    "  -s, --socket PATH       UNIX socket path (default: "
	    "$XDG_RUNTIME_DIR/natter/natter.sock,\n"
	    "                          or /tmp/natter-UID/natter.sock)\n"
	    "  -m, --mode OCTAL        socket file permissions (default 0600; 0666 lets everyone "
	    "in)\n"
	    "      --no-unix           do not listen on a UNIX socket (needs --tcp)\n"
	    "      --control PATH      control socket for natterctl (default: the socket path\n"
	    "                          plus .ctl; with --no-unix, the default socket path plus\n"
	    "                          .ctl); mode 0600, answering only this user and root\n"
	    "      --no-control        no control socket\n"
	    "  -t, --tcp [HOST:]PORT   also listen on TCP; HOST defaults to 127.0.0.1, [::1]:PORT\n"
	    "                          for IPv6; may be given up to %d times\n"
	    "      --allow-remote      allow a non-loopback TCP address (no encryption, no "
	    "passwords!)\n"
	    "  -n, --name NAME         server name shown to clients (default natterd)\n"
	    "      --max-clients N     connection limit (default: from the descriptor limit)\n"
	    "      --max-queue BYTES   per-client unread output before it is dropped (default %d)\n"
	    "      --soft-queue BYTES  ... or this much for --soft-queue-time seconds (default "
	    "%d)\n"
	    "      --soft-queue-time S (default %d)\n"
	    "      --max-per-uid N     connections from one local user (default %d)\n"
	    "      --rate N            messages a second per client, 0 for no limit (default %d)\n"
	    "      --burst N           messages at once before --rate applies (default %d)\n"
	    "      --max-text BYTES    longest message accepted (default and most %d)\n"
	    "      --frame-timeout S   seconds a frame may stay unfinished (default %d)\n"
	    "      --hello-timeout S   seconds a new connection has to send HELLO (default %d)\n"
	    "      --ping-interval S   seconds of silence before a PING (default %d)\n"
	    "      --ping-timeout S    seconds to answer a PING (default %d)\n"
	    "      --history N         messages kept per room for late joiners (default %d)\n"
	    "      --log DIR           append room transcripts to DIR/ROOM.log and reload them\n"
	    "                          at start, so history and ids survive a restart\n"
	    "      --identity MODE     'strict': a UNIX client's nick must be its login name\n"
	    "                          (or login/suffix); 'open' (default): any free nick\n"
	    "      --teachers GROUP    a classroom: UNIX clients in this Unix group (or gid) are\n"
	    "                          teachers (/announce, /slow, /mute, /kick, raised hands)\n"
	    "      --log-level LEVEL   error, warning, info (default) or debug (each connection)\n"
	    "      --trace[=FILE]      print every frame in and out (type, fields, hex bytes) and\n"
	    "                          line-mode text, on stderr or appended to FILE; for labs\n"
	    "  -q, --quiet             log only warnings and errors (--log-level warning)\n"
	    "  -h, --help              show this help\n"
	    "  -V, --version           show the version\n"
	    "\n"
	    "exit status: 0 after a clean shutdown (SIGINT, SIGTERM or SIGHUP), 1 on a runtime\n"
	    "error, 2 on a usage error, 3 if a server is already running on the socket path.\n"
	    "\n"
	    "Started by a service manager with LISTEN_PID and LISTEN_FDS set (systemd socket\n"
	    "activation), natterd listens on the sockets passed instead of binding its own.\n",
	    MAX_LISTENERS, DEFAULT_MAX_QUEUE_BYTES, DEFAULT_SOFT_QUEUE_BYTES, DEFAULT_SOFT_QUEUE_S,
	    DEFAULT_MAX_PER_UID, DEFAULT_RATE, DEFAULT_BURST, MAX_TEXT_BYTES,
	    DEFAULT_FRAME_TIMEOUT_S, DEFAULT_HELLO_TIMEOUT_S, DEFAULT_PING_INTERVAL_S,
	    DEFAULT_PING_TIMEOUT_S, DEFAULT_HISTORY);
}

/* Name the option getopt_long just rejected, as the user wrote it. */
static void bad_option(char *const argv[], int code)
{
	const char *arg = argv[optind - 1];

	if (code == ':')
		fprintf(stderr, "natterd: option %s needs an argument; try 'natterd --help'\n",
			arg);
	else if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		fprintf(stderr, "natterd: unknown option -%c; try 'natterd --help'\n", optopt);
	else
		fprintf(stderr, "natterd: unknown option %s; try 'natterd --help'\n", arg);
}

/*
 * Where the control socket goes: --control, else beside the chat socket (PATH.ctl), else, with
 * --no-unix, beside the default chat socket path. Called once the chat socket's path is known (the
 * default one is only looked up, and its directory made, when natterd binds itself).
 */
static int control_path_choose(struct config *cfg, struct errmsg *e)
{
	char sock[ADDR_PATH_BYTES];

	if (!cfg->control_enabled || cfg->control_path[0] != '\0')
		return 0;
	if (cfg->unix_enabled) {
		snprintf(sock, sizeof sock, "%s", cfg->socket_path);
	} else if (sockpath_default(sock, sizeof sock, true, e) < 0) {
		errmsg_set(e, "%s (or use --control PATH or --no-control)", e->text);
		return -1;
	}
	if (ctl_path_for(sock, cfg->control_path, sizeof cfg->control_path, e) < 0) {
		errmsg_set(e, "%s; choose a shorter --control PATH, or --no-control", e->text);
		return -1;
	}
	return 0;
}

static const struct option long_opts[] = {
    {"socket", required_argument, NULL, 's'},
    {"mode", required_argument, NULL, 'm'},
    {"no-unix", no_argument, NULL, OPT_NO_UNIX},
    {"control", required_argument, NULL, OPT_CONTROL},
    {"no-control", no_argument, NULL, OPT_NO_CONTROL},
    {"tcp", required_argument, NULL, 't'},
    {"allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE},
    {"name", required_argument, NULL, 'n'},
    {"max-clients", required_argument, NULL, OPT_NUM},
    {"max-queue", required_argument, NULL, OPT_NUM},
    {"hello-timeout", required_argument, NULL, OPT_NUM},
    {"ping-interval", required_argument, NULL, OPT_NUM},
    {"ping-timeout", required_argument, NULL, OPT_NUM},
    {"history", required_argument, NULL, OPT_NUM},
    {"log", required_argument, NULL, OPT_LOG},
    {"identity", required_argument, NULL, OPT_IDENTITY},
    {"rate", required_argument, NULL, OPT_NUM},
    {"burst", required_argument, NULL, OPT_NUM},
    {"frame-timeout", required_argument, NULL, OPT_NUM},
    {"soft-queue", required_argument, NULL, OPT_NUM},
    {"soft-queue-time", required_argument, NULL, OPT_NUM},
    {"max-per-uid", required_argument, NULL, OPT_NUM},
    {"max-text", required_argument, NULL, OPT_NUM},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"trace", optional_argument, NULL, OPT_TRACE},
    {"teachers", required_argument, NULL, OPT_TEACHERS},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The numeric options: name, bounds, default, and the field of struct config that takes it. */
struct num_opt {
	const char *name;
	uint64_t min, max, def;
	size_t off, size;
};

#define NUM_OPT(name, min, max, def, field)                                                        \
	{                                                                                          \
		name, min, max, def, offsetof(struct config, field),                               \
		    sizeof(((struct config *)0)->field)                                            \
	}

static const struct num_opt num_opts[] = {
    NUM_OPT("max-clients", 1, 1000000, 0, max_clients),
    NUM_OPT("max-queue", 1, 1UL << 30, DEFAULT_MAX_QUEUE_BYTES, max_queue_bytes),
    NUM_OPT("hello-timeout", 1, 1000000, DEFAULT_HELLO_TIMEOUT_S, hello_timeout_s),
    NUM_OPT("ping-interval", 1, 1000000, DEFAULT_PING_INTERVAL_S, ping_interval_s),
    NUM_OPT("ping-timeout", 1, 1000000, DEFAULT_PING_TIMEOUT_S, ping_timeout_s),
    NUM_OPT("history", 0, MAX_HISTORY, DEFAULT_HISTORY, history),
    NUM_OPT("rate", 0, 1000000, DEFAULT_RATE, rate),
    NUM_OPT("burst", 1, 1000000, DEFAULT_BURST, burst),
    NUM_OPT("frame-timeout", 1, 1000000, DEFAULT_FRAME_TIMEOUT_S, frame_timeout_s),
    NUM_OPT("soft-queue", 1, 1UL << 30, DEFAULT_SOFT_QUEUE_BYTES, soft_queue_bytes),
    NUM_OPT("soft-queue-time", 1, 1000000, DEFAULT_SOFT_QUEUE_S, soft_queue_s),
    NUM_OPT("max-per-uid", 1, 1000000, DEFAULT_MAX_PER_UID, max_per_uid),
    NUM_OPT("max-text", 1, MAX_TEXT_BYTES, MAX_TEXT_BYTES, max_text),
};

/* Store v in n's field of cfg, whatever its width. */
static void num_store(struct config *cfg, const struct num_opt *n, uint64_t v)
{
	uint32_t w = (uint32_t)v;

	memcpy((unsigned char *)cfg + n->off, n->size == sizeof w ? (void *)&w : (void *)&v,
	       n->size);
}

/* The numeric option called name; 0, or -1 after its sentence on stderr. */
static int num_option(const char *name, const char *arg, struct config *cfg)
{
	for (size_t i = 0; i < sizeof num_opts / sizeof num_opts[0]; i++) {
		const struct num_opt *n = &num_opts[i];
		uint64_t v;

		if (strcmp(n->name, name) != 0)
			continue;
		if (!parse_u64(arg, n->min, n->max, &v)) {
			fprintf(stderr,
				"natterd: --%s must be a number from %llu to %llu, not '%s'\n",
				name, (unsigned long long)n->min, (unsigned long long)n->max, arg);
			return -1;
		}
		num_store(cfg, n, v);
	}
	return 0;
}

/* The paths whose checks wait until every option is known. */
struct paths {
	const char *socket, *control;
};

/* The options that take a word (a level, a group, a path) or none. */
static int text_option(int ch, const char *arg, char *argv[], struct config *cfg)
{
	int level;

	switch (ch) {
	case OPT_LOG:
		if (arg[0] == '\0') {
			fprintf(stderr, "natterd: --log needs a directory\n");
			return -1;
		}
		cfg->log_dir = arg;
		return 0;
	case OPT_IDENTITY:
		if (strcmp(arg, "strict") != 0 && strcmp(arg, "open") != 0) {
			fprintf(stderr, "natterd: --identity is 'strict' or 'open', not '%s'\n",
				arg);
			return -1;
		}
		cfg->identity_strict = strcmp(arg, "strict") == 0;
		return 0;
	case OPT_LOG_LEVEL:
		level = log_level_parse(arg);
		if (level < 0) {
			fprintf(stderr,
				"natterd: --log-level is error, warning, info or debug, not '%s'\n",
				arg);
			return -1;
		}
		log_set_level((enum log_level)level);
		return 0;
	case OPT_TRACE:
		if (arg != NULL && arg[0] == '\0') {
			fprintf(stderr, "natterd: --trace= needs a file name, e.g. "
					"--trace=/tmp/natterd.trace\n");
			return -1;
		}
		cfg->trace = true;
		cfg->trace_path = arg;
		return 0;
	case OPT_TEACHERS:
		if (arg[0] == '\0') {
			fprintf(stderr, "natterd: --teachers needs a Unix group name or number\n");
			return -1;
		}
		cfg->teachers_group = arg;
		return 0;
	case 'q': log_set_level(LOG_WARN); return 0;
	case 'h': usage(stdout); exit(EXIT_OK);
	case 'V':
		printf("natterd %s (protocol %d)\n", NATTER_VERSION, PROTO_VERSION);
		exit(EXIT_OK);
	default: bad_option(argv, ch); return -1;
	}
}

/* One option that is not a number; 0, or -1 after its sentence on stderr. */
static int word_option(int ch, const char *arg, char *argv[], struct config *cfg, struct paths *p)
{
	struct errmsg e;
	char *end;
	unsigned long mode;

	switch (ch) {
	case 's': p->socket = arg, cfg->listen_given = true; return 0;
	case 'm':
		errno = 0;
		mode = strtoul(arg, &end, 8);
		if (errno != 0 || *end != '\0' || arg[0] == '\0' || mode > 0777) {
			fprintf(stderr,
				"natterd: --mode '%s' is not an octal mode from 0 to 0777\n", arg);
			return -1;
		}
		cfg->socket_mode = (mode_t)mode;
		cfg->listen_given = true;
		return 0;
	case OPT_NO_UNIX: cfg->unix_enabled = false, cfg->listen_given = true; return 0;
	case OPT_CONTROL: p->control = arg; return 0;
	case OPT_NO_CONTROL: cfg->control_enabled = false; return 0;
	case 't':
		if (cfg->ntcp == MAX_LISTENERS) {
			fprintf(stderr, "natterd: at most %d --tcp addresses\n", MAX_LISTENERS);
			return -1;
		}
		if (addr_parse_tcp(arg, "127.0.0.1", &cfg->tcp[cfg->ntcp], &e) < 0) {
			fprintf(stderr, "natterd: %s\n", e.text);
			return -1;
		}
		cfg->ntcp++;
		cfg->listen_given = true;
		return 0;
	case OPT_ALLOW_REMOTE: cfg->allow_remote = true; return 0;
	case 'n':
		if (strlen(arg) == 0 || strlen(arg) >= sizeof cfg->name) {
			fprintf(stderr, "natterd: --name must be 1 to %zu bytes\n",
				sizeof cfg->name - 1);
			return -1;
		}
		snprintf(cfg->name, sizeof cfg->name, "%s", arg);
		return 0;
	default: return text_option(ch, arg, argv, cfg);
	}
}

/* Check what the options left to the end: a place to listen, and the paths' lengths. */
static int check_paths(struct config *cfg, const struct paths *p)
{
	struct errmsg e;
	struct addr a;

	if (!cfg->unix_enabled && cfg->ntcp == 0) {
		fprintf(stderr, "natterd: --no-unix needs at least one --tcp address\n");
		return -1;
	}
	/* The default path is found (and its directory made) only if we bind: see listen.c. */
	if (cfg->unix_enabled && p->socket != NULL) {
		if (addr_set_unix(&a, p->socket, &e) < 0) {
			fprintf(stderr, "natterd: %s\n", e.text);
			return -1; /* a value out of range: a usage error, as documented */
		}
		snprintf(cfg->socket_path, sizeof cfg->socket_path, "%s", p->socket);
	}
	if (cfg->control_enabled && p->control != NULL) {
		if (addr_set_unix(&a, p->control, &e) < 0) {
			fprintf(stderr, "natterd: --control: %s\n", e.text);
			return -1;
		}
		snprintf(cfg->control_path, sizeof cfg->control_path, "%s", p->control);
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct config *cfg)
{
	struct paths p = {0};
	int ch, rc, idx = 0;

	for (size_t i = 0; i < sizeof num_opts / sizeof num_opts[0]; i++)
		num_store(cfg, &num_opts[i], num_opts[i].def);
	opterr = 0; /* our own sentences, named "natterd" whatever the path in argv[0] */
	while ((ch = getopt_long(argc, argv, ":s:m:t:n:qhV", long_opts, &idx)) != -1) {
		if (ch == OPT_NUM)
			rc = num_option(long_opts[idx].name, optarg, cfg);
		else
			rc = word_option(ch, optarg, argv, cfg, &p);
		if (rc < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "natterd: unexpected argument '%s'; try 'natterd --help'\n",
			argv[optind]);
		return -1;
	}
	return check_paths(cfg, &p);
}

/*
 * Raise the soft descriptor limit to the hard one and size --max-clients
 * from it, keeping a few for listeners and the reserve.
 */
static void size_limits(struct config *cfg)
{
	struct rlimit rl;
	size_t cap = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rlim_t old = rl.rlim_cur;

			rl.rlim_cur = rl.rlim_max;
			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				rl.rlim_cur = old;
		}
		if (rl.rlim_cur != RLIM_INFINITY)
			cap = rl.rlim_cur > FD_RESERVE * 2 ? (size_t)rl.rlim_cur - FD_RESERVE
							   : FD_RESERVE;
		else
			cap = 1u << 20;
	}
	if (cfg->max_clients == 0 || cfg->max_clients > cap) {
		if (cfg->max_clients > cap)
			log_warn("--max-clients %zu is above what the descriptor limit allows; "
				 "using %zu",
				 cfg->max_clients, cap);
		cfg->max_clients = cap;
	}
}

/*
 * Listen on the sockets a service manager passed, or else open our own.
 * Returns 0, or the exit status with a sentence in e.
 */
static int open_listeners(struct server *s, struct errmsg *e)
{
	int passed = activation_take(s, e);

	if (passed < 0)
		return EXIT_RUNTIME;
	if (passed == 0) {
		if (listeners_check_tcp(s, e) < 0)
			return EXIT_USAGE;
		/* Made here, not when parsing options, so socket activation never creates it. */
		if (s->cfg.unix_enabled && s->cfg.socket_path[0] == '\0' &&
		    sockpath_default(s->cfg.socket_path, sizeof s->cfg.socket_path, true, e) < 0)
			return EXIT_RUNTIME;
		if (control_path_choose(&s->cfg, e) < 0)
			return EXIT_RUNTIME;
		if (listeners_open(s, e) < 0)
			return errno == EADDRINUSE ? EXIT_RUNNING : EXIT_RUNTIME;
		return 0;
	}
	if (s->cfg.listen_given)
		log_warn("--socket, --mode, --tcp and --no-unix are ignored: natterd listens on "
			 "the sockets the service manager passed");
	if (s->cfg.control_enabled && s->ctl_fd_passed < 0) {
		log_info(
		    "no control socket: the service manager passed none (see contrib/README.md)");
		s->cfg.control_enabled = false;
	}
	return 0;
}

/* Everything before the loop. Returns 0, or the exit status with a sentence in e. */
static int server_setup(struct server *s, struct errmsg *e)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	int rc;

	/* SIGXFSZ ignored: a transcript past ulimit -f is a write failing with EFBIG, not death. */
	if (ignore_sigpipe() < 0 || signal(SIGXFSZ, SIG_IGN) == SIG_ERR) {
		errmsg_set(e, "cannot set up signal handling: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s->rscratch = xmalloc(READ_CHUNK_BYTES);
	size_limits(&s->cfg);
	if (s->cfg.trace) {
		if (trace_sink_open(&s->trace_sink, s->cfg.trace_path, e) < 0)
			return EXIT_RUNTIME;
		s->trace = &s->trace_sink;
	}
	if (classroom_setup(s, e) < 0 || history_init(s, e) < 0)
		return EXIT_RUNTIME;
	/*
	 * Signals are caught only from here on: until the loop runs nobody reads the pipe, and
	 * before the listeners exist SIGTERM may simply end natterd, however long loading takes.
	 */
	if (sigpipe_open(&s->sig, sigs, 3) < 0) {
		errmsg_set(e, "cannot set up signal handling: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	rc = open_listeners(s, e);
	if (rc != 0)
		return rc;
	if (control_setup(s, e) < 0)
		return EXIT_RUNTIME;
	s->started_ms = mono_ms();
	server_add_slot(s, s->sig.rd, NULL);
	for (int i = 0; i < s->nlisteners; i++)
		server_add_slot(s, s->listeners[i].fd, NULL);
	if (s->ctl_fd >= 0)
		server_add_slot(s, s->ctl_fd, NULL);
	s->nfixed = s->nslots;
	return 0;
}

static void server_cleanup(struct server *s)
{
	listeners_close(s);
	control_close(s);
	activation_close(s);
	if (s->sig.rd >= 0)
		sigpipe_close(&s->sig);
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	free(s->pfds);
	free(s->clients);
	free(s->pending);
	free(s->held);
	free(s->rscratch);
	buf_free(&s->enc);
	buf_free(&s->line_out);
	buf_free(&s->batch.frames);
	buf_free(&s->trace_enc);
	if (s->trace != NULL)
		trace_sink_close(s->trace);
	history_cleanup(s);
}

int main(int argc, char **argv)
{
	struct server s = {
	    .cfg =
		{
		    .unix_enabled = true,
		    .control_enabled = true,
		    .socket_mode = 0600,
		    .name = "natterd",
		},
	    .sig = {.rd = -1},
	    .reserve_fd = -1,
	    .id_fd = -1,
	    .ctl_fd = -1,
	    .ctl_fd_passed = -1,
	};
	struct errmsg e;
	int rc, tty;

	log_init();
	if (parse_args(argc, argv, &s.cfg) < 0)
		return EXIT_USAGE;
	tty = bglog_divert(&s.cfg);
	rc = server_setup(&s, &e);
	if (rc != 0) {
		fprintf(stderr, "natterd: %s\n", e.text);
		if (tty >= 0) /* the log is not where anyone looks for why it did not start */
			dprintf(tty, "natterd: %s\n", e.text);
		server_cleanup(&s);
		return rc;
	}
	if (tty >= 0)
		close(tty);
	rc = server_run(&s) < 0 ? EXIT_RUNTIME : EXIT_OK;
	server_cleanup(&s);
	log_info("stopped");
	return rc;
}
