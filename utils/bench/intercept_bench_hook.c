/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * intercept_bench_hook.c -- the hook intercept_bench runs under:
 * INTERCEPT_BENCH_ANSWER=1 answers getppid itself, anything else passes
 * every call through.
 */
#include <stdlib.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"

static int answer_getppid;

static int hook(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		long *result)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (answer_getppid && nr == SYS_getppid) {
		*result = 1;
		return 0;
	}
	return 1;
}

static __attribute__((constructor)) void bench_hook_init(void)
{
	const char *answer = getenv("INTERCEPT_BENCH_ANSWER");

	answer_getppid = answer != NULL && answer[0] == '1';
	intercept_hook_point = hook;
}
