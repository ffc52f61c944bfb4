/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * env.h -- the process environment, read and changed in `environ` itself.
 *
 * A program may define getenv, setenv and unsetenv of its own, and they
 * are the ones the shim's calls reach: bash's look in its shell variables,
 * and before its main (when the shim's constructor runs) they find none,
 * so an inherited PMEMFILE_FDS was not seen and a redirected descriptor
 * of a mount was lost in bash and in what bash started.
 */
#ifndef PRELOAD_ENV_H
#define PRELOAD_ENV_H

/* The value of name, NULL if it is not set. */
const char *env_get(const char *name);
/* Sets name to value (a copy); 0, or -1 if memory ran out. */
int env_set(const char *name, const char *value);
/* Takes name out. */
void env_unset(const char *name);

#endif
