// SPDX-License-Identifier: BSD-3-Clause
/*
 * fork.c -- fork (and _Fork, and the raw fork, clone and clone3 calls
 * without a new stack) children stay intercepted: the clone_child hook runs
 * in the child, the clone_parent hook in the parent with the child's pid,
 * and the child's own system calls reach its copy of the hook, generation
 * after generation.
 */
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

/* Runs in a child of generation gen (1 = child of the test). */
static void child_checks(int gen, long parent)
{
	CHECK_EQ(atomic_load(&hook_count.clone_child), gen,
		 "clone_child calls seen in the child");
	/* The parent's hook runs after the copy was made. */
	CHECK_EQ(atomic_load(&hook_count.clone_parent), 0,
		 "clone_parent calls seen in the child");
	CHECK_EQ(atomic_load(&hook_count.child_tids[gen - 1]),
		 syscall_no_intercept(SYS_getpid),
		 "thread id given to the clone_child hook");
	long before = hook_count_calls(SYS_getppid);
	CHECK_EQ(getppid(), parent, "getppid in the child");
	CHECK_EQ(hook_count_calls(SYS_getppid), before + 1,
		 "getppid calls seen by the hook in the child");
}

static void check_parent(pid_t pid)
{
	CHECK(pid > 0, "fork: %m");
	CHECK_EQ(check_wait(pid), 0, "exit status of the child");
	CHECK_EQ(atomic_load(&hook_count.clone_parent), 1,
		 "clone_parent calls in the parent");
	CHECK_EQ(atomic_load(&hook_count.parent_returns[0]), pid,
		 "value given to the clone_parent hook");
	CHECK_EQ(atomic_load(&hook_count.clone_child), 0,
		 "clone_child calls in the parent");
}

int main(void)
{
	long me = syscall_no_intercept(SYS_getpid);

	hook_count_reset();
	pid_t pid = fork();
	if (pid == 0) {
		child_checks(1, me);
		long child = syscall_no_intercept(SYS_getpid);
		pid_t grandchild = fork();
		if (grandchild == 0) {
			child_checks(2, child);
			_exit(0);
		}
		CHECK_EQ(check_wait(grandchild), 0, "grandchild status");
		_exit(0);
	}
	check_parent(pid);
	CHECK_EQ(hook_count_calls(SYS_clone), 1, "clone calls seen for fork");

	hook_count_reset();
	pid = _Fork();
	if (pid == 0) {
		child_checks(1, me);
		_exit(0);
	}
	check_parent(pid);

	/* The raw calls, through syscall(): fork, and clone/clone3 with no
	 * new stack, which return into the caller's frame on both sides. */
	hook_count_reset();
	pid = syscall(SYS_fork);
	if (pid == 0) {
		child_checks(1, me);
		_exit(0);
	}
	check_parent(pid);
	CHECK_EQ(hook_count_calls(SYS_fork), 1, "fork calls seen");

	hook_count_reset();
	pid = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (pid == 0) {
		child_checks(1, me);
		_exit(0);
	}
	check_parent(pid);

	struct clone_args args = {.exit_signal = SIGCHLD};
	hook_count_reset();
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		child_checks(1, me);
		_exit(0);
	}
	check_parent(pid);
	CHECK_EQ(hook_count_calls(SYS_clone3), 1, "clone3 calls seen");
	printf("fork children intercepted\n");
	return 0;
}
