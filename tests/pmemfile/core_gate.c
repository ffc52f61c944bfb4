// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_gate -- the gate of the calls that change a pool (pmemfile/gate.c):
 * four threads pass it in a loop, each pass a pair of changes (a, then
 * after some work b, with a nested pass and a mutex between) that the
 * gate must never cut; a closer closes it 2000 times and finds every pair
 * whole and nothing changing while it is closed, and the waiting threads
 * through soon after each opening. A thread closes from
 * within a pass and passes again inside; a fork child of a thread inside
 * closes and opens the gate without waiting for the parent's threads; a
 * thread that ended leaves nothing to wait for.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include "core.h"
#include "pmemfile/gate.h"

#define WORKERS 4
#define CLOSES 2000

static _Atomic long a, b, passes;
static _Atomic int stop;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void pair(unsigned i)
{
	GATE_PASS();
	atomic_fetch_add(&a, 1);
	for (volatile unsigned k = 0; k < 200 + (i % 7) * 50; k++)
		;
	if (i % 5 == 0) {
		pthread_mutex_lock(&m);
		GATE_PASS(); /* nested: never waits */
		pthread_mutex_unlock(&m);
	}
	atomic_fetch_add(&b, 1);
	atomic_fetch_add(&passes, 1);
}

static void *worker(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	while (!atomic_load(&stop))
		pair(i++);
	return NULL;
}

static void *short_lived(void *arg)
{
	(void)arg;
	pair(1);
	return NULL;
}

static void closed_check(int round)
{
	long ga = atomic_load(&a), gb = atomic_load(&b);
	if (ga != gb)
		CORE_FAIL("round %d: closed with a pass inside (a %ld, b %ld)",
			  round, ga, gb);
	for (volatile int k = 0; k < 2000; k++)
		;
	if (atomic_load(&a) != ga || atomic_load(&b) != gb)
		CORE_FAIL("round %d: a change while the gate was closed",
			  round);
}

int main(void)
{
	pthread_t w[WORKERS], s;
	gate_use();
	/* a thread that passed and ended */
	CORE_EQ(pthread_create(&s, NULL, short_lived, NULL), 0);
	CORE_EQ(pthread_join(s, NULL), 0);
	for (uintptr_t i = 0; i < WORKERS; i++)
		CORE_EQ(pthread_create(&w[i], NULL, worker, (void *)i), 0);

	for (int round = 0; round < CLOSES; round++) {
		gate_close();
		closed_check(round);
		long p = atomic_load(&passes);
		gate_open();
		/* the workers waiting at the gate get through */
		time_t t0 = time(NULL);
		while (atomic_load(&passes) < p + 2) {
			if (time(NULL) - t0 > 5)
				CORE_FAIL("round %d: no pass within 5 s of the "
					  "opening",
					  round);
			sched_yield();
		}
	}

	/* closing from within a pass, and passing again while closed */
	{
		GATE_PASS();
		gate_close();
		closed_check(-1);
		{
			GATE_PASS();
		}
		gate_open();
	}

	/* a fork child of a thread inside the gate */
	pid_t pid;
	{
		GATE_PASS();
		pid = fork();
		CORE_TRUE(pid >= 0);
		if (pid == 0) {
			alarm(10);
			gate_close();
			gate_open();
			{
				GATE_PASS();
			}
			_exit(0);
		}
	}
	int st;
	CORE_EQ(waitpid(pid, &st, 0), pid);
	CORE_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	atomic_store(&stop, 1);
	for (int i = 0; i < WORKERS; i++)
		CORE_EQ(pthread_join(w[i], NULL), 0);
	gate_close();
	closed_check(-2);
	gate_open();
	printf("%d closes, %ld passes\nPASS\n", CLOSES, atomic_load(&passes));
	return 0;
}
