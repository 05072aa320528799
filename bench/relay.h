/* relay.h - the ideal relay: the machine's limit for "read bytes, write them to everyone else". */
#ifndef NATTER_BENCH_RELAY_H
#define NATTER_BENCH_RELAY_H

/*
 * Serve the listening socket lfd until SIGTERM or SIGINT: answer each
 * connection's first frame (its HELLO) with a WELCOME-shaped frame, then
 * copy every whole frame it sends, unchanged, to every other connection.
 * Runs in a forked child; returns 0, or -1 after a fatal error.
 */
int relay_run(int lfd);

#endif
