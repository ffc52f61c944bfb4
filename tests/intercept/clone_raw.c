// SPDX-License-Identifier: BSD-3-Clause
/*
 * clone_raw.c -- a raw clone with a new stack, made by a syscall site of
 * our own (clone_asm.S, patched under INTERCEPT_ALL_OBJS=1; the test
 * re-executes itself with it): the child starts on its stack right after
 * the patched site, its calls are hooked, the clone hooks run on both sides,
 * and its exit status is the one it gave.
 */
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define STACK_SIZE (256 * 1024)
#define CHILD_STATUS 19

long clone_raw(unsigned long flags, void *stack_top, int (*fn)(void));

static char stack[STACK_SIZE] __attribute__((aligned(64)));
static volatile long child_ppid;
static volatile long child_hooked;

static int child(void)
{
	long before = hook_count_calls(SYS_getppid);

	child_ppid = getppid();
	child_hooked = hook_count_calls(SYS_getppid) - before;
	return CHILD_STATUS;
}

int main(int argc, char **argv)
{
	(void)argc;
	check_reexec_all_objs(argv);
	hook_count_reset();
	long pid = clone_raw(CLONE_VM | SIGCHLD, stack + STACK_SIZE, child);
	CHECK(pid > 0, "clone: %ld", pid);
	CHECK_EQ(check_wait(pid), CHILD_STATUS, "the child's exit status");
	CHECK_EQ(child_ppid, syscall_no_intercept(SYS_getpid),
		 "getppid in the child");
	CHECK_EQ(child_hooked, 1, "getppid calls of the child hooked");
	CHECK_EQ(hook_count_calls(SYS_clone), 1, "clone calls hooked");
	CHECK_EQ(hook_count_calls(SYS_exit), 1, "exit calls hooked");
	hook_count_check_parent(pid);
	hook_count_check_child(pid);
	printf("raw clone with a new stack at our own site intercepted\n");
	return 0;
}
