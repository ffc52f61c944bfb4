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

#endif
