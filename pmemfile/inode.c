// SPDX-License-Identifier: BSD-3-Clause
/*
 * inode.c -- a new inode in a slot (inode_alloc.c), the release of an inode
 * with all it owns, and the orphan list.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csum.h"
#include "inode.h"
#include "share.h"
#include "validate.h"

void inode_image(PMEMfilepool *pfp, struct pmemfile_inode *img, uint64_t off,
		 mode_t mode, struct pmemfile_time now)
{
	memset(img, 0, sizeof(*img));
	img->mode = mode;
	pthread_rwlock_rdlock(&pfp->cred_lock);
	img->uid = pf_cred(pfp)->fsuid;
	img->gid = pf_cred(pfp)->fsgid;
	pthread_rwlock_unlock(&pfp->cred_lock);
	img->size_word =
	    size_word_make(off + offsetof(struct pmemfile_inode, size_word), 0);
	img->mtime =
	    itime_make(off + offsetof(struct pmemfile_inode, mtime), now);
	img->ctime =
	    itime_make(off + offsetof(struct pmemfile_inode, ctime), now);
	img->atime =
	    itime_make(off + offsetof(struct pmemfile_inode, atime), now);
}

struct pmemfile_inode *inode_new(PMEMfilepool *pfp, mode_t mode)
{
	uint64_t off = inode_slot_alloc(pfp);
	struct pmemfile_inode *in = pf_ptr(pfp, off);
	tx_add(pfp, in, sizeof(*in));
	struct pmemfile_time now;
	pf_time_now(&now);
	inode_image(pfp, in, off, mode, now);
	return in;
}

static void tx_free_off(PMEMfilepool *pfp, uint64_t off)
{
	if (off)
		pf_tx_free(pfp, pf_oid(pfp, off));
}

static void file_free(PMEMfilepool *pfp, struct pmemfile_inode *in)
{
	struct pmemfile_file_info *f = &in->file;
	uint64_t n = f->nextents;
	for (uint64_t i = 0; i < n && i < PMEMFILE_INLINE_EXTENTS; i++)
		tx_free_off(pfp, f->e[i].data);
	n = n > PMEMFILE_INLINE_EXTENTS ? n - PMEMFILE_INLINE_EXTENTS : 0;
	uint64_t b = f->blocks;
	while (b) {
		struct pmemfile_extent_block *blk = pf_ptr(pfp, b);
		for (uint64_t i = 0; i < n && i < PMEMFILE_EXTENTS_PER_BLOCK;
		     i++)
			tx_free_off(pfp, blk->e[i].data);
		n = n > PMEMFILE_EXTENTS_PER_BLOCK
			? n - PMEMFILE_EXTENTS_PER_BLOCK
			: 0;
		uint64_t next = blk->next;
		csum_tx_eblock_freed(pfp, b);
		tx_free_off(pfp, b);
		b = next;
	}
}

static void dir_free(PMEMfilepool *pfp, struct pmemfile_inode *in)
{
	struct pmemfile_dir_info *d = &in->dir;
	uint64_t *btab = pf_ptr(pfp, d->btab);
	for (uint64_t i = 0; i < d->nblocks; i++)
		tx_free_off(pfp, btab[i]);
	tx_free_off(pfp, d->btab);
	tx_free_off(pfp, d->htab);
}

void inode_free(PMEMfilepool *pfp, uint64_t off)
{
	struct pmemfile_inode *in = pf_ptr(pfp, off);
	if (S_ISREG(in->mode))
		file_free(pfp, in);
	else if (S_ISDIR(in->mode))
		dir_free(pfp, in);
	else if (S_ISLNK(in->mode) && inode_size(in) >= PMEMFILE_SYMLINK_INLINE)
		tx_free_off(pfp, *(uint64_t *)in->target);
	inode_slot_free(pfp, off);
}

void orphan_add(PMEMfilepool *pfp, uint64_t off)
{
	struct pmemfile_inode *in = pf_ptr(pfp, off);
	struct pmemfile_super *s = pfp->super;
	tx_add(pfp, &in->orphan_prev, 16);
	in->orphan_prev = 0;
	in->orphan_next = s->orphans;
	if (s->orphans) {
		struct pmemfile_inode *h = pf_ptr(pfp, s->orphans);
		tx_add(pfp, &h->orphan_prev, 8);
		h->orphan_prev = off;
	}
	tx_add(pfp, &s->orphans, 8);
	s->orphans = off;
}

void orphan_remove(PMEMfilepool *pfp, uint64_t off)
{
	struct pmemfile_inode *in = pf_ptr(pfp, off);
	if (in->orphan_prev) {
		struct pmemfile_inode *p = pf_ptr(pfp, in->orphan_prev);
		tx_add(pfp, &p->orphan_next, 8);
		p->orphan_next = in->orphan_next;
	} else {
		tx_add(pfp, &pfp->super->orphans, 8);
		pfp->super->orphans = in->orphan_next;
	}
	if (in->orphan_next) {
		struct pmemfile_inode *n = pf_ptr(pfp, in->orphan_next);
		tx_add(pfp, &n->orphan_prev, 8);
		n->orphan_prev = in->orphan_prev;
	}
	tx_add(pfp, &in->orphan_prev, 16);
	in->orphan_prev = 0;
	in->orphan_next = 0;
}

static struct pmemfile_extent_block *eblock(PMEMfilepool *pfp, uint64_t off)
{
	return pf_ptr(pfp, off);
}

/*
 * In a transaction: frees the last INODE_FREE_BATCH extents of a file and
 * the extent blocks they leave empty; the list stays consistent.
 */
