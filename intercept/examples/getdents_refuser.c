// SPDX-License-Identifier: BSD-3-Clause
/*
 * getdents_refuser.c -- getdents_refuser.so, the smallest useful hook:
 * every getdents and getdents64 fails with ENOTSUP, as if the kernel could
 * not list directories, and every other call goes to the kernel.
 *
 *   LD_PRELOAD=getdents_refuser.so ls /    (fails: Operation not supported)
 */
#include <errno.h>
#include <sys/syscall.h>

#include <libsyscall_intercept_hook_point.h>

static int refuse_getdents(long nr, long a0, long a1, long a2, long a3, long a4,
			   long a5, long *result)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (nr == SYS_getdents || nr == SYS_getdents64) {
		*result = -ENOTSUP;
		return 0;
	}
	return 1;
}

static __attribute__((constructor)) void refuser_init(void)
{
	intercept_hook_point = refuse_getdents;
}
