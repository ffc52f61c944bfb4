// SPDX-License-Identifier: BSD-3-Clause
/*
 * siglongjmp.c -- a signal handler may leave a hooked call for good with
 * siglongjmp, from a call blocked in the kernel or from inside the hook
 * itself; later calls are hooked and answered as before, nothing is left
 * half done.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define FAKE_PPID 31337L

static sigjmp_buf back;
static volatile int jumps;
static int raise_in_hook;

static void jump_out(int sig)
{
	(void)sig;
	jumps++;
	siglongjmp(back, 1);
}

static int answer_getppid(long nr, const long args[6], long *result)
{
	(void)args;
	if (nr == SYS_getpgid && raise_in_hook)
		syscall_no_intercept(SYS_tgkill,
				     syscall_no_intercept(SYS_getpid),
				     syscall_no_intercept(SYS_gettid), SIGUSR1);
	if (nr != SYS_getppid)
		return 1;
	*result = FAKE_PPID;
	return 0;
}

/* Sends SIGUSR1 to tid once /proc shows it blocked in read. */
static void *signal_when_blocked(void *arg)
{
	long tid = (long)arg;

	check_wait_blocked(tid, SYS_read);
	syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
	return NULL;
}

static void expect_hooked(const char *after)
{
	long before = hook_count_calls(SYS_getppid);

	CHECK(getppid() == FAKE_PPID, "after %s: getppid not answered", after);
	CHECK(hook_count_calls(SYS_getppid) == before + 1,
	      "after %s: getppid not hooked", after);
}

static int fds[2];
static pthread_t helper;

static void leave_blocked_read(void)
{
	char c;

	if (sigsetjmp(back, 1) == 0) {
		long tid = syscall_no_intercept(SYS_gettid);
		CHECK(pthread_create(&helper, NULL, signal_when_blocked,
				     (void *)tid) == 0,
		      "pthread_create");
		read(fds[0], &c, 1);
		CHECK(0, "read returned instead of being left");
	}
	pthread_join(helper, NULL);
	expect_hooked("leaving a blocked read");
}

static void leave_hook(void)
{
	raise_in_hook = 1;
	if (sigsetjmp(back, 1) == 0) {
		getpgid(0);
		CHECK(0, "getpgid returned instead of being left");
	}
	raise_in_hook = 0;
	expect_hooked("leaving the hook");
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = jump_out;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction: %m");
	CHECK(pipe(fds) == 0, "pipe: %m");
	hook_count_extra = answer_getppid;

	for (int i = 0; i < 3; i++)
		leave_blocked_read();
	for (int i = 0; i < 3; i++)
		leave_hook();
	CHECK_EQ(jumps, 6, "jumps out of handlers");
	printf("calls left by siglongjmp, interception intact\n");
	return 0;
}
