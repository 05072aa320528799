/* SPDX-License-Identifier: ISC */
/* natterctl.c - control a running natterd: one request datagram out, the reply's datagrams back. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "ctlproto.h"
#include "sys.h"
#include "version.h"

enum exit_code {
	EXIT_OK = 0,	      /* the server did it */
	EXIT_REFUSED = 1,     /* the server answered with an error or a refusal */
	EXIT_USAGE = 2,	      /* natterctl was called wrongly */
	EXIT_UNREACHABLE = 3, /* no server, no answer in time, or a broken reply */
};

enum { DEFAULT_TIMEOUT_S = 2, MAX_TIMEOUT_S = 3600 };

struct options {
	const char *socket_path;  /* -s: the chat socket (its control socket is PATH.ctl) */
	const char *control_path; /* -c: the control socket itself */
	unsigned timeout_s;
	char request[CTL_DGRAM_MAX_BYTES];
	size_t request_len;
	uint32_t id;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: natterctl [-s SOCKET] [-c CONTROL] [-t SECONDS] COMMAND [ARGS...]\n"
		"Ask a running natterd for its state, or to act on its clients. Only the user\n"
		"who runs natterd (and root) may.\n"
		"\n"
		"  -s, --socket PATH     natterd's chat socket; its control socket is PATH.ctl\n"
		"                        (default: $NATTER_SOCKET, else natter's default path)\n"
		"  -c, --control PATH    the control socket itself (natterd --control PATH)\n"
		"  -t, --timeout S       seconds to wait for each part of the answer (default %d)\n"
		"  -h, --help            show this help\n"
		"  -V, --version         show the version\n"
		"\n"
		"commands:\n",
		DEFAULT_TIMEOUT_S);
	for (const struct ctl_verb *v = ctl_verbs; v->name != NULL; v++) /* "NAME ARGS" in 22 */
		fprintf(out, "  %s %-*s%s\n", v->name, 21 - (int)strlen(v->name), v->args,
			v->summary);
	fprintf(out,
		"\n"
		"exit status: 0 done, 1 the server refused or reported an error, 2 usage error,\n"
		"3 the server could not be reached or its answer did not arrive whole.\n");
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("natterctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* An id that an earlier or a stranger's reply is unlikely to carry: random, else pid and clock. */
static uint32_t choose_id(void)
{
	uint32_t id = 0;

	if (getentropy(&id, sizeof id) < 0)
		id = (uint32_t)getpid() * 2654435761u ^ (uint32_t)wall_ms();
	return id ? id : 1;
}

/* Join the command and its words into the request datagram; -1 (printed) if it cannot be one. */
static int build_request(struct options *o, int argc, char **argv)
{
	const struct ctl_verb *v = ctl_verb_find(argv[0], strlen(argv[0]));
	char args[CTL_DGRAM_MAX_BYTES] = "";
	size_t used = 0;
	unsigned words = (unsigned)argc - 1;
	struct errmsg e;
	int n;

	if (v == NULL) {
		diag("unknown command '%s'; natterctl --help lists them", argv[0]);
		return -1;
	}
	if (words < v->min_words || (!v->takes_rest && words > v->min_words)) {
		diag("usage: natterctl %s %s", v->name, v->args);
		return -1;
	}
	/* Words too long for args make a request too long for a datagram: encode says so. */
	for (int i = 1; i < argc && used < sizeof args; i++)
		used += (size_t)snprintf(args + used, sizeof args - used, "%s%s", i > 1 ? " " : "",
					 argv[i]);
	o->id = choose_id();
	n = ctl_request_encode(o->request, o->id, v->name, args, &e);
	if (n < 0) {
		diag("%s", e.text);
		return -1;
	}
	o->request_len = (size_t)n;
	return 0;
}

/* Fill o from argv. Returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},  {"control", required_argument, NULL, 'c'},
	    {"timeout", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int ch;

	*o = (struct options){.timeout_s = DEFAULT_TIMEOUT_S};
	/* '+': options end at the command, so a reason may begin with '-'. */
	opterr = 0; /* our own sentences, named "natterctl" whatever the path in argv[0] */
	while ((ch = getopt_long(argc, argv, "+:s:c:t:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 's': o->socket_path = optarg; break;
		case 'c': o->control_path = optarg; break;
		case 't':
			if (!parse_u64(optarg, 1, MAX_TIMEOUT_S, &v)) {
				diag("--timeout needs whole seconds from 1 to %d, not '%s'",
				     MAX_TIMEOUT_S, optarg);
				return EXIT_USAGE;
			}
			o->timeout_s = (unsigned)v;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		case 'V': printf("natterctl %s\n", NATTER_VERSION); return EXIT_OK;
		case ':':
			diag("option %s needs an argument; try 'natterctl --help'",
			     argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (optopt != 0 && strncmp(argv[optind - 1], "--", 2) != 0)
				diag("unknown option -%c; try 'natterctl --help'", optopt);
			else
				diag("unknown option %s; try 'natterctl --help'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (o->socket_path != NULL && o->control_path != NULL) {
		diag("--socket and --control name the same thing two ways; give one");
		return EXIT_USAGE;
	}
	if (optind == argc) {
		diag("no command given; natterctl --help lists them");
		return EXIT_USAGE;
	}
	return build_request(o, argc - optind, argv + optind) < 0 ? EXIT_USAGE : -1;
}

/* The control socket's path into out: -c, else the chat socket's path plus ".ctl". */
static int control_path(const struct options *o, char *out, size_t cap)
{
	char sock[ADDR_PATH_BYTES];
	struct errmsg e;

	if (o->control_path != NULL) {
		struct sockaddr_un sun;
		socklen_t len;
		int n = snprintf(out, cap, "%s", o->control_path);

		if (n < 0 || (size_t)n >= cap || addr_sockaddr_un(out, &sun, &len, &e) < 0) {
			diag("control socket path %s is too long for a UNIX socket",
			     o->control_path);
			return -1;
		}
		return 0;
	}
	if (sockpath_client(o->socket_path, sock, sizeof sock, &e) < 0 ||
	    ctl_path_for(sock, out, cap, &e) < 0) {
		diag("%s", e.text);
		return -1;
	}
	return 0;
}

/*
 * A datagram socket with an address of its own, for natterd to answer to. Binding only the
 * family ("autobind") picks a free abstract address: nothing in the file system to clean up.
 */
static int open_bound_socket(void)
{
	struct sockaddr_un me = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		diag("cannot create a datagram socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t)) < 0) {
		diag("cannot give the datagram socket an address to be answered on: %s",
		     strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Send the request; an error names what is wrong with the path. */
static int send_request(int fd, const struct options *o, const char *path)
{
	struct sockaddr_un to;
	socklen_t len;
	struct errmsg e;
	ssize_t w;

	if (addr_sockaddr_un(path, &to, &len, &e) < 0) {
		diag("%s", e.text);
		return -1;
	}
	do
		w = sendto(fd, o->request, o->request_len, 0, (struct sockaddr *)&to, len);
	while (w < 0 && errno == EINTR);
	if (w >= 0)
		return 0;
	if ((errno == ENOENT || errno == ECONNREFUSED) && path_nonsocket_kind(path) != NULL)
		diag("%s is %s, not a control socket; give natterd's control socket (natterctl "
		     "-c PATH) or its chat socket (natterctl -s PATH)",
		     path, path_nonsocket_kind(path));
	else if (errno == ENOENT)
		diag("there is no control socket at %s; is natterd running with that socket "
		     "(natterctl -s PATH), and without --no-control?",
		     path);
	else if (errno == ECONNREFUSED)
		diag("nobody is listening on %s: it is a stale control socket left by a natterd "
		     "that is gone",
		     path);
	else if (errno == EACCES || errno == EPERM)
		diag("permission denied sending to %s: only the user who runs natterd (or root) "
		     "may control it",
		     path);
	else
		diag("cannot send to %s: %s", path, strerror(errno));
	return -1;
}

/* Print a reply text, each line prefixed (for errors) or as it is. */
static void print_text(FILE *out, const char *prefix, const struct buf *text)
{
	const char *p = (const char *)text->data;
	size_t n = text->len;

	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t line = nl ? (size_t)(nl - p) : n;

		fprintf(out, "%s%.*s\n", prefix, (int)line, p);
		p += line + (nl != NULL);
		n -= line + (nl != NULL);
	}
}

/* Read reply parts until the last, at most timeout_s apart; the exit status (messages printed). */
static int await_reply(int fd, const struct options *o, const char *path)
{
	struct ctl_assembly a;
	char dgram[CTL_DGRAM_MAX_BYTES + 1];
	struct errmsg e;
	int rc = EXIT_UNREACHABLE;

	ctl_assembly_init(&a, o->id);
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int ready = poll(&pfd, 1, (int)o->timeout_s * 1000);
		ssize_t n;

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0) {
			diag("poll failed: %s", strerror(errno));
			break;
		}
		if (ready == 0) {
			if (a.next_part == 0)
				diag("no answer from natterd on %s within %u s; is natterd running "
				     "with that socket (natterctl -s PATH)?",
				     path, o->timeout_s);
			else
				diag("the answer from %s stopped after %lu part(s), with no more "
				     "within %u s; it is incomplete",
				     path, (unsigned long)a.next_part, o->timeout_s);
			break;
		}
		n = recvfrom(fd, dgram, sizeof dgram, 0, NULL, NULL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			diag("cannot read the answer: %s", strerror(errno));
			break;
		}
		switch (ctl_assembly_take(&a, dgram, (size_t)n, &e)) {
		case CTL_TAKE_MORE: continue;
		case CTL_TAKE_IGNORED: continue; /* an answer to some other request */
		case CTL_TAKE_BROKEN: diag("bad answer from %s: %s", path, e.text); break;
		case CTL_TAKE_DONE:
			rc = a.status == CTL_OK ? EXIT_OK : EXIT_REFUSED;
			print_text(rc == EXIT_OK ? stdout : stderr,
				   rc == EXIT_OK	     ? ""
				   : a.status == CTL_REFUSED ? "natterctl: refused: "
							     : "natterctl: ",
				   &a.text);
			break;
		}
		break;
	}
	ctl_assembly_free(&a);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	char path[ADDR_PATH_BYTES];
	int fd, rc;

	rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (control_path(&o, path, sizeof path) < 0)
		return EXIT_UNREACHABLE;
	fd = open_bound_socket();
	if (fd < 0)
		return EXIT_UNREACHABLE;
	rc = send_request(fd, &o, path) < 0 ? EXIT_UNREACHABLE : await_reply(fd, &o, path);
	close(fd);
	if (fflush(stdout) != 0) {
		diag("cannot write the answer: %s", strerror(errno));
		return EXIT_UNREACHABLE;
	}
	return rc;
}
