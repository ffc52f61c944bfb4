/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * objalloc.h -- the memory libpmemobj builds a pool's runtime in while the
 * pool is opened (objalloc.c).
 */
#ifndef PMEMFILE_OBJALLOC_H
#define PMEMFILE_OBJALLOC_H

/*
 * Between the two, what libpmemobj allocates on this thread comes from a
 * region of its own (a pmemobj_open and nothing else in between).
 */
void objalloc_open_begin(void);
void objalloc_open_end(void);

#endif
