// SPDX-License-Identifier: BSD-3-Clause
/*
 * inode.c -- allocation of inode slots from inode arrays, and the release of
 * an inode with all it owns.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "inode.h"
#include "validate.h"

static int free_list_push(PMEMfilepool *pfp, uint64_t off)
{
	if (pfp->nfree_inodes == pfp->free_inodes_cap) {
		size_t cap =
		    pfp->free_inodes_cap ? pfp->free_inodes_cap * 2 : 256;
		uint64_t *n = realloc(pfp->free_inodes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		pfp->free_inodes = n;
		pfp->free_inodes_cap = cap;
	}
	pfp->free_inodes[pfp->nfree_inodes++] = off;
	return 0;
}

/* Pushes the free slots of one array, last slot first so that the lowest
 * slot is used first. */
static int array_scan(PMEMfilepool *pfp, struct pmemfile_inode_array *a)
{
	for (size_t i = PMEMFILE_INODES_PER_ARRAY; i-- > 0;) {
		if (a->inodes[i].mode == 0) {
			int r = free_list_push(pfp, pf_off(pfp, &a->inodes[i]));
			if (r)
				return r;
		}
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

#define ARRAY_PAGES (PMEMFILE_INODE_ARRAY_SIZE / 4096)

/*
 * Marks the pages of the array at off in the page map (under ialloc_lock,
 * or at open), before any of its slots is used. -EIO if a page belongs to
 * another array already (overlapping arrays: a damaged pool).
 */
static int ipages_mark(PMEMfilepool *pfp, uint64_t off)
{
	size_t pg = off / 4096;
	for (size_t k = 0; k < ARRAY_PAGES; k++)
		if (__atomic_load_n(&pfp->ipages[pg + k], __ATOMIC_RELAXED))
			return -EIO;
	for (size_t k = 0; k < ARRAY_PAGES; k++)
		__atomic_store_n(&pfp->ipages[pg + k], (uint8_t)(k + 1),
				 __ATOMIC_RELEASE);
	return 0;
}

int inode_arrays_load(PMEMfilepool *pfp)
{
	/* a byte for each page: only the pages that cover arrays are
	 * ever written, the others stay unbacked */
	pfp->ipages_len = pfp->pool_size / 4096 + 1;
	void *m = mmap(NULL, pfp->ipages_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	pfp->ipages = m;
	uint64_t off = pfp->super->inode_arrays;
	size_t max = pfp->pool_size / PMEMFILE_INODE_ARRAY_SIZE;
	size_t n = 0;
	while (off) {
		if (!pf_in_pool(pfp, off, PMEMFILE_INODE_ARRAY_SIZE) ||
		    off % 4096 || n == max) {
			pf_set_errormsg("damaged pool: inode array 0x%llx "
					"outside the pool or in a loop",
					(unsigned long long)off);
			return -EIO;
		}
		if (ipages_mark(pfp, off)) {
			pf_set_errormsg("damaged pool: inode arrays overlap "
					"at 0x%llx",
					(unsigned long long)off);
			return -EIO;
		}
		uint64_t *a = realloc(pfp->iarrays, (n + 1) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		pfp->iarrays = a;
		a[n++] = off;
		pfp->niarrays = n;
		off = ((struct pmemfile_inode_array *)pf_ptr(pfp, off))->next;
	}
	if (n)
		qsort(pfp->iarrays, n, sizeof(uint64_t), cmp_u64);
	return 0;
}

void inode_arrays_free(PMEMfilepool *pfp)
{
	free(pfp->iarrays);
	pfp->iarrays = NULL;
	if (pfp->ipages)
		munmap((void *)pfp->ipages, pfp->ipages_len);
	pfp->ipages = NULL;
}

/*
 * One byte read, no lock: the array of off starts k pages below its page
 * when the page map says k + 1. An offset that a record or a parent holds
 * was written after its array was marked, under locks the reader takes.
 */
bool inode_off_valid(PMEMfilepool *pfp, uint64_t off)
{
	if (!pf_in_pool(pfp, off, sizeof(struct pmemfile_inode)))
		return false;
	unsigned k =
	    __atomic_load_n(&pfp->ipages[off / 4096], __ATOMIC_ACQUIRE);
	if (k == 0)
		return false;
	uint64_t rel = off % 4096 + (k - 1) * 4096ULL;
	uint64_t first = offsetof(struct pmemfile_inode_array, inodes);
	return rel >= first &&
	       rel + sizeof(struct pmemfile_inode) <=
		   PMEMFILE_INODE_ARRAY_SIZE &&
	       (rel - first) % sizeof(struct pmemfile_inode) == 0;
}

int inode_slots_scan(PMEMfilepool *pfp)
{
	/* highest array first, so that the lowest slot is used first */
	for (size_t i = pfp->niarrays; i-- > 0;) {
		int r = array_scan(pfp, pf_ptr(pfp, pfp->iarrays[i]));
		if (r)
			return r;
	}
	return 0;
}

/* A new, empty inode array at the head of the chain, in its own
 * transaction: an empty array is valid persistent state. */
static int array_grow(PMEMfilepool *pfp)
{
	volatile int err = 0;
	volatile uint64_t off = 0;
	TX_BEGIN(pfp->pop)
	{
		PMEMoid oid = pmemobj_tx_xalloc(
		    PMEMFILE_INODE_ARRAY_SIZE, PMEMFILE_T_INODE_ARRAY,
		    POBJ_XALLOC_ZERO | POBJ_CLASS_ID(pfp->class_id[1]));
		struct pmemfile_inode_array *a = pmemobj_direct(oid);
		a->next = pfp->super->inode_arrays;
		tx_add(pfp, &pfp->super->inode_arrays, 8);
		pfp->super->inode_arrays = oid.off;
		tx_add(pfp, &pfp->super->ninode_arrays, 8);
		pfp->super->ninode_arrays++;
		off = oid.off;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err)
		return -err;
	/* a fresh array of this pool cannot overlap another one */
	int r = ipages_mark(pfp, off);
	return r ? r : array_scan(pfp, pf_ptr(pfp, off));
}

int inode_reserve(PMEMfilepool *pfp, uint64_t *off)
{
	int r = 0;
	pthread_mutex_lock(&pfp->ialloc_lock);
	if (pfp->nfree_inodes == 0)
		r = array_grow(pfp);
	if (r == 0)
		*off = pfp->free_inodes[--pfp->nfree_inodes];
	pthread_mutex_unlock(&pfp->ialloc_lock);
	return r;
}

void inode_release(PMEMfilepool *pfp, uint64_t off)
{
	pthread_mutex_lock(&pfp->ialloc_lock);
	/* On ENOMEM the slot is only lost until the next pool open. */
	(void)free_list_push(pfp, off);
	pthread_mutex_unlock(&pfp->ialloc_lock);
}

struct pmemfile_inode *inode_init(PMEMfilepool *pfp, uint64_t off, mode_t mode)
{
	struct pmemfile_inode *in = (void *)(pfp->base + off);
	tx_add(pfp, in, sizeof(*in));
	memset(in, 0, sizeof(*in));
	in->mode = mode;
	pthread_rwlock_rdlock(&pfp->cred_lock);
	in->uid = pfp->cred.fsuid;
	in->gid = pfp->cred.fsgid;
	pthread_rwlock_unlock(&pfp->cred_lock);
	pf_time_now(&in->mtime);
	in->ctime = in->mtime;
	in->atime = in->mtime;
	return in;
}

static void tx_free_off(PMEMfilepool *pfp, uint64_t off)
{
	if (off)
		pmemobj_tx_free(pf_oid(pfp, off));
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
	else if (S_ISLNK(in->mode) && in->size >= PMEMFILE_SYMLINK_INLINE)
		tx_free_off(pfp, *(uint64_t *)in->target);
	tx_add(pfp, &in->mode, sizeof(in->mode));
	in->mode = 0;
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
	uint64_t *link = &f->blocks;
	for (uint64_t k = 0; k < need; k++)
		link = &eblock(pfp, *link)->next;
	for (uint64_t o = *link; o;) {
		uint64_t next = eblock(pfp, o)->next;
		tx_free_off(pfp, o);
		o = next;
	}
	if (*link) {
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
		TX_BEGIN(pfp->pop)
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
	TX_BEGIN(pfp->pop)
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

int orphan_reclaim(PMEMfilepool *pfp)
{
	while (pfp->super->orphans) {
		uint64_t off = pfp->super->orphans;
		int r = inode_validate(pfp, off);
		if (r == 0)
			r = inode_free_unlinked(pfp, off);
		if (r)
			return r;
	}
	return 0;
}
