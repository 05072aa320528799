/* signals.h - deliver SIGINT/SIGTERM/SIGHUP to the poll loop through a socketpair. */
#ifndef NATTER_SIGNALS_H
#define NATTER_SIGNALS_H

/*
 * Install handlers that write the signal number into a socketpair and ignore
 * SIGPIPE. Returns the read end for poll(), or -1 with errno.
 */
int signals_init(void);

/* Read pending signal numbers; returns the last one seen, 0 if none. */
int signals_drain(int fd);

#endif
