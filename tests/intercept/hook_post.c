// SPDX-License-Identifier: BSD-3-Clause
/*
 * hook_post.c -- intercept_hook_point_post sees each call the kernel ran,
 * after it, with its arguments and the kernel's result (-errno on
 * failure): a getppid, a failing close, a read of known bytes; never a
 * call that intercept_hook_point answered itself; after fork, in the
 * parent with the child's pid and not in the child; not for calls made
 * with syscall_no_intercept.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define ANSWERED 777L

static long last_nr = -1, last_result, last_args[6], posts;

static void post(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		 long result)
{
	last_nr = nr;
	last_args[0] = a0;
	last_args[1] = a1;
	last_args[2] = a2;
	last_args[3] = a3;
	last_args[4] = a4;
	last_args[5] = a5;
	last_result = result;
	posts++;
}

static int answer(long nr, const long args[6], long *result)
{
	(void)args;
	if (nr != SYS_getpgid)
		return 1;
	*result = ANSWERED;
	return 0;
}

int main(void)
{
	char buf[8] = {0};
	intercept_hook_point_post = post;
	hook_count_extra = answer;

	long ppid = syscall_no_intercept(SYS_getppid);
	CHECK_EQ(getppid(), ppid, "getppid");
	CHECK_EQ(last_nr, SYS_getppid, "the post hook's call");
	CHECK_EQ(last_result, ppid, "the post hook's result of getppid");

	CHECK_EQ(close(-7), -1, "close(-7)");
	CHECK_EQ(last_nr, SYS_close, "the post hook's call");
	CHECK_EQ((int)last_args[0], -7, "the post hook's argument (an int)");
	CHECK_EQ(last_result, -EBADF, "the post hook's result of close(-7)");

	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0, "open: %m");
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(read(fd, buf, 5), 5, "read");
	CHECK_EQ(last_nr, SYS_read, "the post hook's call");
	CHECK_EQ((int)last_args[0], fd, "the post hook's descriptor");
	CHECK_EQ(last_args[2], 5, "the post hook's count");
	CHECK_EQ(last_result, 5, "the post hook's result of read");
	CHECK_EQ(buf[0], 0, "read's bytes, there when the post hook ran");
	close(fd);

	/* answered by intercept_hook_point: the kernel never ran it */
	long before = posts;
	CHECK_EQ(syscall(SYS_getpgid, 0), ANSWERED, "getpgid answered");
	CHECK_EQ(posts, before, "post hook calls after an answered call");
	syscall_no_intercept(SYS_getppid);
	CHECK_EQ(posts, before, "post hook calls after syscall_no_intercept");

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* the child: no post hook for its own return from fork */
		_exit(last_nr == SYS_fork || last_nr == SYS_clone ? 3 : 0);
	}
	CHECK(pid > 0, "fork: %m");
	CHECK(last_nr == SYS_clone || last_nr == SYS_fork,
	      "the post hook's call after fork is %ld", last_nr);
	CHECK_EQ(last_result, pid, "the post hook's result of fork");
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid, "waitpid");
	CHECK_EQ(WEXITSTATUS(status), 0, "the child saw no post hook of fork");
	printf("post hook as expected\n");
	return 0;
}
