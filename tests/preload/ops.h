/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ops.h -- what the shim's operation programs (shim_ops, mapshared) print:
 * each call with its result or errno name, so that a run on a kernel
 * directory and one on a mount can be compared line by line.
 */
#ifndef TESTS_PRELOAD_OPS_H
#define TESTS_PRELOAD_OPS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The directory the program works in (a kernel one or a mount). */
static const char *root;

static inline long report(const char *what, long r)
{
	if (r < 0)
		printf("%s = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s = %ld\n", what, r);
	fflush(stdout);
	return r;
}

#define T(expr) report(#expr, (long)(expr))

/* Paths under root, in rotating static buffers. */
static inline const char *in(const char *rel)
{
	static char bufs[8][4096];
	static int i;
	char *b = bufs[i++ % 8];

	snprintf(b, 4096, "%s/%s", root, rel);
	return b;
}

#endif
