/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_pool.h -- execve of a program stored in a pool: a binary runs from
 * a memfd copy of it, a "#!" script through its interpreter.
 */
#ifndef PRELOAD_EXEC_POOL_H
#define PRELOAD_EXEC_POOL_H

#include "path.h"

/* The kernel's limit of interpreters in a row ("#!" of a "#!"). */
#define EXEC_POOL_DEPTH 4

struct exec_pool {
	long memfd;	    /* a binary's copy to run, or -1 */
	const char *interp; /* a script's interpreter, or NULL */
	char **argv;	    /* and the argv to run it with */
	char *mem;	    /* pages holding interp and argv */
	size_t mem_size;
};

/*
 * For the pool file r names (given: the path as the caller passed it):
 * its memfd copy, or its interpreter and argv. 0 or -errno (EACCES for a
 * file that is not an executable regular file, ENOEXEC for a bad "#!").
 */
int exec_pool_prepare(struct path_res *r, const char *given, char *const *argv,
		      struct exec_pool *x);

/*
 * A memfd copy of the regular file r names, which the caller may access
 * for mode (faccessat's, as the effective user); memfd_flags: MFD_CLOEXEC
 * or 0. The memfd or -errno.
 */
long exec_pool_copy(struct path_res *r, int mode, unsigned memfd_flags);

/* Frees what exec_pool_prepare made (after a failed execve). */
void exec_pool_done(struct exec_pool *x);

/* Closes a copy (*memfd, unless -1) and unmaps mem: both left unset. */
void exec_copy_release(long *memfd, char **mem, size_t mem_size);

#endif
