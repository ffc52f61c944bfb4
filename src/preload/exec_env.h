/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_env.h -- what a new program image must inherit from the shim.
 */
#ifndef PRELOAD_EXEC_ENV_H
#define PRELOAD_EXEC_ENV_H

/* Records LD_PRELOAD, PMEMFILE_POOLS and the shim's own file, at start. */
void exec_env_init(void);

#endif
