// SPDX-License-Identifier: BSD-3-Clause
/*
 * threads.c -- threads (glibc creates them with clone3) are intercepted:
 * every system call of every thread reaches the hook, the clone hooks run
 * once per thread (the child hook in the new thread itself), and the
 * threads' own exit calls are hooked too.
 */
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define THREADS_MAX HOOK_COUNT_MAX_TIDS

struct worker {
	pthread_t thread;
	long tid;
	long wrong_ppid;
};

static long ppid;
static int calls;

static void *work(void *arg)
{
	struct worker *w = arg;

	w->tid = syscall(SYS_gettid);
	for (int i = 0; i < calls; i++)
		if (getppid() != ppid)
			w->wrong_ppid++;
	return NULL;
}

static int in_set(long v, const atomic_long *set, int n)
{
	for (int i = 0; i < n; i++)
		if (atomic_load(&set[i]) == v)
			return 1;
	return 0;
}

int main(void)
{
	struct worker workers[THREADS_MAX];
	const int threads = check_size(8, THREADS_MAX);

	calls = check_size(200, 20000);
	memset(workers, 0, sizeof(workers));
	ppid = syscall_no_intercept(SYS_getppid);
	hook_count_reset();

	for (int i = 0; i < threads; i++)
		CHECK(pthread_create(&workers[i].thread, NULL, work,
				     &workers[i]) == 0,
		      "pthread_create");
	for (int i = 0; i < threads; i++)
		CHECK(pthread_join(workers[i].thread, NULL) == 0,
		      "pthread_join");

	CHECK_EQ(hook_count_calls(SYS_getppid), threads * calls,
		 "getppid calls seen by the hook");
	CHECK_EQ(hook_count_calls(SYS_gettid), threads,
		 "gettid calls seen by the hook");
	CHECK_EQ(hook_count_calls(SYS_clone3), threads,
		 "clone3 calls seen by the hook");
	CHECK_EQ(hook_count_calls(SYS_exit), threads,
		 "exit calls of the threads seen by the hook");
	CHECK_EQ(atomic_load(&hook_count.clone_parent), threads,
		 "calls of the clone_parent hook");
	CHECK_EQ(atomic_load(&hook_count.clone_child), threads,
		 "calls of the clone_child hook");
	for (int i = 0; i < threads; i++) {
		struct worker *w = &workers[i];

		CHECK_EQ(w->wrong_ppid, 0, "wrong getppid results in a thread");
		CHECK(in_set(w->tid, hook_count.child_tids, threads),
		      "thread %ld never called the clone_child hook", w->tid);
		CHECK(in_set(w->tid, hook_count.parent_returns, threads),
		      "thread %ld never returned to the clone_parent hook",
		      w->tid);
	}
	printf("%d threads intercepted\n", threads);
	return 0;
}
