/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pool.h -- finding out whether a file holds a pmemfile pool, and opening it,
 * with a message that says what is wrong when it does not.
 */
#ifndef PMEMFILE_TOOL_POOL_H
#define PMEMFILE_TOOL_POOL_H 1

#include <libpmemfile-posix.h>

/* The libpmemobj layout name of every pmemfile pool. */
#define POOL_LAYOUT "pmemfile"

/*
 * Reads the headers of the file at path, without opening it as a pool (so
 * without taking its lock). Returns 0 when it looks like a pmemfile pool,
 * else prints why not and returns -1.
 */
int pool_probe(const char *path);

/* pool_probe, then pmemfile_pool_open; NULL after printing why. */
PMEMfilepool *pool_open(const char *path);

#endif
