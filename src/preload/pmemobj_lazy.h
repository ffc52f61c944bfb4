/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmemobj_lazy.h -- libpmemobj, loaded on first use of a pool.
 */
#ifndef PRELOAD_PMEMOBJ_LAZY_H
#define PRELOAD_PMEMOBJ_LAZY_H

/* Loads libpmemobj (once); 0, or -ENOSYS when it cannot be loaded. */
int pmemobj_lazy_load(void);

#endif
