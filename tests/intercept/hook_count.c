// SPDX-License-Identifier: BSD-3-Clause
/*
 * hook_count.c -- the counting hook of the C tests.
 *
 * A pass-through call gets garbage in *result on purpose: the library must
 * ignore *result when the hook returns non-zero.
 */
#include <string.h>
#include <sys/syscall.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

struct hook_count_state hook_count;
int (*hook_count_extra)(long nr, const long args[6], long *result);

static int hook_count_syscall(long nr, long a0, long a1, long a2, long a3,
			      long a4, long a5, long *result)
{
	const long args[6] = {a0, a1, a2, a3, a4, a5};

	if (nr >= 0 && nr < HOOK_COUNT_MAX_NR)
		atomic_fetch_add(&hook_count.calls[nr], 1);
	if (hook_count_extra != NULL)
		return hook_count_extra(nr, args, result);
	*result = 0x5eed0bad;
	return 1;
}

static void hook_count_child(unsigned long flags, void *stack, int *ptid,
			     int *ctid, long tls)
{
	long i = atomic_fetch_add(&hook_count.clone_child, 1);

	(void)stack;
	(void)ptid;
	(void)ctid;
	(void)tls;
	atomic_store(&hook_count.last_child_flags, flags);
	if (i < HOOK_COUNT_MAX_TIDS)
		atomic_store(&hook_count.child_tids[i],
			     syscall_no_intercept(SYS_gettid));
}

static void hook_count_parent(unsigned long flags, void *stack, int *ptid,
			      int *ctid, long tls, long returned)
{
	long i = atomic_fetch_add(&hook_count.clone_parent, 1);

	(void)stack;
	(void)ptid;
	(void)ctid;
	(void)tls;
	atomic_store(&hook_count.last_parent_flags, flags);
	if (i < HOOK_COUNT_MAX_TIDS)
		atomic_store(&hook_count.parent_returns[i], returned);
}

void hook_count_reset(void)
{
	intercept_hook_point = NULL;
	memset(&hook_count, 0, sizeof(hook_count));
	intercept_hook_point_clone_child_args = hook_count_child;
	intercept_hook_point_clone_parent_args = hook_count_parent;
	intercept_hook_point = hook_count_syscall;
}

long hook_count_calls(long nr)
{
	return atomic_load(&hook_count.calls[nr]);
}

void hook_count_check_parent(long pid)
{
	CHECK_EQ(atomic_load(&hook_count.clone_parent), 1,
		 "clone_parent calls");
	CHECK_EQ(atomic_load(&hook_count.parent_returns[0]), pid,
		 "value given to clone_parent");
}

void hook_count_check_child(long pid)
{
	CHECK_EQ(atomic_load(&hook_count.clone_child), 1, "clone_child calls");
	CHECK_EQ(atomic_load(&hook_count.child_tids[0]), pid,
		 "thread id seen by clone_child");
}

static __attribute__((constructor)) void hook_count_init(void)
{
	hook_count_reset();
}
