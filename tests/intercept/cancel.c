// SPDX-License-Identifier: BSD-3-Clause
/*
 * cancel.c -- pthread_cancel still ends a thread blocked in a hooked
 * system call (read, nanosleep, a futex wait) and one that loops on system
 * calls, as without interception. glibc acts on a cancellation request
 * when it finds the thread inside a cancellable call.
 */
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

static int fds[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *block_in_read(void *arg)
{
	char c;

	(void)arg;
	read(fds[0], &c, 1);
	return NULL;
}

static void *block_in_sleep(void *arg)
{
	struct timespec t = {3600, 0};

	(void)arg;
	nanosleep(&t, NULL);
	return NULL;
}

static void unlock(void *mutex)
{
	pthread_mutex_unlock(mutex);
}

static void *block_in_cond_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	pthread_cleanup_push(unlock, &lock);
	for (;;)
		pthread_cond_wait(&never, &lock);
	pthread_cleanup_pop(1);
	return NULL;
}

static void *loop_on_calls(void *arg)
{
	(void)arg;
	for (;;) {
		getppid();
		pthread_testcancel();
	}
	return NULL;
}

/* Runs in a child process, so that one case that crashes spares the rest. */
static void cancel_in_child(void *(*fn)(void *), long nr)
{
	pthread_t t;
	void *ret = NULL;

	hook_count_reset();
	CHECK(pthread_create(&t, NULL, fn, NULL) == 0, "pthread_create");
	usleep(20000);
	CHECK(pthread_cancel(t) == 0, "pthread_cancel");
	/* A thread that does not end would block the join: SIGALRM ends us. */
	alarm(10);
	CHECK(pthread_join(t, &ret) == 0, "pthread_join");
	alarm(0);
	CHECK(ret == PTHREAD_CANCELED, "the thread was not cancelled");
	CHECK(hook_count_calls(nr) >= 1, "its call %ld was not hooked", nr);
	exit(0);
}

static int cancel(const char *what, void *(*fn)(void *), long nr)
{
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %m");
	if (pid == 0)
		cancel_in_child(fn, nr);
	int status = check_wait(pid);
	if (status == 0)
		return 0;
	fprintf(stderr, "cancelling a thread in %s: %s %d\n", what,
		status > 1000 ? "killed by signal" : "exit status",
		status > 1000 ? status - 1000 : status);
	return 1;
}

int main(void)
{
	int failures = 0;

	CHECK(pipe(fds) == 0, "pipe: %m");
	failures += cancel("read", block_in_read, SYS_read);
	failures += cancel("nanosleep", block_in_sleep, SYS_clock_nanosleep);
	failures += cancel("pthread_cond_wait", block_in_cond_wait, SYS_futex);
	failures += cancel("a loop of getppid", loop_on_calls, SYS_getppid);
	if (failures > 0)
		return 1;
	printf("blocked and busy threads cancelled\n");
	return 0;
}
