/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dispatch.c -- the C side of every intercepted system call: ask the hook,
 * then either hand back its answer or make the real call.
 */
#include <stddef.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "intercept.h"
#include "log.h"

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
		return site->raw_clone;
	case SYS_vfork:
		return site->raw_vfork;
	case SYS_clone3:
		return site->raw_clone3;
	default:
		return NULL;
	}
}

static void call_clone_hooks(long nr, const long args[6], long result)
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
	} else if (nr == SYS_clone3 && args[0] != 0 && args[1] >= 64) {
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
		if (intercept_hook_point_clone_child != NULL)
			intercept_hook_point_clone_child(flags, stack, ptid,
							 ctid, tls);
	} else if (intercept_hook_point_clone_parent != NULL) {
		intercept_hook_point_clone_parent(flags, stack, ptid, ctid, tls,
						  result);
	}
}

static int is_clone_like(long nr)
{
	return nr == SYS_clone || nr == SYS_clone3 || nr == SYS_vfork ||
	       nr == SYS_fork;
}

struct intercept_action intercept_dispatch(struct intercept_regs *regs)
{
	const long args[6] = {regs->rdi, regs->rsi, regs->rdx,
			      regs->r10, regs->r8,  regs->r9};
	long nr = regs->rax;
	long result;
	void *raw;

	if (nr == SYS_rt_sigreturn)
		return (struct intercept_action){(long)regs->site->raw_clone,
						 1};

	if (intercept_hook_point != NULL &&
	    intercept_hook_point(nr, args[0], args[1], args[2], args[3],
				 args[4], args[5], &result) == 0) {
		if (intercept_log_fd >= 0)
			intercept_log_syscall(regs->site, nr, args, result, 1);
		return (struct intercept_action){result, 0};
	}

	raw = raw_stub_for(regs->site, nr);
	if (raw != NULL)
		return (struct intercept_action){(long)raw, 1};

	result = raw_syscall6(nr, args[0], args[1], args[2], args[3], args[4],
			      args[5]);
	if (intercept_log_fd >= 0)
		intercept_log_syscall(regs->site, nr, args, result, 0);
	if (nr == SYS_fork)
		call_clone_hooks(nr, args, result);
	return (struct intercept_action){result, 0};
}

void intercept_after_clone(struct intercept_regs *regs)
{
	const long args[6] = {regs->rdi, regs->rsi, regs->rdx,
			      regs->r10, regs->r8,  regs->r9};
	long nr = regs->rcx;

	if (intercept_log_fd >= 0)
		intercept_log_syscall(regs->site, nr, args, regs->rax, 0);
	if (is_clone_like(nr))
		call_clone_hooks(nr, args, regs->rax);
}
