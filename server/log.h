/* SPDX-License-Identifier: ISC */
/* log.h - the server's log: timestamped lines with a level, on stderr. */
#ifndef NATTER_LOG_H
#define NATTER_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Look at where stderr goes (the journal stamps lines itself); call once, first. */
void log_init(void);
/* The level named "error", "warning", "info" or "debug", or -1. */
int log_level_parse(const char *name);
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
