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

/*
 * Copies n bytes to dst and starts their write-back: the whole cache
 * lines of dst with non-temporal stores (no line read in, none to write
 * back after: some twice as fast as a copy and its flush), the rest copied
 * and flushed.
 */
void flush_copy(void *dst, const void *src, size_t n);

/* Waits for the write-backs started before it. */
static inline void flush_fence(void)
{
	__asm__ volatile("sfence" ::: "memory");
}

#endif
