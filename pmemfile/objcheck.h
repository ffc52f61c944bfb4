/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * objcheck.h -- checks of libpmemobj's own metadata in a pool file, so that
 * a damaged pool is refused with a message instead of crashing or hanging
 * libpmemobj (its pmemobj_open trusts its lanes and its heap's headers).
 */
#ifndef PMEMFILE_OBJCHECK_H
#define PMEMFILE_OBJCHECK_H

#include <libpmemobj.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Before pmemobj_open: the pool descriptor's offsets, every lane's logs
 * (the chains of log extensions, the entries recovery would read and
 * apply), the heap's size and its zone and chunk headers as far as
 * pmemobj_open reads them. 0 if path may be handed to pmemobj_open (also
 * when the file is not one this check understands: a pool set, a file
 * without a libpmemobj header, a pool in use by another process, which
 * pmemobj_open reports), else -EIO with pmemfile_errormsg saying what is
 * damaged. *size is the size of the pool file if it was checked, else 0.
 */
int objcheck_file(const char *path, uint64_t *size);

/*
 * After pmemobj_open (and its recovery) of a pool that objcheck_file
 * checked (size: what it returned): the type of each chunk, the chunks
 * that continue a run or a block, and the root object. 0 or -EIO with
 * pmemfile_errormsg set.
 */
int objcheck_open(PMEMobjpool *pop, uint64_t size, const char *path);

/*
 * The runs' headers, which the allocator reads when it allocates or frees
 * (a page of the pool each): checked before the first allocation or free
 * of the process (pf_heap_check), not at the open, which a process that
 * only reads would pay for in proportion to the pool's population.
 */
int objcheck_runs(PMEMobjpool *pop, uint64_t size, const char *path);

/*
 * Whether off may be where an allocated block starts, as libpmemobj's free
 * takes it (a pool that objcheck_file checked, size what it returned; any
 * offset when size is 0): a used chunk's data, or inside a run whose header
 * has a block size. libpmemobj's free of anything else reads a block size
 * from whatever is there (it divided by 0) and frees what it finds.
 */
bool objcheck_block(PMEMobjpool *pop, uint64_t size, uint64_t off);

#endif
