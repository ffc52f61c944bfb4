/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dispatch.c -- the C side of every intercepted system call: ask the hook,
 * then either hand back its answer or make the real call.
 */
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "intercept.h"
#include "late_load.h"
#include "log.h"
#include "net.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static long raw_syscall6(long nr, long a0, long a1, long a2, long a3, long a4,
			 long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * These calls create a thread or process that must not return through the
 * frames of the dispatcher (a new stack, or the parent's stack shared by a
 * vfork child), or, for rt_sigreturn, read the signal frame at the stack
 * pointer of the site: the trampoline makes them itself.
 */
static void *raw_stub_for(const struct patch_site *site, long nr)
{
	switch (nr) {
	case SYS_clone:
	case SYS_rt_sigreturn:
		return site_raw(site, RAW_CLONE);
	case SYS_vfork:
		return site_raw(site, RAW_VFORK);
	case SYS_clone3:
		return site_raw(site, RAW_CLONE3);
	default:
		return NULL;
	}
}

/*
 * clone3 reads its arguments from memory that the parent may reuse as soon
 * as the call returned, before the child got to run its hook. The kernel is
 * given a copy instead, which the child finds through %rdi (preserved by
 * the call), and %rdi gets its value back in both.
 */
#define CLONE3_ARGS_MAX 128
#define CLONE3_COPIES 64
#define CLONE_VM_FLAG 0x100UL

struct clone3_copy {
	unsigned long args[CLONE3_ARGS_MAX / sizeof(unsigned long)];
	long rdi;
	int users; /* processes still to read it: 2, or 1 without CLONE_VM */
};

static struct clone3_copy clone3_copies[CLONE3_COPIES];

static void clone3_stash(struct intercept_regs *regs)
{
	const unsigned long *ca = (const unsigned long *)regs->args[0];
	size_t size = (size_t)regs->args[1];

	if (ca == NULL || size < 64 || size > CLONE3_ARGS_MAX)
		return;
	for (int i = 0; i < CLONE3_COPIES; i++) {
		struct clone3_copy *c = &clone3_copies[i];
		int free_slot = 0;
		int users = (ca[0] & CLONE_VM_FLAG) ? 2 : 1;

		if (!__atomic_compare_exchange_n(&c->users, &free_slot, users,
						 0, __ATOMIC_ACQUIRE,
						 __ATOMIC_RELAXED))
			continue;
		memcpy(c->args, ca, size);
		c->rdi = regs->args[0];
		regs->args[0] = (long)c->args;
		return;
	}
}

/* The copy %rdi points to, after the call: %rdi gets its value back. */
static struct clone3_copy *clone3_unstash(struct intercept_regs *regs)
{
	uintptr_t p = (uintptr_t)regs->args[0];
	uintptr_t lo = (uintptr_t)clone3_copies;
	struct clone3_copy *c;

	if (p < lo || p >= lo + sizeof(clone3_copies) ||
	    (p - lo) % sizeof(clone3_copies[0]) != 0)
		return NULL;
	c = (struct clone3_copy *)p;
	regs->args[0] = c->rdi;
	return c;
}

static void clone3_release(struct clone3_copy *c, long result)
{
	if (result < 0)
		__atomic_store_n(&c->users, 0, __ATOMIC_RELEASE);
	else
		__atomic_fetch_sub(&c->users, 1, __ATOMIC_RELEASE);
}

void intercept_clone_hooks(long nr, const long args[6], long result)
{
	unsigned long flags = 0;
	void *stack = NULL;
	int *ptid = NULL;
	int *ctid = NULL;
	long tls = 0;

	if (nr == SYS_clone) {
		flags = (unsigned long)args[0];
		stack = (void *)args[1];
		ptid = (int *)args[2];
		ctid = (int *)args[3];
		tls = args[4];
	} else if (nr == SYS_clone3 && args[0] != 0) {
		/* struct clone_args: flags, pidfd, child_tid, parent_tid,
		 * exit_signal, stack, stack_size, tls */
		const unsigned long *ca = (const unsigned long *)args[0];

		flags = ca[0] | (ca[4] & 0xff);
		ctid = (int *)ca[2];
		ptid = (int *)ca[3];
		stack = ca[5] ? (void *)(ca[5] + ca[6]) : NULL;
		tls = (long)ca[7];
	} else if (nr == SYS_vfork) {
		flags = 0x4000 | 0x100 | 17; /* CLONE_VFORK|CLONE_VM|SIGCHLD */
	} else if (nr == SYS_fork) {
		flags = 17; /* SIGCHLD */
	}

	if (result == 0) {
		if (intercept_hook_point_clone_child_args != NULL)
			intercept_hook_point_clone_child_args(flags, stack,
							      ptid, ctid, tls);
		if (intercept_hook_point_clone_child != NULL)
			intercept_hook_point_clone_child();
	} else {
		if (intercept_hook_point_clone_parent_args != NULL)
			intercept_hook_point_clone_parent_args(
			    flags, stack, ptid, ctid, tls, result);
		if (intercept_hook_point_clone_parent != NULL)
			intercept_hook_point_clone_parent(result);
	}
}

