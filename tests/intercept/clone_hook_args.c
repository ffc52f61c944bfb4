// SPDX-License-Identifier: BSD-3-Clause
/*
 * clone_hook_args.c -- both clone hooks with arguments
 * (intercept_hook_point_clone_child_args and _parent_args) receive the
 * flags of the call that created the thread or process (for clone3, those
 * of its struct clone_args; for vfork, CLONE_VM | CLONE_VFORK), in the
 * parent and in the child alike.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

extern char **environ;

static void *nothing(void *arg)
{
	return arg;
}

/* Both hooks ran once, with flags that include want. */
static void expect_flags(const char *what, unsigned long want)
{
	unsigned long parent = atomic_load(&hook_count.last_parent_flags);
	unsigned long child = atomic_load(&hook_count.last_child_flags);

	CHECK_EQ(atomic_load(&hook_count.clone_parent), 1, what);
	CHECK((parent & want) == want,
	      "%s: clone_parent got flags %#lx, want %#lx set", what, parent,
	      want);
	CHECK((child & want) == want,
	      "%s: clone_child got flags %#lx, want %#lx set", what, child,
	      want);
}

int main(void)
{
	pthread_t t;
	pid_t pid;
	char *const argv[] = {"true", NULL};

	hook_count_reset();
	CHECK(pthread_create(&t, NULL, nothing, NULL) == 0, "pthread_create");
	pthread_join(t, NULL);
	expect_flags("pthread_create", CLONE_VM | CLONE_THREAD);

	hook_count_reset();
	pid = vfork();
	if (pid == 0)
		_exit(0);
	CHECK_EQ(check_wait(pid), 0, "vfork child status");
	expect_flags("vfork", CLONE_VM | CLONE_VFORK);

	hook_count_reset();
	CHECK(posix_spawnp(&pid, "true", NULL, NULL, argv, environ) == 0,
	      "posix_spawnp");
	CHECK_EQ(check_wait(pid), 0, "posix_spawn child status");
	expect_flags("posix_spawn", CLONE_VM | CLONE_VFORK);

	/* The child's own copy of the counts tells what its hook got. */
	hook_count_reset();
	pid = fork();
	if (pid == 0) {
		unsigned long f = atomic_load(&hook_count.last_child_flags);
		_exit((f & SIGCHLD) == SIGCHLD ? 0 : 1);
	}
	CHECK_EQ(check_wait(pid), 0, "fork: SIGCHLD in the child's flags");
	CHECK((atomic_load(&hook_count.last_parent_flags) & 0xff) == SIGCHLD,
	      "fork: clone_parent got flags %#lx",
	      atomic_load(&hook_count.last_parent_flags));
	printf("clone hooks get the flags of each call\n");
	return 0;
}
