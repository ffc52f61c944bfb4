// SPDX-License-Identifier: BSD-3-Clause
/*
 * vfork.c -- vfork works under interception: the child, which borrows the
 * parent's memory and stack, can _exit or execve, the clone hooks run on
 * both sides, and the parent finds its stack and variables intact.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

static char *const exit9[] = {"sh", "-c", "exit 9", NULL};

static int vfork_child(int how)
{
	unsigned char canary[512];
	volatile long local = 0x1234567890L + how;

	memset(canary, 0xa5 + how, sizeof(canary));
	hook_count_reset();
	pid_t pid = vfork();
	if (pid == 0) {
		if (how == 0)
			_exit(7);
		if (how == 1)
			execv("/bin/sh", exit9);
		if (how == 2) {
			execv("/nonexistent/program", exit9);
			_exit(errno == ENOENT ? 5 : 6);
		}
		_exit(8);
	}
	CHECK(pid > 0, "vfork: %m");
	int status = check_wait(pid);
	CHECK_EQ(local, 0x1234567890L + how, "local variable after vfork");
	for (size_t i = 0; i < sizeof(canary); i++)
		CHECK(canary[i] == (unsigned char)(0xa5 + how),
		      "stack byte %zu changed after vfork", i);
	CHECK_EQ(hook_count_calls(SYS_vfork), 1, "vfork calls seen");
	hook_count_check_parent(pid);
	hook_count_check_child(pid);
	return status;
}

int main(void)
{
	const int rounds = check_size(20, 1000);

	for (int i = 0; i < rounds; i++) {
		CHECK_EQ(vfork_child(0), 7, "status of a child that _exits");
		CHECK_EQ(vfork_child(1), 9, "status of a child that execs sh");
		CHECK_EQ(vfork_child(2), 5,
			 "status of a child whose execv fails");
	}
	printf("vfork under interception as without it\n");
	return 0;
}
