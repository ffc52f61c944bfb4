/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * inode.h -- persistent inodes: slots in inode arrays, their initialisation
 * and their release with everything they own.
 */
#ifndef PMEMFILE_INODE_H
#define PMEMFILE_INODE_H

#include "internal.h"

/* Checks and records the chain of inode arrays (at pool open, first). */
int inode_arrays_load(PMEMfilepool *pfp);
/* Frees what inode_arrays_load and array growth keep (at pool close). */
void inode_arrays_free(PMEMfilepool *pfp);
/* Whether off is the offset of an inode slot of an inode array. */
bool inode_off_valid(PMEMfilepool *pfp, uint64_t off);
/* Builds the list of free inode slots (at pool open). */
int inode_slots_scan(PMEMfilepool *pfp);
/* Takes a free slot for a new inode, outside a transaction. */
int inode_reserve(PMEMfilepool *pfp, uint64_t *off);
/* Gives back a slot (an aborted creation, or a committed free). */
void inode_release(PMEMfilepool *pfp, uint64_t off);

/* In a transaction: makes the reserved slot an inode of that mode. */
struct pmemfile_inode *inode_init(PMEMfilepool *pfp, uint64_t off, mode_t mode);
/* In a transaction: frees the data of an inode and its slot. */
void inode_free(PMEMfilepool *pfp, uint64_t off);

/* In a transaction, under orphan_lock: the orphan list. */
void orphan_add(PMEMfilepool *pfp, uint64_t off);
void orphan_remove(PMEMfilepool *pfp, uint64_t off);
/*
 * Extents an inode's free may release in one transaction: their frees fit
 * in the lane's own log, so that a full pool can still free (a longer log
 * takes an allocation). A file with more goes through the orphan list.
 */
#define INODE_FREE_BATCH 16
/*
 * An orphan with no reference left: frees its extents INODE_FREE_BATCH a
 * transaction from the last (each leaves a consistent, shorter file), then
 * the rest and its slot as it leaves the orphan list. On failure it stays
 * an orphan.
 */
int inode_free_unlinked(PMEMfilepool *pfp, uint64_t off);
/* Frees every orphan (at pool open, single-threaded). */
int orphan_reclaim(PMEMfilepool *pfp);

static inline unsigned inode_dtype(mode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

#endif
