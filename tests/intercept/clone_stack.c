// SPDX-License-Identifier: BSD-3-Clause
/*
 * clone_stack.c -- clone() with a new stack: the child starts on that stack
 * right after the patched syscall, runs its function with its calls hooked,
 * and the clone hooks run once on each side. With CLONE_VM (the child shares
 * our counters), without it (a copy), and with CLONE_VM | CLONE_VFORK.
 */
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define STACK_SIZE (256 * 1024)
#define CHILD_STATUS 17

struct child_seen {
	long ppid;
	long pid;
	long hooked_getppid;
	long clone_child;
};

static char stack[STACK_SIZE] __attribute__((aligned(64)));

static int child_fn(void *arg)
{
	struct child_seen *seen = arg;
	long before = hook_count_calls(SYS_getppid);

	seen->ppid = getppid();
	seen->pid = syscall_no_intercept(SYS_getpid);
	seen->hooked_getppid = hook_count_calls(SYS_getppid) - before;
	seen->clone_child = atomic_load(&hook_count.clone_child);
	if (seen->hooked_getppid != 1 || seen->clone_child != 1)
		return 1;
	return CHILD_STATUS;
}

static void check_clone(const char *what, int flags, int shared)
{
	struct child_seen seen = {0, 0, 0, 0};
	long me = syscall_no_intercept(SYS_getpid);

	hook_count_reset();
	int pid = clone(child_fn, stack + STACK_SIZE, flags | SIGCHLD, &seen);
	CHECK(pid > 0, "%s: clone: %m", what);
	CHECK(check_wait(pid) == CHILD_STATUS,
	      "%s: the child's checks failed (its hook did not see its "
	      "getppid, or clone_child was not called once)",
	      what);
	CHECK_EQ(hook_count_calls(SYS_clone), 1, "clone calls seen");
	hook_count_check_parent(pid);
	if (!shared) {
		CHECK_EQ(atomic_load(&hook_count.clone_child), 0,
			 "clone_child calls seen in the parent");
		return;
	}
	CHECK_EQ(seen.ppid, me, "getppid in the child");
	CHECK_EQ(seen.pid, pid, "the child's pid");
	hook_count_check_child(pid);
}

int main(void)
{
	check_clone("CLONE_VM", CLONE_VM, 1);
	check_clone("no CLONE_VM", 0, 0);
	check_clone("CLONE_VM|CLONE_VFORK", CLONE_VM | CLONE_VFORK, 1);
	printf("clone with a new stack intercepted\n");
	return 0;
}
