/* SPDX-License-Identifier: ISC */
/* sys.h - small wrappers over POSIX calls that both programs use. */
#ifndef NATTER_SYS_H
#define NATTER_SYS_H

#include <stdbool.h>
#include <stdint.h>

/* Wall-clock milliseconds since the epoch (the wire's time unit). */
uint64_t wall_ms(void);
/* Monotonic milliseconds, for deadlines and timeouts. */
uint64_t mono_ms(void);
/* Milliseconds from now until at, for poll(2): 0 if at is past, at most INT_MAX. */
int ms_until(uint64_t now, uint64_t at);
/* Make fd non-blocking and close-on-exec; -1 with errno on failure. */
int fd_nonblock_cloexec(int fd);
/* Parse a plain decimal number in [min, max] (no sign, no spaces); false if it is not one. */
bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Ignore SIGPIPE so a vanished peer is an EPIPE, not death. */
int ignore_sigpipe(void);

#endif
