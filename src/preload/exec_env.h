/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_env.h -- what a new program image must inherit from the shim.
 */
#ifndef PRELOAD_EXEC_ENV_H
#define PRELOAD_EXEC_ENV_H

#include <stddef.h>

/* Records LD_PRELOAD, PMEMFILE_POOLS and the shim's own file, at start. */
void exec_env_init(void);

/*
 * Anonymous pages for an execve in the making, or NULL: a vfork child
 * runs in its parent's memory, where it may not call malloc.
 */
void *exec_map(size_t size);

/*
 * In the parent, when vfork returns: unmaps the pages the child's execve
 * built its arguments in (the child ran on this memory, and an execve that
 * succeeds never returns to unmap them).
 */
void exec_vfork_done(void);

#endif
