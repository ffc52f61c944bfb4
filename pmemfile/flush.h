/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flush.h -- writing cache lines back to memory without libpmem, for the
 * code that runs where libpmem may not be loaded (a client of the pool's
 * holder, the shared maps of pool files).
 */
#ifndef PMEMFILE_FLUSH_H
#define PMEMFILE_FLUSH_H

#include <stddef.h>

/* Starts the write-back of the cache lines of [p, p + n). */
void flush_lines(const void *p, size_t n);

/* Waits for the write-backs started before it. */
static inline void flush_fence(void)
{
	__asm__ volatile("sfence" ::: "memory");
}

#endif
