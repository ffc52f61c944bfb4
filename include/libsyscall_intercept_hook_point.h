/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libsyscall_intercept_hook_point.h -- the public interface of
 * libsyscall_intercept.
 *
 * A library loaded into a process (usually with LD_PRELOAD) sets
 * intercept_hook_point to its own function; from then on every system call
 * made by the patched code calls that function first.
 *
 * The hook receives the system call number and its six arguments. Returning
 * non-zero lets the kernel run the call as it was. Returning zero skips the
 * kernel: the value stored in *result becomes the call's result, exactly as
 * the kernel would return it (a negative errno value for a failure).
 *
 * This interface is compatible, in source and binary form, with the one of
 * the discontinued pmem/syscall_intercept project.
 */
#ifndef LIBSYSCALL_INTERCEPT_HOOK_POINT_H
#define LIBSYSCALL_INTERCEPT_HOOK_POINT_H

#ifdef __cplusplus
extern "C" {
#endif

extern int (*intercept_hook_point)(long syscall_number, long arg0, long arg1,
				   long arg2, long arg3, long arg4, long arg5,
				   long *result);

/*
 * Called in the new thread or process right after a clone, clone3, fork or
 * vfork returned 0 there, before the patched code continues.
 */
extern void (*intercept_hook_point_clone_child)(void);

/*
 * Called in the calling thread after a clone, clone3, fork or vfork
 * returned, with the value the kernel returned (the new id, or -errno).
 */
extern void (*intercept_hook_point_clone_parent)(long pid);

/*
 * The same two moments, with the arguments of the call that created the
 * thread or process: its flags (for clone3 those of its struct clone_args
 * with the exit signal; CLONE_VM | CLONE_VFORK | SIGCHLD for vfork, SIGCHLD
 * for fork), the new stack (its top, or NULL), the parent and child thread
 * id pointers and the thread pointer. Where both the hook with arguments
 * and the one without are set, the one with arguments is called first.
 * These are additions to the interface of the discontinued library.
 */
extern void (*intercept_hook_point_clone_child_args)(unsigned long flags,
						     void *child_stack,
						     int *ptid, int *ctid,
						     long newtls);
extern void (*intercept_hook_point_clone_parent_args)(unsigned long flags,
						      void *child_stack,
						      int *ptid, int *ctid,
						      long newtls,
						      long returned_pid);

/*
 * Called after the kernel ran a call that intercept_hook_point passed on
 * (or for every call, when no intercept_hook_point is set), with its
 * arguments and the kernel's result (-errno on failure), in the calling
 * thread, before the patched code sees the result. For clone, clone3,
 * fork and vfork it is called in the caller only (after the clone hooks);
 * never for exit, exit_group and rt_sigreturn, which do not return. An
 * addition to the interface of the discontinued library.
 */
extern void (*intercept_hook_point_post)(long syscall_number, long arg0,
					 long arg1, long arg2, long arg3,
					 long arg4, long arg5, long result);

/*
 * Makes a system call that no hook sees. A hook uses this for the calls it
 * makes itself; calling libc's syscall() from a hook would recurse.
 * Returns what the kernel returns: -errno on failure, -ENOSYS for an unknown
 * number.
 */
long syscall_no_intercept(long syscall_number, ...);

/* The errno held in a raw result of syscall_no_intercept, or 0. */
static inline int syscall_error_code(long result)
{
	if (result < 0 && result >= -0x1000)
		return (int)-result;
	return 0;
}

/*
 * 1 when the system calls of this process are intercepted, 0 when the
 * library is loaded but INTERCEPT_HOOK_CMDLINE_FILTER (or the absence of a
 * libc to patch) keeps it inert.
 */
int syscall_hook_in_process_allowed(void);

#ifdef __cplusplus
}
#endif

#endif
