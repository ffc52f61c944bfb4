// SPDX-License-Identifier: BSD-3-Clause
/*
 * clone_hooks_old.c -- a program written for the clone hooks of the
 * discontinued library, void (*)(void) in the child and void (*)(long) in
 * the parent, builds without a warning (this file is compiled as C and as
 * C++, both with -Werror) and gets, in the parent, the id of each new
 * process and thread; the hooks with the clone arguments, set beside them,
 * run first.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"

static volatile long child_calls;
static volatile long child_tid;
static volatile long parent_calls;
static volatile long parent_pid;
/* The order of the hook calls: 'a' with arguments, 'o' the old form. */
static char order[8];
static int order_len;

static void note(char c)
{
	if (order_len < (int)sizeof(order) - 1)
		order[order_len++] = c;
}

static void old_child(void)
{
	child_calls = child_calls + 1;
	child_tid = syscall_no_intercept(SYS_gettid);
	note('o');
}

static void old_parent(long pid)
{
	parent_calls = parent_calls + 1;
	parent_pid = pid;
	note('o');
}

static void args_child(unsigned long flags, void *stack, int *ptid, int *ctid,
		       long tls)
{
	(void)flags, (void)stack, (void)ptid, (void)ctid, (void)tls;
	note('a');
}

static void args_parent(unsigned long flags, void *stack, int *ptid, int *ctid,
			long tls, long pid)
{
	(void)flags, (void)stack, (void)ptid, (void)ctid, (void)tls, (void)pid;
	note('a');
}

static void reset(void)
{
	child_calls = 0;
	child_tid = 0;
	parent_calls = 0;
	parent_pid = 0;
	memset(order, 0, sizeof(order));
	order_len = 0;
}

/* Forks; the child exits 0 when its hooks ran as want_child says. */
static void fork_and_check(const char *want_child, const char *want_parent)
{
	reset();
	pid_t pid = fork();
	if (pid == 0) {
		int ok = child_calls == 1 &&
			 child_tid == syscall_no_intercept(SYS_getpid) &&
			 parent_calls == 0 && strcmp(order, want_child) == 0;
		_exit(ok ? 0 : 1);
	}
	CHECK(pid > 0, "fork: %m");
	CHECK_EQ(check_wait(pid), 0,
		 "the child's hook calls (1 call of the old child hook, "
		 "in the child, in the order wanted)");
	CHECK_EQ(parent_calls, 1, "calls of the old parent hook after fork");
	CHECK_EQ(parent_pid, pid, "pid given to the old parent hook");
	CHECK_EQ(child_calls, 0, "calls of the old child hook in the parent");
	CHECK(strcmp(order, want_parent) == 0,
	      "order of the parent's hooks: \"%s\", want \"%s\"", order,
	      want_parent);
}

static void *thread_main(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;

	intercept_hook_point_clone_child = old_child;
	intercept_hook_point_clone_parent = old_parent;
	fork_and_check("o", "o");

	reset();
	CHECK(pthread_create(&t, NULL, thread_main, NULL) == 0,
	      "pthread_create");
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
	CHECK_EQ(child_calls, 1, "calls of the old child hook for a thread");
	CHECK_EQ(parent_calls, 1, "calls of the old parent hook for a thread");
	CHECK(child_tid > 0 && child_tid != syscall_no_intercept(SYS_gettid),
	      "the child hook ran in thread %ld", (long)child_tid);
	CHECK_EQ(parent_pid, child_tid,
		 "id given to the old parent hook for a thread");

	intercept_hook_point_clone_child_args = args_child;
	intercept_hook_point_clone_parent_args = args_parent;
	fork_and_check("ao", "ao");

	intercept_hook_point_clone_child = NULL;
	intercept_hook_point_clone_parent = NULL;
	reset();
	pid_t pid = fork();
	if (pid == 0)
		_exit(strcmp(order, "a") == 0 ? 0 : 1);
	CHECK_EQ(check_wait(pid), 0, "the child's hooks without the old ones");
	CHECK(strcmp(order, "a") == 0,
	      "the parent's hooks without the old ones: \"%s\"", order);
	printf("the clone hooks of the old form get the new ids\n");
	return 0;
}
