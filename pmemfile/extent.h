/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * extent.h -- the extents of a regular file: the persistent list in the
 * inode and the volatile index sorted by file offset.
 */
#ifndef PMEMFILE_EXTENT_H
#define PMEMFILE_EXTENT_H

#include "vinode.h"

/* Builds the index of v if it is not yet built (any lock held on v). */
int extent_index_load(PMEMfilepool *pfp, struct vinode *v);
void extent_index_free(struct vinode *v);

/* Index of the extent holding pos, or of the first one after it (or
 * v->next). */
size_t extent_find(struct vinode *v, uint64_t pos);

/*
 * Under the exclusive lock: allocates extents so that [off, off + len)
 * is backed by storage, each allocation in its own transaction. Parts of
 * new extents below the file size are zeroed. Returns how many bytes from
 * off are backed (> 0), or -ENOSPC if none could be.
 */
int64_t extent_cover(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
		     uint64_t len);
/* extent_cover until all of [off, end) is backed: 0, or -errno. */
int extent_cover_all(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
		     uint64_t end);

/* Under the exclusive lock: writes zeros over [from, to) where storage
 * exists, and makes them persistent. */
void extent_zero(PMEMfilepool *pfp, struct vinode *v, uint64_t from,
		 uint64_t to);

/*
 * Under the exclusive lock: frees extents lying entirely inside
 * [from, to) in one transaction, and zeros the parts of the others inside
 * the range. With to = UINT64_MAX (a truncation) nothing is zeroed: bytes
 * beyond the size have no meaning.
 */
int extent_punch(PMEMfilepool *pfp, struct vinode *v, uint64_t from,
		 uint64_t to);

/*
 * In a transaction, under the exclusive lock: makes the persistent list
 * hold ext[0..n) exactly (their data objects are the caller's business).
 * Returns the new list of extent blocks (*nblocks of them) for
 * extent_install after the commit.
 */
uint64_t *extent_store(PMEMfilepool *pfp, struct vinode *v,
		       const struct vext *ext, size_t n, size_t *nblocks);
/* After that commit: ext (sorted, room for cap) becomes the index. */
void extent_install(struct vinode *v, struct vext *ext, size_t n, size_t cap,
		    uint64_t *blocks, size_t nblocks);

/*
 * Under the exclusive lock: FALLOC_FL_PUNCH_HOLE of [from, to): the whole
 * pages inside it lose their storage (extents are split, their kept parts
 * copied to new ones, in one transaction), the rest is zeroed.
 */
int extent_punch_hole(PMEMfilepool *pfp, struct vinode *v, uint64_t from,
		      uint64_t to);

/* Bytes of storage the file holds (from the index, or from the pool). */
uint64_t extent_allocated(struct vinode *v);
uint64_t extent_bytes(PMEMfilepool *pfp, const struct pmemfile_inode *in);

#endif