static void file_free_tail(PMEMfilepool *pfp, struct pmemfile_inode *in)
{
	struct pmemfile_file_info *f = &in->file;
	uint64_t n = f->nextents;
	uint64_t keep = n - INODE_FREE_BATCH;
	uint64_t b = f->blocks, bi = 0;
	for (uint64_t i = keep; i < n; i++) {
		if (i < PMEMFILE_INLINE_EXTENTS) {
			tx_free_off(pfp, f->e[i].data);
			continue;
		}
		uint64_t k = i - PMEMFILE_INLINE_EXTENTS;
		for (; bi < k / PMEMFILE_EXTENTS_PER_BLOCK; bi++)
			b = eblock(pfp, b)->next;
		tx_free_off(
		    pfp,
		    eblock(pfp, b)->e[k % PMEMFILE_EXTENTS_PER_BLOCK].data);
	}
	uint64_t need = keep > PMEMFILE_INLINE_EXTENTS
			    ? (keep - PMEMFILE_INLINE_EXTENTS +
			       PMEMFILE_EXTENTS_PER_BLOCK - 1) /
				  PMEMFILE_EXTENTS_PER_BLOCK
			    : 0;
	uint64_t *link = &f->blocks, last = 0;
	for (uint64_t k = 0; k < need; k++) {
		last = *link;
		link = &eblock(pfp, *link)->next;
	}
	for (uint64_t o = *link; o;) {
		uint64_t next = eblock(pfp, o)->next;
		csum_tx_eblock_freed(pfp, o);
		tx_free_off(pfp, o);
		o = next;
	}
	if (*link) {
		if (last)
			csum_tx_eblock(pfp, last);
		tx_add(pfp, link, 8);
		*link = 0;
	}
	tx_add(pfp, &f->nextents, 8);
	f->nextents = keep;
}

int inode_free_unlinked(PMEMfilepool *pfp, uint64_t off)
{
	struct pmemfile_inode *in = pf_ptr(pfp, off);
	volatile int err = 0;
	while (!err && S_ISREG(in->mode) &&
	       in->file.nextents > INODE_FREE_BATCH) {
		PF_TX_BEGIN(pfp)
		{
			file_free_tail(pfp, in);
		}
		TX_ONABORT
		{
			err = tx_error();
		}
		TX_END
	}
	if (err)
		return -err;
	pthread_mutex_lock(&pfp->orphan_lock);
	PF_TX_BEGIN(pfp)
	{
		orphan_remove(pfp, off);
		inode_free(pfp, off);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	pthread_mutex_unlock(&pfp->orphan_lock);
	return -err;
}

int orphan_reclaim(PMEMfilepool *pfp, struct share_seg *kept)
{
	uint64_t off = pfp->super->orphans;
	/*
	 * A damaged list is left as it is, the damage reported: the pool
	 * stays usable, the orphans from there on are not freed. A cycle
	 * ends after as many inodes as the pool can hold.
	 */
	for (uint64_t n = 0; off; n++) {
		if (n > pfp->pool_size / sizeof(struct pmemfile_inode)) {
			pf_damaged(pfp, off, "the orphan list loops");
			return 0;
		}
		if (inode_validate(pfp, off))
			return 0;
		uint64_t next =
		    ((struct pmemfile_inode *)pf_ptr(pfp, off))->orphan_next;
		/* still open in another process: freed at its last close */
		if (!share_inode_kept(kept, off)) {
			int r = inode_free_unlinked(pfp, off);
			if (r)
				return r;
		}
		off = next;
	}
	return 0;
}
