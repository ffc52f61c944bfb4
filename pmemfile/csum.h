/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * csum.h -- the checksums of the pool's metadata (layout version 5): what
 * each covers (layout.h), when they are stored and when checked.
 */
#ifndef PMEMFILE_CSUM_H
#define PMEMFILE_CSUM_H

#include <string.h>

#include "internal.h"

/* The checksums of each structure at pool offset off, as they should be. */
uint32_t csum_super(const struct pmemfile_super *s);
uint32_t csum_inode(uint64_t off, const struct pmemfile_inode *in);
uint32_t csum_eblock(uint64_t off, const struct pmemfile_extent_block *b);
/*
 * The inode at off fails its checksum: whether one changed byte explains
 * it (crc32c_locate_byte), the checksum's own bytes included. 1 with the
 * byte's offset in the inode in *at and the value the checksum says it
 * held in *was; 0 when no one byte explains it, -1 when several would.
 */
int csum_inode_locate(uint64_t off, const struct pmemfile_inode *in, size_t *at,
		      uint8_t *was);
/* The same for the superblock. */
int csum_super_locate(const struct pmemfile_super *s, size_t *at, uint8_t *was);
/* The same for an extent block at off, its checksum's bytes included. */
int csum_eblock_locate(uint64_t off, const struct pmemfile_extent_block *b,
		       size_t *at, uint8_t *was);
/* The same for a directory record at off, its length byte included (the
 * name's bytes the checksum covers change with it). */
int csum_dirent_locate(uint64_t off, const struct pmemfile_dirent *r,
		       size_t *at, uint8_t *was);
/* The same for a long symlink target (len bytes at pool offset off) whose
 * checksum should be want (its inode's, which passes its own). */
int csum_symlink_locate(uint64_t off, const char *target, uint64_t len,
			uint32_t want, size_t *at, uint8_t *was);
/* A record's, its name cut at the end of its 4 KiB-aligned block. */
uint32_t csum_dirent(uint64_t off, const struct pmemfile_dirent *r);
/* A long symlink target's: len bytes at pool offset off. */
uint32_t csum_symlink(uint64_t off, const char *target, uint64_t len);
/* The target's checksum an inode of a long symlink keeps (target[8..11]). */
static inline uint32_t csum_symlink_get(const struct pmemfile_inode *in)
{
	uint32_t v;
	memcpy(&v, in->target + 8, sizeof(v));
	return v;
}

static inline void csum_symlink_put(struct pmemfile_inode *in, uint32_t v)
{
	memcpy(in->target + 8, &v, sizeof(v));
}

/*
 * Inside a transaction begun with PF_TX_BEGIN. The checksums of inodes and
 * extent blocks are stored when the transaction commits (csum_tx_stage),
 * once for each structure it changed: an inode is found changed from the
 * ranges given to tx_add (csum_tx_note, internal.h), an extent block is named
 * by its changer (csum_tx_eblock). A record's is stored where it is written
 * (csum_dirent_set), a superblock's where the pool is made or upgraded.
 */
void csum_tx_eblock(PMEMfilepool *pfp, uint64_t off);
/* The extent block at off is freed in this transaction: no checksum, and
 * no longer known checked. */
void csum_tx_eblock_freed(PMEMfilepool *pfp, uint64_t off);
void csum_tx_stage(PMEMobjpool *pop, enum pobj_tx_stage stage, void *arg);
/* In a transaction, the record's range added to it: its checksum. */
void csum_dirent_set(PMEMfilepool *pfp, struct pmemfile_dirent *r);

/*
 * The checks on first read: 0, or -EIO with the damage logged (one line)
 * naming the structure and its offset. An inode is checked when its vinode
 * is made and when stat reads it without one (its checksum, then the
 * checks of its size and times); an extent block when an
 * inode's chain is first walked in this process (a bounded table of the
 * blocks checked already); a record each time it is read.
 */
int csum_inode_check(PMEMfilepool *pfp, uint64_t off);
int csum_eblock_check(PMEMfilepool *pfp, uint64_t ino, uint64_t off);
int csum_dirent_check(PMEMfilepool *pfp, uint64_t dir, uint64_t off);

/*
 * At open, before anything is read through the checks: a pool of layout 2
 * to 4 is given its checksums (computed for every structure that passes
 * the checks of its bounds; the others are left to fail theirs), its
 * version stored last (a crash before leaves it as it was, and the next
 * open starts again); one line on stderr names path. Then the checks are
 * on (pfp->csums).
 */
int csum_upgrade(PMEMfilepool *pfp, const char *path);

/*
 * Then a pool of layout 5 is given the checks of its inodes' sizes and
 * times (layout 6): an inode at a time, each in a transaction that moves
 * the superblock's mark past it (a crash leaves each inode of one form,
 * and the next open goes on from the mark), the version stored last; one
 * line on stderr names path. Then the checks are on (pfp->words).
 */
int words_upgrade(PMEMfilepool *pfp, const char *path);

#endif
