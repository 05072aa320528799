/* SPDX-License-Identifier: ISC */
/* main.c - natter's entry point: parse the command line, connect, run a front end. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "autostart.h"
#include "core.h"
#include "diag.h"
#include "headless.h"
#include "sys.h"
#include "text.h"
#include "tui.h"
#include "version.h"

#define DEFAULT_TCP_HOST "127.0.0.1"
#define DEFAULT_NICK	 "guest"

enum {
	AUTOSTART_BY_TTY = -1,
	OPT_AUTOSTART = 0x100,
	OPT_NO_AUTOSTART,
	OPT_NO_BELL,
	OPT_SCROLLBACK,
	OPT_RESUME,
	OPT_SERVER_UID,
	OPT_TRACE,
	OPT_LAB_FAULTS,
	MAX_SCROLLBACK_LINES = 1000000,
};

struct options {
	const char *socket_path; /* --socket, else $NATTER_SOCKET, else NULL */
	const char *tcp;
	const char *nick;
	bool headless, json, no_bell;
	size_t scrollback;	  /* lines the full-screen UI keeps */
	int autostart;		  /* 0, 1, or AUTOSTART_BY_TTY */
	uint64_t resume;	  /* --resume: the last message id seen earlier, 0 for none */
	long server_uid;	  /* --server-uid, or -1 */
	bool trace;		  /* --trace */
	const char *trace_path;	  /* --trace=FILE; NULL: stderr (headless only) */
	struct lab_faults faults; /* --lab-faults */
	/* The default nick's own copy: getpwuid's result is overwritten by the next lookup (the
	 * server's login, when its socket is checked). */
	char login_nick[MAX_NICK_BYTES + 1];
	char nick_note[160]; /* why the login name was not taken as the nick, or "" */
};

static const char usage_text[] =
    "usage: natter [options]\n"
    "Chat with the people on a natterd server. Lines typed are sent to the room;\n"
    "/help lists the commands.\n"
    "\n"
    "  -s, --socket PATH      UNIX socket to connect to (default: $NATTER_SOCKET,\n"
    "                         else natter.sock in the private socket directory)\n"
    "  -t, --tcp [HOST:]PORT  connect over TCP instead (host default 127.0.0.1;\n"
    "                         write IPv6 as [::1]:PORT)\n"
    "  -n, --nick NICK        wanted nick (default: $NATTER_NICK, else your login name)\n"
    "  -H, --headless         no full-screen UI (automatic unless stdin and stdout\n"
    "                         are terminals)\n"
    "  -j, --json             headless output as one JSON object per line\n"
    "      --autostart        start natterd if no server answers on the default\n"
    "                         socket (the default when stdin is a terminal)\n"
    "      --no-autostart     never start a server\n"
    "      --scrollback N     lines of scrollback to keep (default 10000)\n"
    "      --no-bell          do not ring the bell when a line mentions you\n"
    "      --resume ID        ID is the last message id seen earlier (from --json):\n"
    "                         get exactly the messages after it in #lobby and in\n"
    "                         each room /join enters\n"
    "      --server-uid USER  the user the server must run as (default: the owner of\n"
    "                         the socket's directory, unless anyone may write there)\n"
    "      --trace[=FILE]     show every frame sent and received (type, fields, hex\n"
    "                         bytes) on stderr, or appended to FILE; the full-screen\n"
    "                         client needs FILE (follow it with tail -f)\n"
    "      --lab-faults=LIST  make this client's writes misbehave on purpose, to see\n"
    "                         why framing matters; LIST is comma-separated:\n"
    "                           bytewise   every byte its own write()\n"
    "                           merge=N    up to N frames in one write() (held <= 100 ms)\n"
    "                           delay=MS   wait MS milliseconds before each write\n"
    "                           drop=N     after N frames (HELLO counts), write half\n"
    "                                      the next one and close the connection\n"
    "  -h, --help             show this help and exit\n"
    "  -V, --version          show the version and exit\n"
    "\n"
    "Exit status:\n"
    "  0  clean exit: end of input or /quit, confirmed by the server\n"
    "  1  other runtime error\n"
    "  2  usage error, or a terminal the full-screen client cannot drive\n"
    "  3  cannot connect (no server, permission denied, bad path)\n"
    "  4  the server refused the connection (its reason is shown)\n"
    "  5  the connection was lost or closed by the server\n";

