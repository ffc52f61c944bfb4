/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cred.h -- the process's credentials mirrored into every open pool.
 */
#ifndef PRELOAD_CRED_H
#define PRELOAD_CRED_H

#include <stdbool.h>

#include "libpmemfile-posix.h"

/* Gives a freshly opened pool the process's uid/gid/groups/umask. */
void cred_apply(PMEMfilepool *pfp);

/*
 * How many calls that may change the process's ids ran since it started
 * (an execve), so that a description opened at one count is known to
 * have been opened with the credentials of now at the same count.
 */
unsigned long cred_generation(void);

/* Whether the process has capability cap (CAP_*) in its effective set. */
bool cred_capable(int cap);

#endif
