// SPDX-License-Identifier: BSD-3-Clause
/*
 * inode.c -- allocation of inode slots from inode arrays, and the release of
 * an inode with all it owns.
 */
#include <stdlib.h>
#include <string.h>
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

/* A buffer with room for one more array offset (under ialloc_lock). */
static uint64_t *iarrays_room(PMEMfilepool *pfp)
{
	size_t n = pfp->niarrays;
	if (n < pfp->iarrays_cap)
		return pfp->iarrays;
	size_t cap = n ? 2 * n : 16;
	uint64_t *buf = malloc(cap * sizeof(*buf));
	uint64_t **r =
	    realloc(pfp->iarrays_retired, (pfp->nretired + 1) * sizeof(*r));
	if (r)
		pfp->iarrays_retired = r;
	if (!buf || !r) {
		free(buf);
		return NULL;
	}
	if (n)
		memcpy(buf, pfp->iarrays, n * sizeof(*buf));
	pfp->iarrays_cap = cap;
	return buf;
}

/*
 * Records off in the sorted list of arrays (under ialloc_lock), as a
 * seqlock writer: readers that overlap retry. A new buffer is published
 * before the count that needs it.
 */
static int iarrays_add(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t *cur = pfp->iarrays;
	uint64_t *buf = iarrays_room(pfp);
	if (!buf)
		return -ENOMEM;
	size_t n = pfp->niarrays;
	size_t i = n;
	while (i > 0 && buf[i - 1] > off)
		i--;
	unsigned seq = pfp->iarrays_seq;
	__atomic_store_n(&pfp->iarrays_seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (size_t j = n; j > i; j--)
		__atomic_store_n(&buf[j], buf[j - 1], __ATOMIC_RELAXED);
	__atomic_store_n(&buf[i], off, __ATOMIC_RELAXED);
	if (buf != cur) {
		__atomic_store_n(&pfp->iarrays, buf, __ATOMIC_RELEASE);
		if (cur)
			pfp->iarrays_retired[pfp->nretired++] = cur;
	}
	__atomic_store_n(&pfp->niarrays, n + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&pfp->iarrays_seq, seq + 2, __ATOMIC_RELEASE);
	return 0;
}

int inode_arrays_load(PMEMfilepool *pfp)
{
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
		uint64_t *a = realloc(pfp->iarrays, (n + 1) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		pfp->iarrays = a;
		a[n++] = off;
		off = ((struct pmemfile_inode_array *)pf_ptr(pfp, off))->next;
	}
	pfp->niarrays = n;
	pfp->iarrays_cap = n;
	if (n)
		qsort(pfp->iarrays, n, sizeof(uint64_t), cmp_u64);
	for (size_t i = 1; i < n; i++)
		if (pfp->iarrays[i] - pfp->iarrays[i - 1] <
		    PMEMFILE_INODE_ARRAY_SIZE) {
			pf_set_errormsg("damaged pool: inode arrays 0x%llx "
					"overlap",
					(unsigned long long)pfp->iarrays[i]);
			return -EIO;
		}
	return 0;
}

/* Whether off is a slot of the array that starts at the last of a[0..n)
 * at or below it. */
static bool slot_in(const uint64_t *a, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (__atomic_load_n(&a[mid], __ATOMIC_RELAXED) <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return false;
	uint64_t rel = off - __atomic_load_n(&a[lo - 1], __ATOMIC_RELAXED);
	uint64_t first = offsetof(struct pmemfile_inode_array, inodes);
	return rel >= first &&
	       rel + sizeof(struct pmemfile_inode) <=
		   PMEMFILE_INODE_ARRAY_SIZE &&
	       (rel - first) % sizeof(struct pmemfile_inode) == 0;
}

/* A seqlock reader: no lock shared by the threads that look inodes up. */
bool inode_off_valid(PMEMfilepool *pfp, uint64_t off)
{
	for (;;) {
		unsigned s =
		    __atomic_load_n(&pfp->iarrays_seq, __ATOMIC_ACQUIRE);
		if (s & 1)
			continue;
		size_t n = __atomic_load_n(&pfp->niarrays, __ATOMIC_ACQUIRE);
		const uint64_t *a =
		    __atomic_load_n(&pfp->iarrays, __ATOMIC_ACQUIRE);
		bool ok = slot_in(a, n, off);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&pfp->iarrays_seq, __ATOMIC_RELAXED) == s)
			return ok;
	}
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
	int r = iarrays_add(pfp, off);
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

int orphan_reclaim(PMEMfilepool *pfp)
{
	while (pfp->super->orphans) {
		uint64_t off = pfp->super->orphans;
		int r = inode_validate(pfp, off);
		if (r)
			return r;
		volatile int err = 0;
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
		if (err)
			return -err;
	}
	return 0;
}
