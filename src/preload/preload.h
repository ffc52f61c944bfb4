/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * preload.h -- what the parts of the preload shim share: the per-thread
 * reentrancy guard, the process identity the gate checks, and the marker a
 * handler returns to let the kernel run a call unchanged.
 */
#ifndef PRELOAD_H
#define PRELOAD_H

#include <stdbool.h>
#include <sys/types.h>

/* A handler's result meaning "not ours: the kernel runs the call as is". */
#define PRELOAD_PASS ((long)0x8000000000000000UL)

/*
 * Set while this thread runs shim code: the system calls that our own code
 * makes through libc (malloc, futexes, libpmemobj's file operations) reach
 * the hook again and must go straight to the kernel. Initial-exec TLS, so
 * reading it never calls into the dynamic loader.
 */
extern __thread int preload_guard __attribute__((tls_model("initial-exec")));

/*
 * Set in the child of a vfork (or posix_spawn) until the parent resumes:
 * that child shares our memory, so it must neither use a pool nor change
 * the shim's tables.
 */
extern __thread int preload_in_vfork __attribute__((tls_model("initial-exec")));

/* Set by a handler that served a call from a pool (for the log). */
extern __thread int preload_routed __attribute__((tls_model("initial-exec")));

/* The pid of this process, kept current across fork. */
extern pid_t preload_pid;

/* PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 */
extern bool preload_exit_on_not_supported;

/*
 * A call the shim cannot serve on a pool file: logs it, aborts when asked
 * to, and returns -ENOTSUP.
 */
long preload_not_supported(const char *what);

#endif
