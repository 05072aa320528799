/* SPDX-License-Identifier: ISC */
/* version.h - the release version of natter's programs. */
#ifndef NATTER_VERSION_H
#define NATTER_VERSION_H

#define NATTER_VERSION "0.2.0"

#endif
