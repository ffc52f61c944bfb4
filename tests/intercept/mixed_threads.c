// SPDX-License-Identifier: BSD-3-Clause
/*
 * mixed_threads.c -- many threads at once making answered, passed-through
 * and blocking calls, receiving signals whose handlers make calls too, and
 * forking children that make calls and exit: every result is right and the
 * hook counts every call (STRESS=1 makes it longer).
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define THREADS 6
#define FAKE_PPID 777L

struct worker {
	pthread_t thread;
	long tid;
	int fds[2];
	long wrong;
};

static int rounds;
static atomic_long handler_calls;
static atomic_long handler_wrong;

static int answer_getppid(long nr, const long args[6], long *result)
{
	(void)args;
	if (nr != SYS_getppid)
		return 1;
	*result = FAKE_PPID;
	return 0;
}

static void handler(int sig)
{
	(void)sig;
	atomic_fetch_add(&handler_calls, 1);
	if (getppid() != FAKE_PPID || getpid() != syscall(SYS_getpid))
		atomic_fetch_add(&handler_wrong, 1);
}

static void fork_child(struct worker *w)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(getppid() == FAKE_PPID ? 0 : 1);
	if (pid < 0 || check_wait(pid) != 0)
		w->wrong++;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct timespec nap = {0, 1000};
	char buf[8];

	w->tid = syscall(SYS_gettid);
	for (int i = 0; i < rounds; i++) {
		if (getppid() != FAKE_PPID)
			w->wrong++;
		if (write(w->fds[1], "abc", 3) != 3 ||
		    read(w->fds[0], buf, 3) != 3 || memcmp(buf, "abc", 3))
			w->wrong++;
		if (i % 16 == 0)
			nanosleep(&nap, NULL);
		if (i % 64 == 0)
			fork_child(w);
	}
	return NULL;
}

int main(void)
{
	struct worker w[THREADS];
	struct sigaction sa;

	rounds = check_size(2000, 50000);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction: %m");
	memset(w, 0, sizeof(w));
	hook_count_extra = answer_getppid;

	for (int i = 0; i < THREADS; i++) {
		CHECK(pipe(w[i].fds) == 0, "pipe: %m");
		CHECK(pthread_create(&w[i].thread, NULL, work, &w[i]) == 0,
		      "pthread_create");
	}
	/* Signals at the threads while they run. */
	for (int i = 0; i < rounds / 10; i++) {
		long tid = w[i % THREADS].tid;
		if (tid != 0)
			syscall_no_intercept(SYS_tgkill, getpid(), tid,
					     SIGUSR1);
		sched_yield();
	}
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_join(w[i].thread, NULL) == 0, "pthread_join");

	for (int i = 0; i < THREADS; i++)
		CHECK_EQ(w[i].wrong, 0, "wrong results in a thread");
	CHECK_EQ(atomic_load(&handler_wrong), 0, "wrong results in handlers");
	CHECK_EQ(hook_count_calls(SYS_getppid),
		 (long)THREADS * rounds + atomic_load(&handler_calls),
		 "getppid calls hooked (threads and handlers)");
	printf("%d threads x %d rounds, %ld handlers, all right\n", THREADS,
	       rounds, atomic_load(&handler_calls));
	return 0;
}
