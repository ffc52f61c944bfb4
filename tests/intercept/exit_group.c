// SPDX-License-Identifier: BSD-3-Clause
/*
 * exit_group.c -- a process ends as without interception, whichever way it
 * exits (exit, _exit, a raw exit_group, exit_group from a second thread
 * while the first blocks), and the hook sees the exit_group call first,
 * with the status as its argument.
 */
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

static int report_fd;

/* Tells the parent, through a pipe, which status exit_group was given. */
static int report_exit(long nr, const long args[6], long *result)
{
	(void)result;
	if (nr == SYS_exit_group) {
		char code = (char)args[0];
		syscall_no_intercept(SYS_write, report_fd, &code, 1);
	}
	return 1;
}

static void *exit_from_thread(void *arg)
{
	(void)arg;
	_exit(8);
}

static void child(int how)
{
	pthread_t t;

	hook_count_extra = report_exit;
	switch (how) {
	case 0:
		exit(5);
	case 1:
		_exit(6);
	case 2:
		syscall(SYS_exit_group, 7);
		break;
	case 3:
		pthread_create(&t, NULL, exit_from_thread, NULL);
		pause();
		break;
	}
	abort();
}

int main(void)
{
	static const int want[] = {5, 6, 7, 8};
	int fds[2];

	CHECK(pipe(fds) == 0, "pipe: %m");
	report_fd = fds[1];
	for (int how = 0; how < 4; how++) {
		pid_t pid = fork();
		CHECK(pid >= 0, "fork: %m");
		if (pid == 0)
			child(how);
		CHECK_EQ(check_wait(pid), want[how], "exit status");
		char seen[2];
		CHECK_EQ(write(fds[1], "x", 1), 1, "end marker");
		CHECK_EQ(read(fds[0], seen, 2), 2,
			 "bytes in the pipe (one from the hook, the marker)");
		CHECK_EQ(seen[0], want[how], "status seen by the hook");
	}
	printf("every way to exit intercepted\n");
	return 0;
}
