// SPDX-License-Identifier: BSD-3-Clause
/*
 * validate.c -- the checks an inode passes when it is loaded (its first
 * vinode_get): its checksum, the checks of its size and times, and the
 * checksums of its extent blocks (csum.c), and
 * bounds, so that no offset read from a damaged pool is followed
 * outside the pool: a file's extent list, a directory's tables, a long
 * symlink's target. A failed check is EIO with a message naming the inode;
 * pmemfile_check_pool finds the same damage, and more.
 */
#include <sys/stat.h>

#include "csum.h"
#include "data.h"
#include "inode.h"
#include "validate.h"

static int file_validate(PMEMfilepool *pfp, uint64_t ino,
			 const struct pmemfile_file_info *f)
{
	uint64_t n = f->nextents;
	if (n > pfp->pool_size / 4096)
		return pf_damaged(pfp, ino, "extent count");
	uint64_t need = n > PMEMFILE_INLINE_EXTENTS
			    ? (n - PMEMFILE_INLINE_EXTENTS +
			       PMEMFILE_EXTENTS_PER_BLOCK - 1) /
				  PMEMFILE_EXTENTS_PER_BLOCK
			    : 0;
	const struct pmemfile_extent *e = f->e;
	uint64_t b = f->blocks;
	for (uint64_t i = 0, k = 0; i < n; i++, k++) {
		if (i == PMEMFILE_INLINE_EXTENTS ||
		    (i > PMEMFILE_INLINE_EXTENTS &&
		     k == PMEMFILE_EXTENTS_PER_BLOCK)) {
			if (!b || b % 4096 ||
			    !pf_in_pool(pfp, b,
					sizeof(struct pmemfile_extent_block)))
				return pf_damaged(pfp, ino, "extent block");
			int r = csum_eblock_check(pfp, ino, b);
			if (r)
				return r;
			const struct pmemfile_extent_block *blk =
			    pf_ptr(pfp, b);
			e = blk->e;
			b = blk->next;
			k = 0;
		}
		const struct pmemfile_extent *x = &e[k];
		if (x->len == 0 || (x->off | x->len | x->data) % 4096 ||
		    x->off > DATA_MAX_SIZE || x->len > DATA_MAX_SIZE - x->off ||
		    !pf_in_pool(pfp, x->data, x->len))
			return pf_damaged(pfp, ino, "extent outside the pool");
	}
	if (need == 0 && f->blocks)
		return pf_damaged(pfp, ino, "extent block");
	return 0;
}

static int dir_validate(PMEMfilepool *pfp, uint64_t ino,
			const struct pmemfile_dir_info *d)
{
	uint64_t max = pfp->pool_size / 8;
	if (!inode_off_valid(pfp, d->parent))
		return pf_damaged(pfp, ino, "parent directory");
	if (d->htab ? d->htab_cap == 0 || d->htab_cap > max ||
			  (d->htab_cap & (d->htab_cap - 1)) ||
			  !pf_in_pool(pfp, d->htab, d->htab_cap * 8) ||
			  d->nentries + d->ntomb >= d->htab_cap
		    : d->nentries != 0)
		return pf_damaged(pfp, ino, "directory hash table");
	if (d->nblocks > d->btab_cap || d->btab_cap > max ||
	    (d->btab_cap && !pf_in_pool(pfp, d->btab, d->btab_cap * 8)) ||
	    (d->nblocks && !d->btab) || d->nblocks > UINT32_MAX / 128)
		return pf_damaged(pfp, ino, "directory block table");
	const uint64_t *btab = pf_ptr(pfp, d->btab);
	for (uint64_t i = 0; i < d->nblocks; i++)
		if (btab[i] % 4096 ||
		    !pf_in_pool(pfp, btab[i], PMEMFILE_DIR_BLOCK_SIZE))
			return pf_damaged(pfp, ino, "directory block");
	return 0;
}

int inode_validate(PMEMfilepool *pfp, uint64_t ino)
{
	if (!inode_off_valid(pfp, ino))
		return pf_damaged(pfp, ino, "not an inode slot");
	const struct pmemfile_inode *in = pf_ptr(pfp, ino);
	if (in->mode == 0)
		return pf_damaged(pfp, ino, "a free inode is in use");
	int r = csum_inode_check(pfp, ino);
	if (r)
		return r;
	if (S_ISREG(in->mode))
		return file_validate(pfp, ino, &in->file);
	if (S_ISDIR(in->mode))
		return dir_validate(pfp, ino, &in->dir);
	/* (also from the upgrades, before the size has its check) */
	uint64_t size = pfp->words
			    ? inode_size(in)
			    : inode_size_any(ino, in, pfp->super->version);
	if (S_ISLNK(in->mode) && size >= PMEMFILE_SYMLINK_INLINE &&
	    (size >= 4096 ||
	     !pf_in_pool(pfp, *(const uint64_t *)in->target, size + 1)))
		return pf_damaged(pfp, ino, "symlink target");
	if (S_ISLNK(in->mode) && size >= PMEMFILE_SYMLINK_INLINE &&
	    pfp->csums) {
		uint64_t t = *(const uint64_t *)in->target;
		if (csum_symlink_get(in) !=
		    csum_symlink(t, pf_ptr(pfp, t), size + 1))
			return pf_damaged(pfp, ino,
					  "checksum of the symlink target");
	}
	return 0;
}
