// SPDX-License-Identifier: BSD-3-Clause
/*
 * statfs.c -- pmemfile_statfs and pmemfile_stats.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>

#include "gate.h"
#include "inode.h"
#include "internal.h"
#include "remote.h"
#include "share.h"
#include "space.h"

/* f_type of a pmemfile pool: "PMEM". */
#define PMEMFILE_FS_MAGIC 0x504D454DL

/*
 * What pmemfile_stats reports, counted as the discontinued library counted
 * the objects of its layout, by what each held: inodes in use, blocks of
 * directory entries (here every name is in one; "." and ".." are in
 * none), extent blocks (the extents beyond those in the inode), inode
 * arrays and data extents.
 */
struct counts {
	uint64_t inodes, dir_blocks, inode_arrays, extent_blocks, extents;
};

static void count_file(struct pmemfile_inode *in, struct counts *c)
{
	uint64_t n = in->file.nextents;
	c->extents += n;
	if (n > PMEMFILE_INLINE_EXTENTS)
		c->extent_blocks += (n - PMEMFILE_INLINE_EXTENTS +
				     PMEMFILE_EXTENTS_PER_BLOCK - 1) /
				    PMEMFILE_EXTENTS_PER_BLOCK;
}

/*
 * Walks the inode arrays (objects of the headerless classes have no type
 * number to find them by). Each link of the chain is checked before it is
 * followed, and the walk ends after as many arrays as the pool can hold: a
 * damaged chain is -EIO with pmemfile_errormsg naming the link, c holding
 * what the arrays before it counted.
 */
static int count_objects(PMEMfilepool *pfp, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	uint64_t max = pfp->pool_size / PMEMFILE_INODE_ARRAY_SIZE;
	for (uint64_t off = pfp->super->inode_arrays; off;) {
		if (c->inode_arrays >= max || !inode_array_valid(pfp, off)) {
			pf_set_errormsg("damaged pool: inode array 0x%llx "
					"outside the pool, not in its map or "
					"in a loop",
					(unsigned long long)off);
			return -EIO;
		}
		struct pmemfile_inode_array *a = pf_ptr(pfp, off);
		c->inode_arrays++;
		for (size_t i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			struct pmemfile_inode *in = &a->inodes[i];
			c->inodes += in->mode != 0;
			if (S_ISDIR(in->mode))
				c->dir_blocks += in->dir.nblocks;
			else if (S_ISREG(in->mode))
				count_file(in, c);
		}
		off = a->next;
	}
	return 0;
}

void pmemfile_stats(PMEMfilepool *pfp, struct pmemfile_stats *stats)
{
	GATE_PASS();
	if (pf_remote(pfp)) {
		remote_stats(pfp, stats);
		return;
	}
	if (pool_check(pfp) || !stats)
		return;
	struct counts c;
	/* a damaged chain: what was counted before it (the damage logged) */
	(void)count_objects(pfp, &c);
	stats->inodes = (unsigned)c.inodes;
	stats->dirs = (unsigned)c.dir_blocks;
	stats->inode_arrays = (unsigned)c.inode_arrays;
	stats->block_arrays = (unsigned)c.extent_blocks;
	stats->blocks = (unsigned)c.extents;
}

int pmemfile_statfs(PMEMfilepool *pfp, pmemfile_statfs_t *buf)
{
	GATE_PASS();
	if (pf_remote(pfp))
		return remote_statfs(pfp, buf);
	int r = pool_check(pfp);
	if (r == 0 && !buf)
		r = -EFAULT;
	if (r)
		return (int)pf_ret(r);
	struct counts c;
	r = count_objects(pfp, &c);
	if (r)
		return (int)pf_ret(r);
	struct space sp;
	space_measure(pfp, &sp);
	memset(buf, 0, sizeof(*buf));
	/*
	 * As ext4 counts (bsddf): the blocks are what files could take of
	 * the empty pool, the allocator's own metadata left out; the free
	 * ones what they can take now. Inodes: the free slots, and those of
	 * the inode arrays that the free space could hold (both figures
	 * count the same free space).
	 */
	buf->f_type = PMEMFILE_FS_MAGIC;
	buf->f_bsize = 4096;
	buf->f_frsize = 4096;
	buf->f_blocks = sp.capacity / 4096;
	buf->f_bfree = sp.free / 4096;
	buf->f_bavail = buf->f_bfree;
	uint64_t slots = c.inode_arrays * PMEMFILE_INODES_PER_ARRAY;
	uint64_t more = sp.arrays * PMEMFILE_INODES_PER_ARRAY;
	buf->f_files = slots + more;
	buf->f_ffree = buf->f_files - c.inodes;
	buf->f_namelen = PMEMFILE_NAME_MAX;
	return 0;
}