/* CLONE_VM of a clone, clone3 (its stashed arguments) or vfork. */
static unsigned long clone_vm_of(long nr, const long args[6])
{
	if (nr == SYS_vfork)
		return CLONE_VM_FLAG;
	if (nr == SYS_clone)
		return (unsigned long)args[0] & CLONE_VM_FLAG;
	if (nr == SYS_clone3 && args[0] != 0)
		return *(const unsigned long *)args[0] & CLONE_VM_FLAG;
	return 0;
}

static int is_clone_like(long nr)
{
	return nr == SYS_clone || nr == SYS_clone3 || nr == SYS_vfork ||
	       nr == SYS_fork;
}

/*
 * exit and exit_group never return, execve does not when it works: their
 * line is written before (a failed execve gets a second one).
 */
static void log_around_before(const struct patch_site *site, long nr,
			      const long args[6])
{
	if (intercept_log_detailed && (nr == SYS_exit || nr == SYS_exit_group ||
				       nr == SYS_execve || nr == SYS_execveat))
		intercept_log_syscall(site, nr, args, 0, 0);
	else
		intercept_log_before(nr, args);
}

struct intercept_action intercept_dispatch(struct intercept_regs *regs)
{
	const long *args = regs->args;
	long nr = regs->rax;
	long result = 0; /* what a hook that answers but sets nothing gives */
	void *raw;
	/* the loader opening, mapping or unmapping an object: late_load.c */
	int loading = intercept_loader_name != NULL &&
		      site_object(regs->site) == intercept_loader_name &&
		      late_load_watched(nr);

	if (nr == SYS_rt_sigreturn)
		return (struct intercept_action){
		    intercept_net_on ? (long)intercept_net_sigreturn
				     : (long)site_raw(regs->site, RAW_CLONE),
		    1};
	if (loading)
		late_load_before(nr, args);
	/* the classic log has a line before each call, the hook's too */
	if (intercept_log_fd >= 0 && !intercept_log_detailed)
		intercept_log_classic(regs->site, nr, args, 0, 0);

	if (intercept_hook_point != NULL &&
	    intercept_hook_point(nr, args[0], args[1], args[2], args[3],
				 args[4], args[5], &result) == 0) {
		if (intercept_log_fd >= 0)
			intercept_log_syscall(regs->site, nr, args, result, 1);
		if (loading)
			late_load_after(nr, args, result);
		return (struct intercept_action){result, 0};
	}

	raw = raw_stub_for(regs->site, nr);
	if (raw != NULL) {
		if (nr == SYS_clone3)
			clone3_stash(regs);
		/* the stub's syscall is outside this library's text */
		if (intercept_net_on)
			intercept_net_allow();
		return (struct intercept_action){(long)raw, 1};
	}
	/* nothing to do after the call: entry.S makes it (fewer returns) */
	if (intercept_log_fd < 0 && nr != SYS_fork && !loading &&
	    intercept_hook_point_post == NULL &&
	    !(intercept_net_on && intercept_net_filtered(nr)))
		return (struct intercept_action){0, 2};

	if (intercept_log_fd >= 0)
		log_around_before(regs->site, nr, args);
	if (intercept_net_on && intercept_net_filtered(nr))
		result = intercept_net_syscall(nr, args);
	else
		result = raw_syscall6(nr, args[0], args[1], args[2], args[3],
				      args[4], args[5]);
	if (intercept_log_fd >= 0) {
		intercept_log_after(nr, args);
		intercept_log_syscall(regs->site, nr, args, result, 0);
	}
	if (nr == SYS_fork && result == 0 && intercept_net_on)
		intercept_net_after_clone(nr, 0, result);
	if (nr == SYS_fork)
		intercept_clone_hooks(nr, args, result);
	if (loading)
		late_load_after(nr, args, result);
	/* a fork child returns here too: the hook is the caller's */
	if (intercept_hook_point_post != NULL &&
	    (nr != SYS_fork || result != 0))
		intercept_hook_point_post(nr, args[0], args[1], args[2],
					  args[3], args[4], args[5], result);
	return (struct intercept_action){result, 0};
}

void intercept_after_clone(struct intercept_regs *regs)
{
	long args[6];
	struct clone3_copy *copy = NULL;
	long nr = regs->rcx;

	/* a copy: the stashed clone3 arguments are read after the unstash */
	memcpy(args, regs->args, sizeof(args));
	if (intercept_net_on)
		intercept_net_after_clone(nr, clone_vm_of(nr, args), regs->rax);
	if (nr == SYS_clone3)
		copy = clone3_unstash(regs);
	if (intercept_log_fd >= 0)
		intercept_log_syscall(regs->site, nr, args, regs->rax, 0);
	if (is_clone_like(nr))
		intercept_clone_hooks(nr, args, regs->rax);
	if (copy != NULL)
		clone3_release(copy, regs->rax);
	if (intercept_hook_point_post != NULL && regs->rax != 0)
		intercept_hook_point_post(nr, args[0], args[1], args[2],
					  args[3], args[4], args[5], regs->rax);
}
