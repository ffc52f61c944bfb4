/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dir.h -- directories: records in 4 KiB blocks, found through a
 * persistent open-addressing hash table.
 */
#ifndef PMEMFILE_DIR_H
#define PMEMFILE_DIR_H

#include "vinode.h"

/* Positions (getdents offsets) 0 and 1 are "." and "..". */
#define DIR_POS_FIRST 2

/*
 * Under the directory's lock (shared or exclusive): the inode named
 * name[0..len), or 0. *pos gets the record's slot position. Reads the
 * persistent table, as a change of the directory does next.
 */
uint64_t dir_lookup(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		    size_t len, uint64_t *pos);
/* The same without *pos, for a name of dir_name_hash hash, through the
 * directory's volatile hint of records and inodes (built first if it has
 * none), which fetches the inode with the record: for lookups that go on
 * to read the inode. */
uint64_t dir_lookup_inode(PMEMfilepool *pfp, struct vinode *dir,
			  const char *name, size_t len, uint64_t hash);
/* Without the lock, before taking it: starts fetching the hint entry that
 * dir_lookup_inode of a name of this hash reads first. */
void dir_lookup_prefetch(struct vinode *dir, uint64_t hash);

/* In a transaction, under the exclusive lock: a new record; updates the
 * entry count and times of dir. After an abort, call dir_abort(). */
void dir_add(PMEMfilepool *pfp, struct vinode *dir, const char *name,
	     size_t len, uint64_t ino, unsigned type);
/*
 * Where a record of a name of len bytes goes in dir without a
 * transaction (create.c): n slots at position pos (record, all zero
 * now), its table entry (free or a tombstone) and its tag.
 */
struct dir_place {
	uint64_t pos;
	uint64_t tag;
	uint64_t *entry;
	struct pmemfile_dirent *record;
	unsigned n;
};

/*
 * Outside a transaction, under the exclusive lock: the place of a new
 * record in the blocks and the table dir has, 0; -EAGAIN where it needs a
 * new block or table (dir_add's transaction), -ENOMEM. Nothing persistent
 * changes.
 */
int dir_place(PMEMfilepool *pfp, struct vinode *dir, const char *name,
	      size_t len, struct dir_place *pl);

/* Once the record at pl and its table entry are published: the volatile
 * maps of dir follow them. */
void dir_placed(PMEMfilepool *pfp, struct vinode *dir,
		const struct dir_place *pl);

/* In a transaction: removes the record at slot position pos. After an
 * abort, call dir_abort(). */
void dir_remove(PMEMfilepool *pfp, struct vinode *dir, uint64_t pos);
/* In a transaction: makes the record at pos name another inode. After an
 * abort, call dir_abort(). */
void dir_retarget(PMEMfilepool *pfp, struct vinode *dir, uint64_t pos,
		  uint64_t ino, unsigned type);
/* Forgets volatile free-space state that an aborted transaction voided. */
void dir_abort(struct vinode *dir);

/* The first live record at a slot position >= *pos, or NULL; *pos is set
 * to its position. The record may be damaged: see dir_record_check. */
struct pmemfile_dirent *dir_next(PMEMfilepool *pfp, struct vinode *dir,
				 uint64_t *pos);

/* The slots from the record at slot position pos to the next record: at
 * least 1 and inside its block, even in a damaged pool. */
unsigned dir_record_slots(const struct pmemfile_dirent *r, uint64_t pos);

/* 0 if the record at slot position pos of dir is sound (its lengths, its
 * name), else -EIO with the damage reported. The inode it names is checked
 * when it is followed. */
int dir_record_check(PMEMfilepool *pfp, struct vinode *dir,
		     const struct pmemfile_dirent *r, uint64_t pos);

void dir_vfree(struct vinode *v);

/* The hash of a name; the table slot of an entry is its top bits. */
uint64_t dir_name_hash(const char *s, size_t len);

/* In a transaction: makes a fresh inode an empty directory. */
void dir_init(struct pmemfile_inode *in, uint64_t parent);

/*
 * In a transaction, under the exclusive lock: dir's hash table, block table and
 * first block made now, not at its first name (a new pool's root: the
 * allocator's run for such tables is then taken when the pool is made, and
 * statfs counts it from the start).
 */
void dir_prepare(PMEMfilepool *pfp, struct vinode *dir);

#endif
