// SPDX-License-Identifier: BSD-3-Clause
/*
 * backtrace.c -- a signal handler that walks the stack (backtrace(), as
 * crash reporters do) while its thread is blocked in a hooked call gets the
 * whole chain of callers, as without interception: the unwinder finds its
 * way through the library's frames.
 */
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define FRAMES 64

static void *frames[FRAMES];
static volatile int depth = -1;
static int fds[2];

static long blocking_calls;
static long blocking_nr;
/* The thread that blocks: the signalling thread's usleep is not counted. */
static long blocking_tid;

static int count_blocking_calls(long nr, const long args[6], long *result)
{
	(void)result;
	if (nr != blocking_nr || (nr == SYS_read && args[0] != fds[0]))
		return 1;
	if (syscall_no_intercept(SYS_gettid) == blocking_tid)
		blocking_calls++;
	return 1;
}

static void walk(int sig)
{
	(void)sig;
	depth = backtrace(frames, FRAMES);
}

/* Where blocked_reader returns to in main: a frame the walk must find. */
static void *return_to_main;

__attribute__((noinline, noipa)) static long blocked_call(void)
{
	struct timespec t = {3600, 0};
	char c;
	long r;

	return_to_main = __builtin_return_address(0);
	if (blocking_nr == SYS_read)
		r = read(fds[0], &c, 1);
	else
		r = nanosleep(&t, NULL);
	__asm__ volatile("" ::: "memory");
	return r;
}

static void *signal_when_blocked(void *arg)
{
	long tid = (long)arg;

	check_wait_blocked(tid, blocking_nr);
	syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
	return NULL;
}

/* Runs in a child, so that a crash of the walk spares the other case. */
static void walk_from_blocked_call(long nr)
{
	pthread_t t;

	blocking_nr = nr;
	long tid = syscall_no_intercept(SYS_gettid);
	blocking_tid = tid;
	CHECK(pthread_create(&t, NULL, signal_when_blocked, (void *)tid) == 0,
	      "pthread_create");
	errno = 0;
	CHECK(blocked_call() == -1 && errno == EINTR,
	      "the interrupted call did not fail with EINTR");
	pthread_join(t, NULL);
	CHECK_EQ(blocking_calls, 1, "hooked blocking calls");

	CHECK(depth > 0, "backtrace() found no frame");
	for (int i = 0; i < depth; i++)
		if (frames[i] == return_to_main)
			exit(0);
	fprintf(stderr, "%d frames:\n", depth);
	backtrace_symbols_fd(frames, depth, 2);
	CHECK(0, "main's frame (%p) is not in the backtrace", return_to_main);
}

static int walk_in_child(const char *what, long nr)
{
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %m");
	if (pid == 0)
		walk_from_blocked_call(nr);
	int status = check_wait(pid);
	if (status == 0)
		return 0;
	fprintf(stderr, "backtrace from a handler interrupting %s: %s %d\n",
		what, status > 1000 ? "killed by signal" : "exit status",
		status > 1000 ? status - 1000 : status);
	return 1;
}

int main(void)
{
	struct sigaction sa;
	int failures = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = walk;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction: %m");
	CHECK(pipe(fds) == 0, "pipe: %m");
	/* Loaded before the signal: backtrace() loads libgcc_s on first use. */
	backtrace(frames, FRAMES);
	hook_count_extra = count_blocking_calls;

	failures += walk_in_child("read", SYS_read);
	failures += walk_in_child("nanosleep", SYS_clock_nanosleep);
	if (failures > 0)
		return 1;
	printf("backtraces from handlers reach the callers\n");
	return 0;
}
