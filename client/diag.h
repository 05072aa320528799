/* SPDX-License-Identifier: ISC */
/* diag.h - one-sentence diagnostics on stderr, prefixed "natter: ". */
#ifndef NATTER_DIAG_H
#define NATTER_DIAG_H

/* Print "natter: " and the sentence to stderr. Front ends only: the core never prints. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
