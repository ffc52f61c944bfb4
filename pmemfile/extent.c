// SPDX-License-Identifier: BSD-3-Clause
/*
 * extent.c -- extents of regular files.
 *
 * The persistent list (layout.h) is unordered; the volatile index keeps the
 * same extents sorted by file offset for O(log n) lookups. Extents grow
 * geometrically as a file grows, so that appends rarely allocate.
 */
#include <libpmem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "csum.h"
#include "direct.h"
#include "extent.h"
#include "inode.h"
#include "layout.h"

#define EXTENT_POPULATE_MIN (64 << 10)
#define POPULATE_REGION (4ULL << 20)
#define FAULT_AROUND (64ULL << 10)

static struct pmemfile_extent *pslot(PMEMfilepool *pfp, struct vinode *v,
				     uint64_t i)
{
	struct pmemfile_file_info *f = &v->inode->file;
	if (i < PMEMFILE_INLINE_EXTENTS)
		return &f->e[i];
	i -= PMEMFILE_INLINE_EXTENTS;
	struct pmemfile_extent_block *b =
	    pf_ptr(pfp, v->eblocks[i / PMEMFILE_EXTENTS_PER_BLOCK]);
	return &b->e[i % PMEMFILE_EXTENTS_PER_BLOCK];
}

/*
 * In a transaction: slot i of a list whose blocks are eb[] changes, so does
 * its extent block's checksum (none for an inline slot).
 */
static void slot_changed(PMEMfilepool *pfp, const uint64_t *eb, uint64_t i)
{
	if (i >= PMEMFILE_INLINE_EXTENTS)
		csum_tx_eblock(pfp, eb[(i - PMEMFILE_INLINE_EXTENTS) /
				       PMEMFILE_EXTENTS_PER_BLOCK]);
}

static int index_reserve(struct vinode *v, size_t n)
{
	if (n <= v->ext_cap)
		return 0;
	size_t cap = v->ext_cap ? v->ext_cap : 4;
	while (cap < n)
		cap *= 2;
	struct vext *e = realloc(v->ext, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	v->ext = e;
	v->ext_cap = cap;
	return 0;
}

static int cmp_vext(const void *a, const void *b)
{
	const struct vext *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int index_build(PMEMfilepool *pfp, struct vinode *v)
{
	struct pmemfile_file_info *f = &v->inode->file;
	size_t nb = 0;
	for (uint64_t b = f->blocks; b;
	     b = ((struct pmemfile_extent_block *)pf_ptr(pfp, b))->next)
		nb++;
	v->eblocks = nb ? malloc(nb * sizeof(uint64_t)) : NULL;
	if (nb && !v->eblocks)
		return -ENOMEM;
	nb = 0;
	for (uint64_t b = f->blocks; b;
	     b = ((struct pmemfile_extent_block *)pf_ptr(pfp, b))->next)
		v->eblocks[nb++] = b;
	v->neblocks = nb;
	if (index_reserve(v, f->nextents))
		return -ENOMEM;
	for (uint64_t i = 0; i < f->nextents; i++) {
		struct pmemfile_extent *e = pslot(pfp, v, i);
		v->ext[i] = (struct vext){e->off, e->len, pf_ptr(pfp, e->data)};
	}
	v->next = f->nextents;
	if (v->next > 1)
		qsort(v->ext, v->next, sizeof(*v->ext), cmp_vext);
	return 0;
}

int extent_index_load(PMEMfilepool *pfp, struct vinode *v)
{
	if (atomic_load_explicit(&v->ext_loaded, memory_order_acquire))
		return 0;
	int r = 0;
	pthread_mutex_lock(&v->ext_build);
	if (!atomic_load_explicit(&v->ext_loaded, memory_order_relaxed)) {
		r = index_build(pfp, v);
		if (r == 0)
			atomic_store_explicit(&v->ext_loaded, true,
					      memory_order_release);
	}
	pthread_mutex_unlock(&v->ext_build);
	return r;
}

void extent_index_free(struct vinode *v)
{
	free(v->ext);
	free(v->eblocks);
	v->ext = NULL;
	v->eblocks = NULL;
	v->next = v->ext_cap = v->neblocks = 0;
}

/*
 * The first extent with off + len > pos. Without a branch on the data:
 * the step is a conditional move, so random offsets cost no mispredicted
 * branch at each level (random 4 KiB writes in a 1 GiB file, ~260
 * extents: the two lookups of each write took 8 % of its time).
 */
size_t extent_find(struct vinode *v, uint64_t pos)
{
	const struct vext *base = v->ext;
	size_t n = v->next;
	if (n == 0)
		return 0;
	/* the answer lies in [base, base + n] */
	while (n > 1) {
		size_t half = n / 2;
		const struct vext *m = base + half;
		base = m->off + m->len <= pos ? m : base;
		n -= half;
	}
	return (size_t)(base - v->ext) + (base->off + base->len <= pos);
}

uint64_t extent_allocated(struct vinode *v)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < v->next; i++)
		sum += v->ext[i].len;
	return sum;
}

