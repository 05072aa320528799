/* SPDX-License-Identifier: ISC */
/* termsafe.c - the terminal checked before curses starts, and put back even when natter dies. */
#include "ui.h"

#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

enum { RESET_BYTES = 256 };

/* Signals that end the process and that the loop's self-pipe does not take: faults, abort(), and
 * the rest that nobody should send us. */
static const int fatal_signals[] = {SIGABRT, SIGSEGV, SIGBUS,  SIGFPE,	SIGILL,	   SIGSYS, SIGXCPU,
				    SIGXFSZ, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF};

enum { FATAL_COUNT = sizeof fatal_signals / sizeof fatal_signals[0] };

/* What the handler may touch: filled before it is installed, read-only afterwards. */
static struct termios saved_termios;
static char reset_seq[RESET_BYTES];
static size_t reset_len;
static struct sigaction old_actions[FATAL_COUNT];
static bool caught[FATAL_COUNT];
static volatile sig_atomic_t armed;

/* A terminfo string capability, or NULL if the terminal has none. */
static const char *cap(const char *name)
{
	const char *s = tigetstr(name);

	return s == (const char *)-1 ? NULL : s;
}

/* Append s to the reset sequence, if there is one and it fits. */
static void add(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > 0 && reset_len + n < sizeof reset_seq) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

#define TERM_HINT "use natter --headless, or set TERM (e.g. TERM=xterm-256color)"

int termsafe_check(struct errmsg *e)
{
	const char *term = getenv("TERM");
	int err = 0;

	if (term == NULL || term[0] == '\0') {
		errmsg_set(e, "TERM is not set, so the full-screen client cannot draw; " TERM_HINT);
		return -1;
	}
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		errmsg_set(e,
			   "the terminal type '%.64s' is not in the terminfo database; " TERM_HINT,
			   term);
		return -1;
	}
	if (cap("cup") == NULL) {
		(void)del_curterm(cur_term);
		errmsg_set(e, "the terminal '%.64s' cannot move the cursor; " TERM_HINT, term);
		return -1;
	}
	reset_len = 0;
	add(cap("sgr0"));
	add(cap("cnorm"));
	add(PASTE_OFF);
	/* No alternate screen: at least start the shell on a new line. */
	add(cap("rmcup") != NULL ? cap("rmcup") : "\r\n");
	(void)del_curterm(cur_term);
	return 0;
}

/* The handler of fatal_signals (async-signal-safe calls only): the old action comes back, then a
 * fault happens again on return and takes it; a signal sent (kill, abort) is sent again. */
static void on_fatal(int signo, siginfo_t *info, void *uctx)
{
	(void)uctx;
	if (armed) {
		armed = 0;
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		if (write(STDOUT_FILENO, reset_seq, reset_len) < 0)
			reset_len = 0; /* nothing more can be done for the terminal */
	}
	for (size_t i = 0; i < FATAL_COUNT; i++)
		if (fatal_signals[i] == signo)
			(void)sigaction(signo, &old_actions[i], NULL);
	if (info == NULL || info->si_code <= 0)
		(void)raise(signo);
}

int termsafe_arm(void)
{
	/* SA_NODEFER: the signal raised again from the handler is delivered at once. */
	struct sigaction sa = {.sa_sigaction = on_fatal, .sa_flags = SA_SIGINFO | SA_NODEFER};

	if (tcgetattr(STDIN_FILENO, &saved_termios) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < FATAL_COUNT; i++) {
		caught[i] = false;
		if (sigaction(fatal_signals[i], NULL, &old_actions[i]) < 0)
			return -1;
		/* A signal ignored by whoever started us stays ignored. */
		if (!(old_actions[i].sa_flags & SA_SIGINFO) && old_actions[i].sa_handler == SIG_IGN)
			continue;
		if (sigaction(fatal_signals[i], &sa, NULL) < 0)
			return -1;
		caught[i] = true;
	}
	armed = 1;
	return 0;
}

void termsafe_disarm(void)
{
	armed = 0;
	for (size_t i = 0; i < FATAL_COUNT; i++) {
		if (caught[i])
			(void)sigaction(fatal_signals[i], &old_actions[i], NULL);
		caught[i] = false;
	}
}
