// SPDX-License-Identifier: BSD-3-Clause
/*
 * gate.c -- the gate of the calls that change a pool (gate.h).
 *
 * Each thread that passes has a record in a list that only grows (a
 * record whose thread ended is taken by the next new thread). Entering
 * stores the thread's depth, then looks at closed; closing stores closed,
 * then looks at every depth: both in sequentially consistent order, so
 * that of a thread coming in and a closer, at least one sees the other.
 * Waits are futex waits on two words: closers wait on left (bumped by a
 * thread leaving while the gate closes), threads at the gate on opened.
 */
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gate.h"

_Atomic bool gate_used;
__thread struct gate_thread *gate_self
    __attribute__((tls_model("initial-exec")));

static struct gate_thread *_Atomic gate_threads;
static pthread_mutex_t gate_list_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t gate_closer = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t gate_key;
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;
static _Atomic int gate_closed;
static _Atomic uint32_t gate_opened;	/* bumped by gate_open */
static _Atomic uint32_t gate_left_word; /* bumped by a leave while closed */
static struct gate_thread *_Atomic gate_closer_self;

static void futex_wait(_Atomic uint32_t *w, uint32_t val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* A thread that ends gives its record to the next new one. */
static void gate_thread_end(void *p)
{
	struct gate_thread *t = p;
	atomic_store(&t->depth, 0);
	atomic_store(&t->owned, 0);
}

static void gate_setup(void);

static struct gate_thread *gate_register(void)
{
	pthread_once(&gate_once, gate_setup);
	pthread_mutex_lock(&gate_list_lock);
	struct gate_thread *t = atomic_load(&gate_threads);
	for (; t; t = t->next) {
		int free_ = 0;
		if (atomic_compare_exchange_strong(&t->owned, &free_, 1))
			break;
	}
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			abort(); /* a thread with no record could not be stopped
				  */
		atomic_store(&t->owned, 1);
		t->next = atomic_load(&gate_threads);
		atomic_store(&gate_threads, t);
	}
	pthread_mutex_unlock(&gate_list_lock);
	(void)pthread_setspecific(gate_key, t);
	gate_self = t;
	return t;
}

/*
 * In a fork child only the forking thread runs: the others' records are
 * free, and a closer of the parent left no gate closed here.
 */
static void gate_fork_child(void)
{
	for (struct gate_thread *t = atomic_load(&gate_threads); t;
	     t = t->next) {
		if (t == gate_self)
			continue;
		atomic_store(&t->depth, 0);
		atomic_store(&t->owned, 0);
	}
	pthread_mutex_init(&gate_list_lock, NULL);
	pthread_mutex_init(&gate_closer, NULL);
	atomic_store(&gate_closed, 0);
	atomic_store(&gate_closer_self, NULL);
}

static void gate_setup(void)
{
	(void)pthread_key_create(&gate_key, gate_thread_end);
	(void)pthread_atfork(NULL, NULL, gate_fork_child);
}

void gate_use(void)
{
	pthread_once(&gate_once, gate_setup);
	atomic_store(&gate_used, true);
}

void gate_enter_slow(void)
{
	struct gate_thread *t = gate_self;
	if (!t)
		t = gate_register();
	if (atomic_load_explicit(&t->depth, memory_order_relaxed)) {
		atomic_fetch_add(&t->depth, 1);
		return;
	}
	for (;;) {
		uint32_t opened = atomic_load(&gate_opened);
		atomic_store(&t->depth, 1);
		if (!atomic_load(&gate_closed) ||
		    t == atomic_load(&gate_closer_self))
			return;
		/* closed: step back, let the closer know, wait for it */
		atomic_store(&t->depth, 0);
		atomic_fetch_add(&gate_left_word, 1);
		futex_wake(&gate_left_word);
		while (atomic_load(&gate_closed) &&
		       atomic_load(&gate_opened) == opened)
			futex_wait(&gate_opened, opened);
	}
}

void gate_left(void)
{
	struct gate_thread *t = gate_self;
	atomic_store(&t->depth, 0);
	if (atomic_load(&gate_closed)) {
		atomic_fetch_add(&gate_left_word, 1);
		futex_wake(&gate_left_word);
	}
}

unsigned gate_step_out(void)
{
	struct gate_thread *t = gate_self;
	unsigned d = t ? atomic_load(&t->depth) : 0;
	if (d)
		gate_left();
	return d;
}

void gate_step_in(unsigned depth)
{
	if (!depth)
		return;
	gate_enter_slow();
	atomic_store(&gate_self->depth, depth);
}

void gate_close(void)
{
	struct gate_thread *me = gate_self ? gate_self : gate_register();
	pthread_mutex_lock(&gate_closer);
	atomic_store(&gate_closer_self, me);
	atomic_store(&gate_closed, 1);
	for (struct gate_thread *t = atomic_load(&gate_threads); t;
	     t = t->next) {
		if (t == me)
			continue;
		for (;;) {
			uint32_t w = atomic_load(&gate_left_word);
			if (atomic_load(&t->depth) == 0)
				break;
			futex_wait(&gate_left_word, w);
		}
	}
}

void gate_open(void)
{
	atomic_store(&gate_closed, 0);
	atomic_store(&gate_closer_self, NULL);
	atomic_fetch_add(&gate_opened, 1);
	futex_wake(&gate_opened);
	pthread_mutex_unlock(&gate_closer);
}
