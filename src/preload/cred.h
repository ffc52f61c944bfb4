/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cred.h -- the process's credentials mirrored into every open pool.
 */
#ifndef PRELOAD_CRED_H
#define PRELOAD_CRED_H

#include "libpmemfile-posix.h"

/* Gives a freshly opened pool the process's uid/gid/groups/umask. */
void cred_apply(PMEMfilepool *pfp);

#endif
