/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gate.h -- a gate the calls that change a pool pass, which a sync point
 * closes to take a consistent copy of the pool's changed pages: closing
 * waits until no thread is inside, and a thread that comes to the closed
 * gate waits until it opens again.
 *
 * A call passes at its entry, before it takes any lock of the pool, and
 * leaves at its return (GATE_PASS does both, by scope): the calls of the
 * API that may change the pool, the keeper's service of each call of
 * another process, and its sweeps. Calls that may wait long and change
 * nothing in the pool (record locks, flock) do not pass, so that a sync
 * point never waits for them. A thread already inside passes again
 * without waiting (a call made from within a call), so that a thread
 * waiting at the gate never holds what a thread inside needs. Until
 * gate_use() is first called (by a pool whose durability needs sync
 * points), passing costs one load of a flag.
 */
#ifndef PMEMFILE_GATE_H
#define PMEMFILE_GATE_H

#include <stdatomic.h>
#include <stdbool.h>

struct gate_thread {
	_Atomic unsigned depth; /* calls of this thread inside the gate */
	_Atomic int owned;	/* a live thread has the record */
	struct gate_thread *next;
};

/*
 * Of default visibility: kept global in the static library (not in the C
 * API: the shared library's version script keeps them local), so that a
 * test linking it reaches the library's own gate.
 */
#define GATE_API __attribute__((visibility("default")))

extern GATE_API _Atomic bool gate_used;
extern GATE_API __thread struct gate_thread *gate_self;

/* From now on, calls pass the gate (never undone). */
GATE_API void gate_use(void);

/* The slow ways in and out: the first entry of a thread, a closed gate. */
GATE_API void gate_enter_slow(void);
GATE_API void gate_left(void);

static inline void gate_enter(void)
{
	if (!atomic_load_explicit(&gate_used, memory_order_relaxed))
		return;
	struct gate_thread *t = gate_self;
	if (t && atomic_load_explicit(&t->depth, memory_order_relaxed)) {
		atomic_store_explicit(
		    &t->depth,
		    atomic_load_explicit(&t->depth, memory_order_relaxed) + 1,
		    memory_order_relaxed);
		return;
	}
	gate_enter_slow();
}

static inline void gate_leave(void)
{
	struct gate_thread *t = gate_self;
	if (!t)
		return;
	unsigned d = atomic_load_explicit(&t->depth, memory_order_relaxed);
	if (d == 0)
		return;
	if (d > 1) {
		atomic_store_explicit(&t->depth, d - 1, memory_order_relaxed);
		return;
	}
	gate_left();
}

static inline void gate_leave_scope(int *unused)
{
	(void)unused;
	gate_leave();
}

/* Passes the gate until the end of the enclosing scope. */
#define GATE_PASS()                                                          \
	int gate_scope_ __attribute__((cleanup(gate_leave_scope), unused)) = \
	    (gate_enter(), 0)

/*
 * Closes the gate: returns when no thread but the caller is inside (the
 * caller's own passes are allowed: it may close from within a call); the
 * gate stays closed until gate_open. One closer at a time.
 */
GATE_API void gate_close(void);
GATE_API void gate_open(void);

/*
 * A thread inside that is to close the gate steps out first (holding no
 * lock of the pool), so that two closers never wait for each other, and
 * back in after (waiting if another closed it meanwhile): gate_step_out
 * returns its depth for gate_step_in.
 */
GATE_API unsigned gate_step_out(void);
GATE_API void gate_step_in(unsigned depth);

#endif
