/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * once.h -- a function run once in a process, as pthread_once, but with
 * no system call once done: glibc's pthread_once makes a futex call each
 * time it runs the function (at each process's first use of a pool, and
 * of a pool descriptor, in the shim). The state: 0 not run, 1 a thread
 * runs it (the others wait for it), 2 done. Not for a function that may
 * call its own once.
 */
#ifndef PMEMFILE_ONCE_H
#define PMEMFILE_ONCE_H

#include <sched.h>
#include <stdatomic.h>

static inline void pf_once(_Atomic int *state, void (*fn)(void))
{
	int none = 0;
	if (atomic_load_explicit(state, memory_order_acquire) == 2)
		return;
	if (atomic_compare_exchange_strong(state, &none, 1)) {
		fn();
		atomic_store_explicit(state, 2, memory_order_release);
		return;
	}
	while (atomic_load_explicit(state, memory_order_acquire) != 2)
		sched_yield();
}

#endif
