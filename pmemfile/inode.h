/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * inode.h -- persistent inodes: slots in inode arrays (inode_alloc.c),
 * their initialisation and their release with everything they own.
 */
#ifndef PMEMFILE_INODE_H
#define PMEMFILE_INODE_H

#include "internal.h"

/*
 * At pool open: upgrades a pool of an older layout (with a message on
 * stderr naming path) and checks the superblock's allocation state.
 */
int inode_alloc_open(PMEMfilepool *pfp, const char *path);
/* In the transaction that creates a pool: the empty allocation state. */
void inode_alloc_format(PMEMfilepool *pfp);
/* Whether off is the offset of an inode slot of an inode array. */
bool inode_off_valid(PMEMfilepool *pfp, uint64_t off);
/* The offset of the inode slot that holds pool offset off, or 0. */
uint64_t inode_containing(PMEMfilepool *pfp, uint64_t off);
/* Whether off may be the start of an inode array: in the pool, the map. */
bool inode_array_valid(PMEMfilepool *pfp, uint64_t off);
/*
 * In a transaction: takes a free slot (a new array when none is free) and
 * holds the pool's allocation lock until the transaction ends.
 */
uint64_t inode_slot_alloc(PMEMfilepool *pfp);
/* A word of the pool and the value a publish is to store into it. */
struct pf_word {
	uint64_t *at;
	uint64_t v;
};

/* The most words inode_slot_pick gives. */
#define INODE_PICK_WORDS 3

/*
 * Outside a transaction, a slot taken by a publish of its mode (create.c):
 * inode_slot_lock takes the allocation lock (0 or an errno), which
 * inode_slot_unlock gives back once the mode is published or not.
 * Between them inode_slot_pick gives a free slot of the head of the list
 * of arrays with one, or 0 where inode_slot_alloc's transaction is needed
 * (no array has a free slot, a damaged link); where the slot is its
 * array's last free one, the stores that take the array out of the list,
 * to be published with the mode, in w (*nw of them, up to
 * INODE_PICK_WORDS). inode_slot_unpick gives back a picked slot whose mode
 * was not published.
 */
int inode_slot_lock(PMEMfilepool *pfp);
void inode_slot_unlock(PMEMfilepool *pfp);
uint64_t inode_slot_pick(PMEMfilepool *pfp, struct pf_word *w, size_t *nw);
void inode_slot_unpick(PMEMfilepool *pfp, uint64_t off);

/*
 * In a transaction: gives back the slot of the inode at off, its mode made 0
 * under the same lock.
 */
void inode_slot_free(PMEMfilepool *pfp, uint64_t off);

/*
 * The bytes of a new inode of that mode at off, made now by the caller's
 * identity, into img (the slot itself, or a copy): its size and times with
 * their checks, no checksum.
 */
void inode_image(PMEMfilepool *pfp, struct pmemfile_inode *img, uint64_t off,
		 mode_t mode, struct pmemfile_time now);

/* In a transaction: a new inode of that mode in a free slot. */
struct pmemfile_inode *inode_new(PMEMfilepool *pfp, mode_t mode);
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
struct share_seg;
/* Frees the orphans, but those kept's detached descriptions refer to. */
int orphan_reclaim(PMEMfilepool *pfp, struct share_seg *kept);

static inline unsigned inode_dtype(mode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

/*
 * What stat says of inode in (at pool offset ino, of device dev) whose
 * extents hold bytes of storage (0 but for a regular file).
 */
struct stat;
void stat_fill(const struct pmemfile_inode *in, uint64_t ino, uint64_t dev,
	       uint64_t bytes, struct stat *st);

#endif
