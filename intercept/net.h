/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net.h -- the safety net: Syscall User Dispatch sends the system calls made
 * outside the patched sites to the hook through SIGSYS (see net.c).
 */
#ifndef INTERCEPT_NET_H
#define INTERCEPT_NET_H

#include <stdint.h>

/* Set once the net is armed in the process. */
extern int intercept_net_on;

/*
 * Arms the net: [lo, hi) is the text of this library, whose system calls
 * never trap. 0, or -errno when the kernel has no Syscall User Dispatch.
 */
int intercept_net_start(uintptr_t lo, uintptr_t hi);

/* Arms the net in the calling thread (a new thread or process). */
void intercept_net_arm_thread(void);

/*
 * Around a clone, clone3 or vfork a trampoline makes outside this library:
 * the caller's selector lets it through, then blocks again (parent), or the
 * child arms the net for itself.
 */
void intercept_net_allow(void);
void intercept_net_after_clone(long nr, unsigned long flags, long result);

/* Calls whose signal masks or SIGSYS action the net keeps to itself. */
static inline int intercept_net_filtered(long nr)
{
	return nr == 13 /* rt_sigaction */ || nr == 14 /* rt_sigprocmask */ ||
	       nr == 130 /* rt_sigsuspend */ || nr == 270 /* pselect6 */ ||
	       nr == 271 /* ppoll */ || nr == 281 /* epoll_pwait */ ||
	       nr == 441 /* epoll_pwait2 */ || nr == 59 /* execve */ ||
	       nr == 322 /* execveat */;
}

/* One of them, made as the program sees it. */
long intercept_net_syscall(long nr, const long args[6]);

/*
 * syscall_no_intercept while the net is on (entry.S jumps here): a hook
 * that makes the program's calls itself gets the same view of SIGSYS.
 */
long intercept_net_no_intercept(long nr, long a0, long a1, long a2, long a3,
				long a4, long a5);

/* entry.S */
long intercept_syscall_raw(long nr, ...);
void intercept_net_sigreturn(void);
void intercept_net_restorer(void);
extern char intercept_net_gadgets[];
extern uintptr_t intercept_net_return[];
#define NET_GADGETS 32
#define NET_GADGET_SIZE 8

#endif