uint64_t extent_bytes(PMEMfilepool *pfp, const struct pmemfile_inode *in)
{
	const struct pmemfile_file_info *f = &in->file;
	uint64_t n = f->nextents, sum = 0, i = 0;
	for (; i < n && i < PMEMFILE_INLINE_EXTENTS; i++)
		sum += f->e[i].len;
	for (uint64_t b = f->blocks; b && i < n;) {
		const struct pmemfile_extent_block *blk = pf_ptr(pfp, b);
		for (size_t k = 0; k < PMEMFILE_EXTENTS_PER_BLOCK && i < n;
		     k++, i++)
			sum += blk->e[k].len;
		b = blk->next;
	}
	return sum;
}

/* In a transaction: a new persistent slot holding e. */
static void pslot_append(PMEMfilepool *pfp, struct vinode *v,
			 const struct pmemfile_extent *e, uint64_t *newblock)
{
	struct pmemfile_file_info *f = &v->inode->file;
	uint64_t i = f->nextents;
	*newblock = 0;
	if (i < PMEMFILE_INLINE_EXTENTS) {
		/*
		 * The count, the inline slot and on to the end of the inode
		 * in one range, so that the checksum, stored at the commit,
		 * needs no snapshot of its own (csum.c): one range where a
		 * file's first extent took three.
		 */
		tx_add(pfp, &f->nextents,
		       (size_t)((const char *)(v->inode + 1) -
				(const char *)&f->nextents));
		f->e[i] = *e;
		f->nextents = i + 1;
		return;
	}
	if (i >= PMEMFILE_INLINE_EXTENTS &&
	    (i - PMEMFILE_INLINE_EXTENTS) % PMEMFILE_EXTENTS_PER_BLOCK == 0 &&
	    (i - PMEMFILE_INLINE_EXTENTS) / PMEMFILE_EXTENTS_PER_BLOCK ==
		v->neblocks) {
		PMEMoid b =
		    pool_tx_alloc(pfp, sizeof(struct pmemfile_extent_block),
				  PMEMFILE_T_EXTENT_BLOCK, 0);
		uint64_t *link = &f->blocks;
		if (v->neblocks) {
			struct pmemfile_extent_block *last =
			    pf_ptr(pfp, v->eblocks[v->neblocks - 1]);
			link = &last->next;
			csum_tx_eblock(pfp, v->eblocks[v->neblocks - 1]);
		}
		tx_add(pfp, link, 8);
		*link = b.off;
		*newblock = b.off;
	}
	struct pmemfile_extent *slot;
	if (*newblock) {
		slot = &((struct pmemfile_extent_block *)pf_ptr(pfp, *newblock))
			    ->e[0];
		csum_tx_eblock(pfp, *newblock);
	} else {
		slot = pslot(pfp, v, i);
		slot_changed(pfp, v->eblocks, i);
	}
	tx_add(pfp, slot, sizeof(*slot));
	*slot = *e;
	tx_add(pfp, &f->nextents, 8);
	f->nextents = i + 1;
}

