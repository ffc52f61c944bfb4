/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hook_count.h -- a hook for the C tests that counts every system call it
 * sees, per number, and every call of the clone hooks. A test may add its own
 * behaviour through hook_count_extra.
 */
#ifndef TEST_INTERCEPT_HOOK_COUNT_H
#define TEST_INTERCEPT_HOOK_COUNT_H

#include <stdatomic.h>

#define HOOK_COUNT_MAX_NR 512
#define HOOK_COUNT_MAX_TIDS 64

struct hook_count_state {
	atomic_long calls[HOOK_COUNT_MAX_NR];
	atomic_long clone_child;
	atomic_long clone_parent;
	/* Thread ids seen by the child hook (from gettid in the child). */
	atomic_long child_tids[HOOK_COUNT_MAX_TIDS];
	/* Values returned to the parent hook. */
	atomic_long parent_returns[HOOK_COUNT_MAX_TIDS];
	atomic_ulong last_child_flags;
	atomic_ulong last_parent_flags;
};

extern struct hook_count_state hook_count;

/*
 * Called for every call after it is counted. Returns like a hook: non-zero
 * passes the call to the kernel, zero answers it with *result. May be NULL.
 */
extern int (*hook_count_extra)(long nr, const long args[6], long *result);

/* Installs the hooks (also done by a constructor) and zeroes the counts. */
void hook_count_reset(void);

long hook_count_calls(long nr);

/* Checks that the clone_parent hook ran once and was given pid. */
void hook_count_check_parent(long pid);

/* Checks that the clone_child hook ran once, in the thread pid. */
void hook_count_check_child(long pid);

#endif
