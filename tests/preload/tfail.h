/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tfail.h -- the shim's test programs that check many things and go on
 * after a failure: CHECK prints each failed condition with its line and
 * errno, and failures counts them for the exit status.
 */
#ifndef TESTS_PRELOAD_TFAIL_H
#define TESTS_PRELOAD_TFAIL_H

#include <errno.h>
#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                    \
	do {                                                \
		if (!(cond)) {                              \
			printf("FAIL line %d: ", __LINE__); \
			printf(__VA_ARGS__);                \
			printf(" (errno %d)\n", errno);     \
			failures++;                         \
		}                                           \
	} while (0)

#endif