static int eblocks_push(struct vinode *v, uint64_t b)
{
	uint64_t *n = realloc(v->eblocks, (v->neblocks + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	v->eblocks = n;
	v->eblocks[v->neblocks++] = b;
	return 0;
}

/*
 * Maps the pages under a big new extent at once, each 4 MiB region of the
 * pool once per process, instead of a page fault for each 4 KiB written
 * later. By reading one byte of every 64 KiB: where the pool's pages exist
 * already, a read fault maps the 16 pages around it (the kernel's
 * fault-around, 64 KiB by default) where a write fault maps one; on shmem
 * the read-faulted entries of a shared writable mapping are writable
 * already. Where fault-around maps less (another setting, a DAX device),
 * the pages left are faulted by the writes as before. Measured on a 1 GiB
 * range of a /dev/shm pool whose pages exist, ns a page: 198-333 by these
 * reads, 420-705 by MADV_POPULATE_READ (which takes each page through
 * get_user_pages), 760-1090 by _WRITE, ~750 by the writes' own faults.
 * A pool file is sparse (pool.c): a new extent over holes is allocated
 * and mapped by direct_back instead, and the region's other holes are not
 * read (mincore tells where they are): a read fault would allocate a page
 * there, which the pool may never use, and on a file system that is full
 * kill the process with SIGBUS.
 */
static void extent_populate(PMEMfilepool *pfp, char *p, uint64_t len)
{
	if (len < EXTENT_POPULATE_MIN || !pfp->populated)
		return;
	uint64_t first = pf_off(pfp, p) / POPULATE_REGION;
	uint64_t last = (pf_off(pfp, p) + len - 1) / POPULATE_REGION;
	for (uint64_t r = first; r <= last; r++) {
		if (r * POPULATE_REGION + POPULATE_REGION > pfp->pool_size)
			break;
		if (atomic_exchange(&pfp->populated[r], 1))
			continue;
		const volatile char *region = pfp->base + r * POPULATE_REGION;
		unsigned char present[POPULATE_REGION / 4096];
		bool known =
		    mincore((void *)region, POPULATE_REGION, present) == 0;
		for (uint64_t o = 0; o < POPULATE_REGION; o += FAULT_AROUND)
			if (!known || (present[o / 4096] & 1))
				(void)region[o];
	}
}

/*
 * Before the extent (e->len bytes at e->data) is recorded: its pages backed
 * (direct_back's answer, <0 with *unbacked set where the file system
 * under a sparse pool is full: the write fails here, not with SIGBUS
 * when a page is written), its part below the file size zeroed.
 */
static int storage_prepare(PMEMfilepool *pfp, struct vinode *v,
			   const struct pmemfile_extent *e, bool *unbacked)
{
	char *p = pf_ptr(pfp, e->data);
	int b = direct_back(pfp, p, e->len);
	if (b < 0) {
		*unbacked = true;
		return b;
	}
	uint64_t size = inode_size(v->inode);
	if (size > e->off) {
		uint64_t z = size - e->off < e->len ? size - e->off : e->len;
		pmemobj_memset_persist(pfp->pop, p, 0, z);
	}
	return b;
}

/* Where the inode's pad32 and csum share the 8-byte word published. */
_Static_assert(offsetof(struct pmemfile_inode, pad32) % 8 == 0 &&
		   offsetof(struct pmemfile_inode, csum) ==
		       offsetof(struct pmemfile_inode, pad32) + 4,
	       "csum word");

/*
 * An inline slot's extent outside a transaction: its storage reserved,
 * then one pmemobj_publish stores the allocation, the slot, the extent
 * count and the inode's checksum from one redo log, all or none after a
 * crash, as a transaction would, without its undo log and second commit
 * (a created 4 KiB file's first extent: 8.1k -> 6.5k instructions).
 * Returns what storage_prepare did, or -errno.
 */
static int alloc_published(PMEMfilepool *pfp, struct vinode *v,
			   struct pmemfile_extent *e, int c, bool *unbacked)
{
	PMEMobjpool *pop = pfp->pop;
	if (pf_heap_check(pfp))
		return -EIO;
	struct pobj_action act[6];
	PMEMoid d = pmemobj_xreserve(pop, &act[0], e->len, PMEMFILE_T_DATA,
				     POBJ_CLASS_ID(pfp->class_id[c]));
	if (OID_IS_NULL(d))
		return errno == ENOMEM || errno == 0 ? -ENOSPC : -errno;
	e->data = d.off;
	int b = storage_prepare(pfp, v, e, unbacked);
	if (b < 0) {
		pmemobj_cancel(pop, act, 1);
		return b;
	}
	struct pmemfile_inode *in = v->inode;
	struct pmemfile_file_info *f = &in->file;
	uint64_t i = f->nextents;
	size_t n = 1;
	pmemobj_set_value(pop, &act[n++], &f->e[i].off, e->off);
	pmemobj_set_value(pop, &act[n++], &f->e[i].len, e->len);
	pmemobj_set_value(pop, &act[n++], &f->e[i].data, e->data);
	pmemobj_set_value(pop, &act[n++], &f->nextents, i + 1);
	if (pfp->csums) {
		struct pmemfile_inode next = *in;
		next.file.e[i] = *e;
		next.file.nextents = i + 1;
		next.csum = csum_inode(v->off, &next);
		uint64_t word;
		memcpy(&word, &next.pad32, sizeof(word));
		pmemobj_set_value(pop, &act[n++], (uint64_t *)&in->pad32, word);
	}
	if (pmemobj_publish(pop, act, n)) {
		int err = errno == ENOMEM || errno == 0 ? ENOSPC : errno;
		pmemobj_cancel(pop, act, n);
		return -err;
	}
	return b;
}

/* The same in a transaction, for any slot; *newblock set to a new extent
 * block, if one was needed. */
static int alloc_tx(PMEMfilepool *pfp, struct vinode *v,
		    struct pmemfile_extent *e, int c, bool *unbacked,
		    uint64_t *newblock)
{
	volatile int err = 0, mapped = 0;
	volatile uint64_t nb = 0;
	volatile uint64_t data = 0;
	PF_TX_BEGIN(pfp)
	{
		PMEMoid d = pf_tx_xalloc(pfp, e->len, PMEMFILE_T_DATA,
					 POBJ_XALLOC_NO_FLUSH |
					     POBJ_CLASS_ID(pfp->class_id[c]));
		struct pmemfile_extent x = *e;
		x.data = d.off;
		data = d.off;
		int b = storage_prepare(pfp, v, &x, unbacked);
		if (b < 0)
			pmemobj_tx_abort(-b);
		mapped = b;
		uint64_t got;
		pslot_append(pfp, v, &x, &got);
		nb = got;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err)
		return -err;
	e->data = data;
	*newblock = nb;
	return mapped;
}

/*
 * One extent of class c at file offset off, recorded at once (a crash
 * leaves the file without it or with it whole). The part of it below
 * the file size is zeroed first. -ENOSPC with *unbacked set: the pool had
 * room, the file system under it had not.
 */
static int extent_alloc_one(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
			    int c, bool *unbacked)
{
	struct pmemfile_extent e = {off, EXTENT_MIN << (2 * c), 0};
	uint64_t newblock = 0;
	/* The volatile index must have room before anything persists. */
	if (index_reserve(v, v->next + 1))
		return -ENOMEM;
	/* inside another transaction, the extent is that one's to undo */
	int mapped = v->inode->file.nextents < PMEMFILE_INLINE_EXTENTS &&
			     pmemobj_tx_stage() == TX_STAGE_NONE
			 ? alloc_published(pfp, v, &e, c, unbacked)
			 : alloc_tx(pfp, v, &e, c, unbacked, &newblock);
	if (mapped < 0)
		return mapped;
	if (newblock && eblocks_push(v, newblock))
		abort(); /* the index would no longer match the pool */
	size_t i = extent_find(v, off);
	memmove(&v->ext[i + 1], &v->ext[i], (v->next - i) * sizeof(*v->ext));
	v->ext[i] = (struct vext){off, e.len, pf_ptr(pfp, e.data)};
	v->next++;
	if (!mapped && !direct_for_other)
		extent_populate(pfp, v->ext[i].data, e.len);
	return 0;
}

/*
 * The class for a new extent at off: the biggest no bigger than want, so
 * that a file holds what it was given rounded up to 4 KiB and no more
 * (want is taken by the biggest units first, the rest by smaller ones),
 * or the class PMEMFILE_BLOCK_SIZE fixes; no bigger than room.
 */
static int pick_class(PMEMfilepool *pfp, uint64_t want, uint64_t room)
{
	int c = 0;
	if (pfp->block_size) {
		while (c < pfp->nclasses - 1 &&
		       (EXTENT_MIN << (2 * c)) < pfp->block_size)
			c++;
	} else {
		while (c < pfp->nclasses - 1 &&
		       (EXTENT_MIN << (2 * (c + 1))) <= want)
			c++;
	}
	while (c > 0 && (EXTENT_MIN << (2 * c)) > room)
		c--;
	return c;
}

/*
 * An extent of class c, or where that class has no free unit, of a
 * smaller one, then of a bigger one that room allows: any free unit of
 * any class serves, so that the pool is full only when statfs says so.
 * Not where the file system under a sparse pool is full: another class
 * may need a new run, whose header the allocator would write on a page
 * that cannot be given (SIGBUS). Returns the class used, or -errno.
 */
static int extent_alloc_classes(PMEMfilepool *pfp, struct vinode *v,
				uint64_t pos, int c, uint64_t room,
				bool *unbacked)
{
	int r = -ENOSPC;
	for (int k = c; k >= 0 && r == -ENOSPC && !*unbacked; k--) {
		r = extent_alloc_one(pfp, v, pos, k, unbacked);
		if (r == 0)
			return k;
	}
	for (int k = c + 1; k < pfp->nclasses && r == -ENOSPC && !*unbacked &&
			    (EXTENT_MIN << (2 * k)) <= room;
	     k++) {
		r = extent_alloc_one(pfp, v, pos, k, unbacked);
		if (r == 0)
			return k;
	}
	return r;
}

/*
 * extent_alloc_classes, and where it finds no room, again from each other
 * arena of the allocator: a run that a thread's arena holds serves no other
 * arena, and the other thread may be one that another process's calls ran
 * on (the keeper) or that has ended.
 */
static int extent_alloc_any(PMEMfilepool *pfp, struct vinode *v, uint64_t pos,
			    int c, uint64_t room)
{
	bool unbacked = false;
	int r = extent_alloc_classes(pfp, v, pos, c, room, &unbacked);
	unsigned mine, total;
	if (r != -ENOSPC || unbacked ||
	    pmemobj_ctl_get(pfp->pop, "heap.thread.arena_id", &mine) ||
	    pmemobj_ctl_get(pfp->pop, "heap.narenas.total", &total))
		return r;
	for (unsigned a = 1; a <= total && r == -ENOSPC && !unbacked; a++) {
		if (a == mine ||
		    pmemobj_ctl_set(pfp->pop, "heap.thread.arena_id", &a))
			continue;
		r = extent_alloc_classes(pfp, v, pos, c, room, &unbacked);
	}
	(void)pmemobj_ctl_set(pfp->pop, "heap.thread.arena_id", &mine);
	return r;
}

static int64_t covered_from(struct vinode *v, uint64_t off, uint64_t end)
{
	uint64_t pos = off;
	size_t i = extent_find(v, pos);
	while (pos < end && i < v->next && v->ext[i].off <= pos) {
		pos = v->ext[i].off + v->ext[i].len;
		i++;
	}
	return (int64_t)((pos < end ? pos : end) - off);
}

int64_t extent_cover(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
		     uint64_t len)
{
	uint64_t end = off + len;
	uint64_t pos = off & ~(EXTENT_MIN - 1);
	/*
	 * Where the extents added at the file's end stop: an eighth of what
	 * it holds past the first of them, so that appends allocate rarely
	 * and a file holds at most an eighth unused (fixed once: each piece
	 * of the write is not given an eighth more again).
	 */
	uint64_t grow_end = 0;
	while (pos < end) {
		size_t i = extent_find(v, pos);
		if (i < v->next && v->ext[i].off <= pos) {
			pos = v->ext[i].off + v->ext[i].len;
			continue;
		}
		uint64_t room = i < v->next ? v->ext[i].off - pos : UINT64_MAX;
		uint64_t want =
		    ((end - pos) + EXTENT_MIN - 1) & ~(EXTENT_MIN - 1);
		if (i == v->next && pfp->overallocate) {
			if (grow_end == 0)
				grow_end = pos + (extent_allocated(v) / 8 &
						  ~(EXTENT_MIN - 1));
			if (grow_end > pos + want)
				want = grow_end - pos;
		}
		int c = pick_class(pfp, want, room);
		c = extent_alloc_any(pfp, v, pos, c, room);
		if (c < 0) {
			int64_t done = covered_from(v, off, end);
			return done > 0 ? done : c;
		}
		pos += EXTENT_MIN << (2 * c);
	}
	return (int64_t)len;
}

/* The file offsets of the extents of v inside [from, to): *n of them. */
static uint64_t *offsets_in(struct vinode *v, uint64_t from, uint64_t to,
			    size_t *n)
{
	size_t i = extent_find(v, from), k = 0;
	size_t last = i;
	while (last < v->next && v->ext[last].off < to)
		last++;
	uint64_t *offs = malloc((last - i + 1) * sizeof(*offs));
	if (!offs)
		return NULL;
	for (; i < last; i++)
		offs[k++] = v->ext[i].off;
	*n = k;
	return offs;
}

/* Whether the sorted offs[0..n) holds x, from *k on (x grows). */
static bool offsets_have(const uint64_t *offs, size_t n, size_t *k, uint64_t x)
{
	while (*k < n && offs[*k] < x)
		(*k)++;
	return *k < n && offs[*k] == x;
}

static int extent_drop(PMEMfilepool *pfp, struct vinode *v, bool *keep);

/*
 * Frees the extents of [from, to) that are not in old[0..nold): those a
 * failed extent_cover_all added. If that fails too, they stay the file's
 * (storage past the size, freed when it shrinks or goes).
 */
static void drop_added(PMEMfilepool *pfp, struct vinode *v, uint64_t from,
		       uint64_t to, const uint64_t *old, size_t nold)
{
	bool *keep = malloc(v->next ? v->next : 1);
	if (!keep)
		return;
	size_t k = 0;
	for (size_t i = 0; i < v->next; i++) {
		uint64_t o = v->ext[i].off;
		keep[i] = o < from || o >= to || offsets_have(old, nold, &k, o);
	}
	(void)extent_drop(pfp, v, keep);
	free(keep);
}

int extent_cover_all(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
		     uint64_t end)
{
	/* as tmpfs: a failed call keeps nothing of what it took */
	uint64_t from = off & ~(EXTENT_MIN - 1);
	size_t nold;
	uint64_t *old = offsets_in(v, from, end, &nold);
	if (!old)
		return -ENOMEM;
	int r = 0;
	for (uint64_t pos = off; pos < end;) {
		int64_t got = extent_cover(pfp, v, pos, end - pos);
		if (got < 0) {
			r = (int)got;
			drop_added(pfp, v, from, end, old, nold);
			break;
		}
		pos += (uint64_t)got;
	}
	free(old);
	return r;
}

void extent_zero(PMEMfilepool *pfp, struct vinode *v, uint64_t from,
		 uint64_t to)
{
	size_t i = extent_find(v, from);
	for (; i < v->next && v->ext[i].off < to; i++) {
		struct vext *e = &v->ext[i];
		uint64_t a = from > e->off ? from : e->off;
		uint64_t b = to < e->off + e->len ? to : e->off + e->len;
		if (a < b)
			pmemobj_memset(pfp->pop, e->data + (a - e->off), 0,
				       b - a, PMEMOBJ_F_MEM_NODRAIN);
	}
	pmemobj_drain(pfp->pop);
}

/* The persistent slot i of a list whose blocks are eb[]. */
static struct pmemfile_extent *pslot_in(PMEMfilepool *pfp,
					struct pmemfile_file_info *f,
					const uint64_t *eb, uint64_t i)
{
	if (i < PMEMFILE_INLINE_EXTENTS)
		return &f->e[i];
	i -= PMEMFILE_INLINE_EXTENTS;
	struct pmemfile_extent_block *b =
	    pf_ptr(pfp, eb[i / PMEMFILE_EXTENTS_PER_BLOCK]);
	return &b->e[i % PMEMFILE_EXTENTS_PER_BLOCK];
}

static uint64_t blocks_for(uint64_t n)
{
	return n > PMEMFILE_INLINE_EXTENTS ? (n - PMEMFILE_INLINE_EXTENTS +
					      PMEMFILE_EXTENTS_PER_BLOCK - 1) /
						 PMEMFILE_EXTENTS_PER_BLOCK
					   : 0;
}

uint64_t *extent_store(PMEMfilepool *pfp, struct vinode *v,
		       const struct vext *ext, size_t n, size_t *nblocks)
{
	struct pmemfile_file_info *f = &v->inode->file;
	uint64_t need = blocks_for(n);
	size_t have = v->neblocks;
	uint64_t *eb = malloc((need > have ? need : have) * 8 + 8);
	if (!eb)
		pmemobj_tx_abort(ENOMEM);
	memcpy(eb, v->eblocks, have * 8);
	for (uint64_t b = have; b < need; b++) {
		PMEMoid o =
		    pool_tx_alloc(pfp, sizeof(struct pmemfile_extent_block),
				  PMEMFILE_T_EXTENT_BLOCK, 0);
		uint64_t *link = b ? &((struct pmemfile_extent_block *)pf_ptr(
					   pfp, eb[b - 1]))
					  ->next
				   : &f->blocks;
		tx_add(pfp, link, 8);
		*link = o.off;
		eb[b] = o.off;
	}
	for (uint64_t b = need; b < have; b++) {
		csum_tx_eblock_freed(pfp, eb[b]);
		pf_tx_free(pfp, pf_oid(pfp, eb[b]));
	}
	if (need < have) {
		uint64_t *link = need
				     ? &((struct pmemfile_extent_block *)pf_ptr(
					     pfp, eb[need - 1]))
					    ->next
				     : &f->blocks;
		tx_add(pfp, link, 8);
		*link = 0;
	}
	/* every block kept is written: its slots, or the link to the next */
	for (uint64_t b = 0; b < need; b++)
		csum_tx_eblock(pfp, eb[b]);
	for (size_t i = 0; i < n; i++) {
		struct pmemfile_extent *s = pslot_in(pfp, f, eb, i);
		tx_add(pfp, s, sizeof(*s));
		s->off = ext[i].off;
		s->len = ext[i].len;
		s->data = pf_off(pfp, ext[i].data);
	}
	tx_add(pfp, &f->nextents, 8);
	f->nextents = n;
	*nblocks = need;
	return eb;
}

void extent_install(struct vinode *v, struct vext *ext, size_t n, size_t cap,
		    uint64_t *blocks, size_t nblocks)
{
	free(v->ext);
	free(v->eblocks);
	v->ext = ext;
	v->next = n;
	v->ext_cap = cap;
	v->eblocks = blocks;
	v->neblocks = nblocks;
}

/* In a transaction: rewrites the persistent list from the index entries
 * that are kept (keep[i]), freeing the others and unused blocks. */
static void plist_rewrite(PMEMfilepool *pfp, struct vinode *v, const bool *keep,
			  uint64_t *nblocks_left)
{
	struct pmemfile_file_info *f = &v->inode->file;
	uint64_t n = 0;
	for (size_t i = 0; i < v->next; i++) {
		if (!keep[i]) {
			pf_tx_free(pfp,
				   pf_oid(pfp, pf_off(pfp, v->ext[i].data)));
			continue;
		}
		struct pmemfile_extent *s = pslot(pfp, v, n++);
		uint64_t data = pf_off(pfp, v->ext[i].data);
		/* the slots before the first dropped extent stay as they are */
		if (s->off == v->ext[i].off && s->data == data)
			continue;
		slot_changed(pfp, v->eblocks, n - 1);
		tx_add(pfp, s, sizeof(*s));
		s->off = v->ext[i].off;
		s->len = v->ext[i].len;
		s->data = data;
	}
	uint64_t need = n > PMEMFILE_INLINE_EXTENTS
			    ? (n - PMEMFILE_INLINE_EXTENTS +
			       PMEMFILE_EXTENTS_PER_BLOCK - 1) /
				  PMEMFILE_EXTENTS_PER_BLOCK
			    : 0;
	for (uint64_t b = need; b < v->neblocks; b++) {
		csum_tx_eblock_freed(pfp, v->eblocks[b]);
		pf_tx_free(pfp, pf_oid(pfp, v->eblocks[b]));
	}
	if (need < v->neblocks) {
		uint64_t *link = &f->blocks;
		if (need) {
			link = &((struct pmemfile_extent_block *)pf_ptr(
				     pfp, v->eblocks[need - 1]))
				    ->next;
			csum_tx_eblock(pfp, v->eblocks[need - 1]);
		}
		tx_add(pfp, link, 8);
		*link = 0;
	}
	tx_add(pfp, &f->nextents, 8);
	f->nextents = n;
	*nblocks_left = need;
}

/* One transaction: frees the extents of v whose keep[i] is false. The
 * index follows after the commit. */
static int drop_tx(PMEMfilepool *pfp, struct vinode *v, const bool *keep)
{
	volatile int err = 0;
	volatile uint64_t nb = v->neblocks;
	PF_TX_BEGIN(pfp)
	{
		uint64_t left;
		plist_rewrite(pfp, v, keep, &left);
		nb = left;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err)
		return -err;
	size_t n = 0;
	for (size_t i = 0; i < v->next; i++)
		if (keep[i])
			v->ext[n++] = v->ext[i];
	v->next = n;
	v->neblocks = nb;
	return 0;
}

/*
 * Under the exclusive lock: frees the extents of v whose keep[i] is false,
 * the last ones first, INODE_FREE_BATCH a transaction (the file holds fewer
 * extents after each, all of them consistent). keep is used up.
 */
static int extent_drop(PMEMfilepool *pfp, struct vinode *v, bool *keep)
{
	bool *now = malloc(v->next ? v->next : 1);
	if (!now)
		return -ENOMEM;
	int r = 0;
	for (;;) {
		size_t first = v->next, k = 0;
		while (first > 0 && k < INODE_FREE_BATCH)
			k += !keep[--first];
		if (k == 0)
			break;
		for (size_t i = 0; i < v->next; i++)
			now[i] = keep[i] || i < first;
		size_t n = v->next;
		r = drop_tx(pfp, v, now);
		if (r)
			break;
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (now[i])
				keep[m++] = keep[i];
	}
	free(now);
	return r;
}

int extent_punch(PMEMfilepool *pfp, struct vinode *v, uint64_t from,
		 uint64_t to)
{
	bool *keep = malloc(v->next ? v->next : 1);
	if (!keep)
		return -ENOMEM;
	bool any = false;
	for (size_t i = 0; i < v->next; i++) {
		struct vext *e = &v->ext[i];
		keep[i] = !(e->off >= from && e->off + e->len <= to);
		if (!keep[i])
			any = true;
	}
	int r = any ? extent_drop(pfp, v, keep) : 0;
	free(keep);
	if (r)
		return r;
	if (to != UINT64_MAX)
		extent_zero(pfp, v, from, to);
	return 0;
}
