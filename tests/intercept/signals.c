// SPDX-License-Identifier: BSD-3-Clause
/*
 * signals.c -- signals under interception:
 *  - a handler's own system calls are hooked and give right results;
 *  - rt_sigreturn never reaches the hook, and the interrupted code resumes;
 *  - a signal delivered while the hook runs (its handler re-enters the hook);
 *  - a signal arriving while a hooked read blocks: EINTR without SA_RESTART,
 *    restarted with SA_RESTART, exactly as the same read made with
 *    syscall_no_intercept (the kernel's own behaviour).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

static volatile long handler_ppid;
static volatile int handled;
static int handler_pipe = -1;

static void handler(int sig)
{
	(void)sig;
	handled++;
	handler_ppid = getppid();
	if (handler_pipe >= 0)
		CHECK_EQ(write(handler_pipe, "s", 1), 1, "write in a handler");
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction: %m");
}

static void check_handler_calls(void)
{
	long ppid = syscall_no_intercept(SYS_getppid);
	volatile long kept = 0x5151;
	const int signals = check_size(100, 100000);

	set_handler(SIGUSR1, 0);
	hook_count_reset();
	for (int i = 0; i < signals; i++) {
		handler_ppid = 0;
		CHECK_EQ(kill(getpid(), SIGUSR1), 0, "kill");
		CHECK_EQ(handler_ppid, ppid, "getppid in the handler");
	}
	CHECK_EQ(handled, signals, "handler runs");
	CHECK_EQ(kept, 0x5151, "a local variable after the handlers");
	CHECK_EQ(hook_count_calls(SYS_getppid), signals,
		 "getppid calls from the handler seen by the hook");
	CHECK_EQ(hook_count_calls(SYS_kill), signals, "kill calls seen");
	CHECK_EQ(hook_count_calls(SYS_rt_sigreturn), 0,
		 "rt_sigreturn calls that reached the hook");
}

/* Raises SIGUSR1 from inside the hook, once, while it handles getpgid. */
static int signal_in_hook(long nr, const long args[6], long *result)
{
	static int raised;

	(void)args;
	(void)result;
	if (nr == SYS_getpgid && !raised) {
		raised = 1;
		syscall_no_intercept(SYS_tgkill,
				     syscall_no_intercept(SYS_getpid),
				     syscall_no_intercept(SYS_gettid), SIGUSR1);
		CHECK_EQ(handled, 1, "handler run inside the hook");
	}
	return 1;
}

static void check_signal_in_hook(void)
{
	handled = 0;
	handler_ppid = 0;
	hook_count_reset();
	hook_count_extra = signal_in_hook;
	CHECK_EQ(getpgid(0), syscall_no_intercept(SYS_getpgid, 0),
		 "getpgid interrupted by a signal inside the hook");
	hook_count_extra = NULL;
	CHECK_EQ(handled, 1, "handler runs");
	CHECK_EQ(handler_ppid, syscall_no_intercept(SYS_getppid),
		 "getppid from a handler run inside the hook");
	CHECK_EQ(hook_count_calls(SYS_getppid), 1,
		 "nested getppid seen by the hook");
}

struct blocked {
	pid_t tid;
	pthread_t thread;
};

/* Sends SIGUSR1 to the waiter once /proc shows it blocked in read. */
static void *signal_when_blocked(void *arg)
{
	struct blocked *b = arg;

	check_wait_blocked(b->tid, SYS_read);
	/* Give the kernel no chance to see a read that is not asleep yet. */
	usleep(20000);
	syscall(SYS_tgkill, getpid(), b->tid, SIGUSR1);
	return NULL;
}

static long blocked_read(int fd, char *c, int raw)
{
	struct blocked b;
	long r;

	b.tid = syscall_no_intercept(SYS_gettid);
	CHECK(pthread_create(&b.thread, NULL, signal_when_blocked, &b) == 0,
	      "pthread_create");
	if (raw) {
		r = syscall_no_intercept(SYS_read, fd, c, 1);
	} else {
		r = read(fd, c, 1);
		if (r < 0)
			r = -errno;
	}
	pthread_join(b.thread, NULL);
	return r;
}

static int blocked_fd = -1;
static long blocked_fd_reads;

static int count_blocked_reads(long nr, const long args[6], long *result)
{
	(void)result;
	if (nr == SYS_read && args[0] == blocked_fd)
		blocked_fd_reads++;
	return 1;
}

static void check_blocked_read(int restart)
{
	int fds[2];
	long got[2];
	char c[2] = "";

	set_handler(SIGUSR1, restart ? SA_RESTART : 0);
	for (int raw = 1; raw >= 0; raw--) {
		CHECK(pipe(fds) == 0, "pipe: %m");
		handler_pipe = fds[1];
		handled = 0;
		blocked_fd = fds[0];
		blocked_fd_reads = 0;
		hook_count_extra = count_blocked_reads;
		got[raw] = blocked_read(fds[0], &c[raw], raw);
		hook_count_extra = NULL;
		CHECK_EQ(handled, 1, "handler runs");
		CHECK_EQ(blocked_fd_reads, raw ? 0 : 1,
			 "reads of the pipe seen by the hook");
		close(fds[0]);
		close(fds[1]);
		handler_pipe = -1;
	}
	CHECK_EQ(got[1], restart ? 1 : -EINTR,
		 "read made with syscall_no_intercept (the kernel's answer)");
	CHECK_EQ(got[0], got[1], "intercepted read, compared with the kernel");
	if (restart)
		CHECK(c[0] == 's' && c[1] == 's',
		      "bytes read after the restart: %c %c", c[0], c[1]);
}

int main(void)
{
	check_handler_calls();
	check_signal_in_hook();
	for (int i = check_size(1, 50); i > 0; i--) {
		check_blocked_read(0);
		check_blocked_read(1);
	}
	printf("signals behave as without interception\n");
	return 0;
}
