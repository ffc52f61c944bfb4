// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_archive_program.c -- a program (not position-independent) linked
 * with libsyscall_intercept.a: libc's calls are hooked, while the program,
 * which holds the interceptor, is never patched, even under
 * INTERCEPT_ALL_OBJS=1 (patching it would patch the interceptor's own
 * syscall_no_intercept). The test re-executes itself with it set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#define ANSWER 5555

static int hook(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		long *result)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (nr != SYS_getppid)
		return 1;
	*result = ANSWER;
	return 0;
}

/* A syscall site of the program itself. */
static long own_getppid(void)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(SYS_getppid)
			 : "rcx", "r11", "memory");
	return r;
}

int main(int argc, char **argv)
{
	long real = syscall_no_intercept(SYS_getppid);

	(void)argc;
	intercept_hook_point = hook;
	if (!syscall_hook_in_process_allowed()) {
		printf("FAIL: the archive's interceptor is inert\n");
		return 1;
	}
	if (getppid() != ANSWER) {
		printf("FAIL: libc's getppid: %d, want %d\n", getppid(),
		       ANSWER);
		return 1;
	}
	if (own_getppid() != real) {
		printf("FAIL: the program's own site was patched: %ld, "
		       "want %ld\n",
		       own_getppid(), real);
		return 1;
	}
	if (getenv("INTERCEPT_ALL_OBJS") == NULL) {
		setenv("INTERCEPT_ALL_OBJS", "1", 1);
		execv("/proc/self/exe", argv);
		printf("FAIL: execv: could not re-execute\n");
		return 1;
	}
	printf("libc hooked, the program holding the interceptor left "
	       "alone\n");
	return 0;
}
