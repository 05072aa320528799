/* SPDX-License-Identifier: ISC */
/* relay.h - the ideal relay: the machine's limit for "read bytes, write them to everyone else". */
#ifndef NATTER_BENCH_RELAY_H
#define NATTER_BENCH_RELAY_H

/*
 * Serve the listening socket lfd until SIGTERM or SIGINT. A native
 * connection's first frame (its HELLO) gets a WELCOME-shaped frame; an
 * ENTER moves it to that room (one at a time) and gets its own JOIN; every
 * other whole frame it sends goes, unchanged, to every other connection in
 * its room, as one buffer shared by all of them. A line-mode connection
 * (first byte not 0x00) gets a welcome line after its first line and then
 * only listens: #lobby's frames are rendered once as natterd's lines and
 * that one buffer is shared by every line client.
 * Runs in a forked child; returns 0, or -1 after a fatal error.
 */
int relay_run(int lfd);

#endif
