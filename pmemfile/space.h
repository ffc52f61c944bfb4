/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * space.h -- the bytes of files a pool holds and can still take.
 */
#ifndef PMEMFILE_SPACE_H
#define PMEMFILE_SPACE_H

#include "internal.h"

struct space {
	uint64_t capacity; /* bytes of files the empty heap would take */
	uint64_t free;	   /* bytes of files it can take now */
	uint64_t arrays;   /* inode arrays it can take now (from the same
			    * free space as the bytes) */
};

/* Reads the allocator's heap (no lock: figures of some moment). */
void space_measure(PMEMfilepool *pfp, struct space *sp);

/*
 * Calls fn with each run of chunks [start, end) (pool offsets) that are
 * free in the heap as it lies at base (the pool's pool_size bytes), a
 * zone libpmemobj has not made yet all of them: chunks whose bytes no
 * object of that heap uses, nor the allocator (its headers are outside
 * them). Past a header that does not fit, a zone's chunks are not
 * reported. Stops at fn's first return other than 0, and returns it.
 * The heap must not change meanwhile.
 */
int space_free_chunks(const char *base, uint64_t pool_size,
		      int (*fn)(void *arg, uint64_t start, uint64_t end),
		      void *arg);

#endif