static const struct option long_options[] = {
    {"socket", required_argument, NULL, 's'},
    {"tcp", required_argument, NULL, 't'},
    {"nick", required_argument, NULL, 'n'},
    {"headless", no_argument, NULL, 'H'},
    {"json", no_argument, NULL, 'j'},
    {"autostart", no_argument, NULL, OPT_AUTOSTART},
    {"no-autostart", no_argument, NULL, OPT_NO_AUTOSTART},
    {"no-bell", no_argument, NULL, OPT_NO_BELL},
    {"scrollback", required_argument, NULL, OPT_SCROLLBACK},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"server-uid", required_argument, NULL, OPT_SERVER_UID},
    {"trace", optional_argument, NULL, OPT_TRACE},
    {"lab-faults", required_argument, NULL, OPT_LAB_FAULTS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Name the option getopt_long just rejected, as the user wrote it. */
static void bad_option(char *const argv[], int code)
{
	const char *arg = argv[optind - 1];

	if (code == ':')
		diag("option %s needs an argument; try 'natter --help'", arg);
	else if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		diag("unknown option -%c; try 'natter --help'", optopt);
	else
		diag("unknown option %s; try 'natter --help'", arg);
}

/* $NATTER_NICK, else the login name if it is a valid nick (copied into o), else "guest"; a
 * reserved login (nobody) is a surprise worth one sentence in o->nick_note. */
static const char *default_nick(struct options *o)
{
	const char *env = getenv("NATTER_NICK");
	const struct passwd *pw;

	if (env != NULL && env[0] != '\0')
		return env;
	pw = getpwuid(geteuid());
	if (pw != NULL && pw->pw_name != NULL && nick_reserved(pw->pw_name, strlen(pw->pw_name)))
		snprintf(
		    o->nick_note, sizeof o->nick_note,
		    "your login '%.*s' is a reserved nick; using '%s' (choose one with --nick)",
		    MAX_NICK_BYTES, pw->pw_name, DEFAULT_NICK);
	if (pw == NULL || pw->pw_name == NULL || !nick_valid(pw->pw_name, strlen(pw->pw_name)))
		return DEFAULT_NICK;
	snprintf(o->login_nick, sizeof o->login_nick, "%s", pw->pw_name);
	return o->login_nick;
}

/* A line count for --scrollback: 1 to MAX_SCROLLBACK_LINES. */
static int parse_lines(const char *s, size_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > MAX_SCROLLBACK_LINES)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* A user name or uid number for --server-uid. */
static int parse_uid(const char *s, long *out)
{
	struct passwd *pw;
	uint64_t v;

	if (parse_u64(s, 0, UINT32_MAX, &v))
		*out = (long)v;
	else if ((pw = getpwnam(s)) != NULL)
		*out = (long)pw->pw_uid;
	else
		return -1;
	return 0;
}

/* What follows from all the options together; -1 to go on, else an exit status. */
static int finish_options(struct options *o, const char *env)
{
	if (o->socket_path != NULL && o->tcp != NULL) {
		diag("--socket and --tcp cannot be used together; choose one");
		return EXIT_USAGE;
	}
	if (o->socket_path == NULL && o->tcp == NULL && env != NULL && env[0] != '\0')
		o->socket_path = env;
	if (o->nick == NULL)
		o->nick = default_nick(o);
	if (o->autostart == AUTOSTART_BY_TTY)
		o->autostart = isatty(STDIN_FILENO);
	return -1;
}

/* Fill o from argv and the environment. Returns -1 to go on, else an exit status. */
static int parse_options(int argc, char *argv[], struct options *o)
{
	const char *env = getenv("NATTER_SOCKET");
	int c;

	memset(o, 0, sizeof *o);
	o->autostart = AUTOSTART_BY_TTY;
	o->server_uid = -1;
	o->scrollback = SCROLLBACK_DEFAULT_LINES;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:t:n:HjhV", long_options, NULL)) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 't': o->tcp = optarg; break;
		case 'n': o->nick = optarg; break;
		case 'H': o->headless = true; break;
		case 'j': o->json = true; break;
		case OPT_AUTOSTART: o->autostart = 1; break;
		case OPT_NO_AUTOSTART: o->autostart = 0; break;
		case OPT_NO_BELL: o->no_bell = true; break;
		case OPT_SCROLLBACK:
			if (parse_lines(optarg, &o->scrollback) < 0) {
				diag("--scrollback needs a number of lines from 1 to %d, not '%s'",
				     MAX_SCROLLBACK_LINES, optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SERVER_UID:
			if (parse_uid(optarg, &o->server_uid) < 0) {
				diag("--server-uid needs a user name or number, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_RESUME:
			if (!parse_u64(optarg, 0, UINT64_MAX, &o->resume)) {
				diag("--resume needs a message id (a number such as "
				     "1796471042594001, "
				     "from --json), not '%s'",
				     optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_TRACE:
			if (optarg != NULL && optarg[0] == '\0') {
				diag("--trace= needs a file name, e.g. --trace=/tmp/natter.trace");
				return EXIT_USAGE;
			}
			o->trace = true;
			o->trace_path = optarg;
			break;
		case OPT_LAB_FAULTS: {
			struct errmsg e;

			if (lab_faults_parse(optarg, &o->faults, &e) < 0) {
				diag("%s", e.text);
				return EXIT_USAGE;
			}
			break;
		}
		case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
		case 'V':
			printf("natter %s (protocol %d)\n", NATTER_VERSION, PROTO_VERSION);
			return EXIT_CLEAN;
		default: bad_option(argv, c); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		diag("unexpected argument '%s'; natter takes options only (try 'natter --help')",
		     argv[optind]);
		return EXIT_USAGE;
	}
	return finish_options(o, env);
}

/* Decide where to connect. Returns -1 to go on, else an exit status (message printed). */
static int choose_address(const struct options *o, struct addr *a, bool *is_default)
{
	const char *path = o->socket_path;
	char def[ADDR_PATH_BYTES];
	struct errmsg e;

	*is_default = o->socket_path == NULL && o->tcp == NULL;
	/* No private directory is no error here: no server runs yet, which connecting handles. */
	if (*is_default && sockpath_client(NULL, def, sizeof def, &e) == 0)
		path = def;
	if (o->tcp != NULL ? addr_parse_tcp(o->tcp, DEFAULT_TCP_HOST, a, &e) == 0
			   : path != NULL && addr_set_unix(a, path, &e) == 0)
		return -1;
	diag("%s", e.text);
	return o->tcp != NULL ? EXIT_USAGE : EXIT_NO_SERVER;
}

/* Make sure fds 0-2 are open, so that no socket can land on them and be taken for stdio. */
static int open_std_fds(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) != fd)
			return -1;
	return 0;
}

/* Open the --trace sink (a file in the full-screen client, which draws on stderr); -1 to go on,
 * else an exit status (said). */
static int open_trace(const struct options *o, bool full, struct trace_sink *sink)
{
	struct errmsg e;

	if (!o->trace)
		return -1;
	if (full && o->trace_path == NULL) {
		diag("--trace needs a file in the full-screen client, e.g. "
		     "--trace=/tmp/natter.trace; "
		     "follow it with tail -f in another terminal");
		return EXIT_USAGE;
	}
	if (trace_sink_open(sink, o->trace_path, &e) < 0) {
		diag("%s", e.text);
		return EXIT_USAGE;
	}
	return -1;
}

/* A note, if any: in the full-screen client's pane (tui), else on stderr (tui NULL). */
static void say(struct tui *tui, const char *text)
{
	if (text[0] == '\0')
		return;
	if (tui != NULL)
		ui_say(&tui->ui, SB_INFO, "%s", text);
	else
		diag("%s", text);
}

/* Say that the lab faults are on. */
static void lab_faults_note(const struct options *o, struct tui *tui)
{
	char list[LAB_DESCRIBE_BYTES], note[LAB_DESCRIBE_BYTES + 96];

	lab_faults_describe(&o->faults, list, sizeof list);
	snprintf(note, sizeof note,
		 "lab faults on (%s): this client's writes to the server misbehave on purpose",
		 list);
	say(tui, note);
}

/* Connect (starting a server if allowed) and run the front end to the end. */
static int run(const struct options *o)
{
	struct tui_options topt = {.bell = !o->no_bell, .scrollback = o->scrollback};
	struct headless front;
	struct tui tui;
	struct core core;
	struct errmsg e, note;
	struct addr a;
	bool is_default;
	/* The full-screen UI when both ends are a terminal, unless --headless or --json. */
	bool full = !o->headless && !o->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	struct trace_sink sink = {.fd = -1};
	pid_t started = 0;
	int status;

	if (open_std_fds() < 0 || ignore_sigpipe() < 0) {
		diag("cannot set up standard descriptors and signals: %s", strerror(errno));
		return EXIT_ERROR;
	}
	/* Before a server is started or asked: a terminal curses cannot drive is a usage error. */
	if (full && termsafe_check(&e) < 0) {
		diag("%s", e.text);
		return EXIT_USAGE;
	}
	status = choose_address(o, &a, &is_default);
	if (status < 0)
		status = open_trace(o, full, &sink);
	if (status >= 0)
		return status;
	if (full) {
		/* Widths of CJK and emoji, and curses' UTF-8 output, come from the locale. */
		setlocale(LC_ALL, "");
		tui_init(&tui, &core, &topt);
	} else {
		headless_init(&front, &core, o->json);
	}
	core_set_resume(&core, o->resume);
	core_expect_server_uid(&core, o->server_uid);
	core_trace(&core, o->trace ? &sink : NULL);
	core_lab_faults(&core, &o->faults);
	say(full ? &tui : NULL, o->nick_note);
	if (o->faults.on)
		lab_faults_note(o, full ? &tui : NULL);
	if (autostart_connect(&core, &a, o->nick, is_default && o->autostart, &note, &started, &e) <
	    0) {
		say(NULL, note.text);
		diag("%s", e.text);
		status = EXIT_NO_SERVER;
	} else {
		say(full ? &tui : NULL, note.text);
		status = full ? tui_run(&tui, &a, o->nick) : headless_run(&front);
	}
	if (full)
		tui_free(&tui);
	else
		headless_free(&front);
	core_free(&core);
	if (sink.failed)
		diag("the trace to %s stopped early: %s", sink.name, strerror(sink.error));
	trace_sink_close(&sink);
	/* Said after the terminal is back: nothing else tells the user a server stays behind. */
	if (autostart_farewell(started, a.path, &note))
		diag("%s", note.text);
	return status;
}

int main(int argc, char *argv[])
{
	struct options o;
	int status = parse_options(argc, argv, &o);

	if (status >= 0)
		return status;
	return run(&o);
}
