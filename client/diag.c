/* SPDX-License-Identifier: ISC */
/* diag.c - diagnostics for the person (or script) running natter. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

#define DIAG_PREFIX "natter: "

void diag(const char *fmt, ...)
{
	char line[1024] = DIAG_PREFIX;
	va_list ap;

	/* One buffer, one write: the sentence cannot be split by other output. */
	va_start(ap, fmt);
	vsnprintf(line + sizeof DIAG_PREFIX - 1, sizeof line - (sizeof DIAG_PREFIX - 1), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}
