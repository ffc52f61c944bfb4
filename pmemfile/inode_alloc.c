// SPDX-License-Identifier: BSD-3-Clause
/*
 * inode_alloc.c -- where inode slots come from.
 *
 * Slots live in inode arrays (layout.h). Two persistent structures find
 * them without reading the arrays, so that opening a pool costs the same
 * at ten files and at a hundred million:
 *
 * - the list of arrays with a free slot, headed in the superblock: a new
 *   inode takes a free slot of its head;
 * - the array map, a bit for each page of the pool, set where an array
 *   starts: whether an offset is an inode slot is one bit away.
 *
 * They change in the transaction that takes or frees the slot, under the
 * superblock's alloc_lock held until that transaction ends (two
 * transactions must never both snapshot the same word: the one that aborts
 * would put back what the other committed). Which slots of the head are
 * free is known from their modes, so a mode leaves or turns 0 only under
 * that lock too (the caller of inode_slot_alloc sets it, inode_slot_free
 * clears it). That knowledge is kept as a volatile hint between calls
 * (pfp->alloc_taken): a persistent bitmap beside them would cost every
 * create and unlink one more snapshot (0.4-0.6 us here).
 *
 * An array whose last inode goes is freed in that transaction, so that its
 * space serves anything, unless no other array has a free slot: one empty
 * array is kept, so that a file created and removed over and over at the
 * edge of an array does not make and free one each time.
 */
#include <stdio.h>
#include <string.h>

#include "inode.h"

#define ARRAY_PAGES (PMEMFILE_INODE_ARRAY_SIZE / 4096)
#define SLOTS_START offsetof(struct pmemfile_inode_array, inodes)

static struct pmemfile_inode_array *array_at(PMEMfilepool *pfp, uint64_t off)
{
	return pf_ptr(pfp, off);
}

static bool map_test(PMEMfilepool *pfp, uint64_t page)
{
	if (page >= pfp->array_map_pages)
		return false;
	uint64_t w =
	    __atomic_load_n(&pfp->array_map[page / 64], __ATOMIC_ACQUIRE);
	return (w >> (page % 64)) & 1;
}

/* In a transaction, under alloc_lock: marks the array at off in the map.
 * fresh: the map was allocated by this transaction (no snapshot). */
static void map_set(PMEMfilepool *pfp, uint64_t off, bool fresh)
{
	uint64_t page = off / 4096;
	uint64_t *w = &pfp->array_map[page / 64];
	if (!fresh)
		tx_add(pfp, w, sizeof(*w));
	__atomic_store_n(w, *w | 1ULL << (page % 64), __ATOMIC_RELEASE);
}

/*
 * The start of the array whose slot off is, or 0. An array covers
 * ARRAY_PAGES pages and arrays never overlap, so the nearest start at or
 * below off's page is the only one that can hold it.
 */
static uint64_t array_of(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t page = off / 4096;
	for (uint64_t k = 0; k < ARRAY_PAGES && k <= page; k++) {
		if (!map_test(pfp, page - k))
			continue;
		uint64_t start = (page - k) * 4096;
		uint64_t rel = off - start;
		if (rel < SLOTS_START ||
		    rel + sizeof(struct pmemfile_inode) >
			PMEMFILE_INODE_ARRAY_SIZE ||
		    (rel - SLOTS_START) % sizeof(struct pmemfile_inode))
			return 0;
		return start;
	}
	return 0;
}

bool inode_off_valid(PMEMfilepool *pfp, uint64_t off)
{
	return pf_in_pool(pfp, off, sizeof(struct pmemfile_inode)) &&
	       array_of(pfp, off) != 0;
}

uint64_t inode_containing(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t page = off / 4096;
	for (uint64_t k = 0; k < ARRAY_PAGES && k <= page; k++) {
		if (!map_test(pfp, page - k))
			continue;
		uint64_t start = (page - k) * 4096;
		uint64_t rel = off - start;
		if (rel < SLOTS_START)
			return 0;
		return off -
		       (rel - SLOTS_START) % sizeof(struct pmemfile_inode);
	}
	return 0;
}

/* Whether an array of the map starts less than an array's size away from
 * the page of off, on either side (so that one at off would overlap it). */
static bool map_near(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t page = off / 4096;
	for (uint64_t p = page + 1 > ARRAY_PAGES ? page + 1 - ARRAY_PAGES : 0;
	     p < page + ARRAY_PAGES; p++)
		if (map_test(pfp, p))
			return true;
	return false;
}

/* Whether off may be the start of an array: in the pool and in the map. */
static bool array_off_valid(PMEMfilepool *pfp, uint64_t off)
{
	return pf_in_pool(pfp, off, PMEMFILE_INODE_ARRAY_SIZE) &&
	       off % 4096 == 0 && map_test(pfp, off / 4096);
}

bool inode_array_valid(PMEMfilepool *pfp, uint64_t off)
{
	return array_off_valid(pfp, off);
}

/* Takes alloc_lock until the current transaction ends. */
static void alloc_lock(PMEMfilepool *pfp)
{
	int r = pmemobj_tx_lock(TX_PARAM_MUTEX, &pfp->super->alloc_lock);
	if (r)
		pmemobj_tx_abort(r);
}

static void damaged_list(uint64_t off)
{
	pf_set_errormsg("damaged pool: inode array 0x%llx in the free list",
			(unsigned long long)off);
	pmemobj_tx_abort(EIO);
}

/* In a transaction, under alloc_lock: a at the head of the free list. */
static void free_list_push(PMEMfilepool *pfp, struct pmemfile_inode_array *a)
{
	struct pmemfile_super *s = pfp->super;
	uint64_t off = pf_off(pfp, a);
	if (s->free_arrays && !array_off_valid(pfp, s->free_arrays))
		damaged_list(s->free_arrays);
	tx_add(pfp, &a->free_prev, 2 * sizeof(uint64_t));
	a->free_prev = 0;
	a->free_next = s->free_arrays;
	if (s->free_arrays) {
		struct pmemfile_inode_array *h = array_at(pfp, s->free_arrays);
		tx_add(pfp, &h->free_prev, sizeof(uint64_t));
		h->free_prev = off;
	}
	tx_add(pfp, &s->free_arrays, sizeof(uint64_t));
	s->free_arrays = off;
}

/* In a transaction, under alloc_lock: a (full now) leaves the list. Its
 * links are checked before they are followed (damage: EIO). */
static void free_list_remove(PMEMfilepool *pfp, struct pmemfile_inode_array *a)
{
	if ((a->free_prev && !array_off_valid(pfp, a->free_prev)) ||
	    (a->free_next && !array_off_valid(pfp, a->free_next)))
		damaged_list(pf_off(pfp, a));
	if (a->free_prev) {
		struct pmemfile_inode_array *p = array_at(pfp, a->free_prev);
		tx_add(pfp, &p->free_next, sizeof(uint64_t));
		p->free_next = a->free_next;
	} else {
		tx_add(pfp, &pfp->super->free_arrays, sizeof(uint64_t));
		pfp->super->free_arrays = a->free_next;
	}
	if (a->free_next) {
		struct pmemfile_inode_array *n = array_at(pfp, a->free_next);
		tx_add(pfp, &n->free_prev, sizeof(uint64_t));
		n->free_prev = a->free_prev;
	}
	tx_add(pfp, &a->free_prev, 2 * sizeof(uint64_t));
	a->free_prev = 0;
	a->free_next = 0;
}

/* In a transaction, under alloc_lock: a new, empty array, in the chain,
 * the map and the free list. */
static struct pmemfile_inode_array *array_grow(PMEMfilepool *pfp)
{
	struct pmemfile_super *s = pfp->super;
	PMEMoid oid = pool_tx_alloc(pfp, PMEMFILE_INODE_ARRAY_SIZE,
				    PMEMFILE_T_INODE_ARRAY, ARRAY_CLASS);
	struct pmemfile_inode_array *a = pmemobj_direct(oid);
	a->next = s->inode_arrays;
	if (s->inode_arrays) {
		struct pmemfile_inode_array *h = array_at(pfp, s->inode_arrays);
		tx_add(pfp, &h->chain_prev, sizeof(uint64_t));
		h->chain_prev = oid.off;
	}
	tx_add(pfp, &s->inode_arrays, sizeof(uint64_t));
	s->inode_arrays = oid.off;
	tx_add(pfp, &s->ninode_arrays, sizeof(uint64_t));
	s->ninode_arrays++;
	map_set(pfp, oid.off, false);
	free_list_push(pfp, a);
	return a;
}

/* In a transaction, under alloc_lock: a, empty and in the free list, leaves
 * the list, the chain and the map, and is freed. */
static void array_free(PMEMfilepool *pfp, struct pmemfile_inode_array *a)
{
	struct pmemfile_super *s = pfp->super;
	uint64_t off = pf_off(pfp, a);
	if ((a->chain_prev && (!array_off_valid(pfp, a->chain_prev) ||
			       array_at(pfp, a->chain_prev)->next != off)) ||
	    (a->next && !array_off_valid(pfp, a->next)) ||
	    (!a->chain_prev && s->inode_arrays != off)) {
		pf_set_errormsg("damaged pool: inode array 0x%llx linked to "
				"0x%llx and 0x%llx in the chain",
				(unsigned long long)off,
				(unsigned long long)a->chain_prev,
				(unsigned long long)a->next);
		pmemobj_tx_abort(EIO);
	}
	free_list_remove(pfp, a);
	uint64_t *link = &s->inode_arrays;
	if (a->chain_prev)
		link = &array_at(pfp, a->chain_prev)->next;
	tx_add(pfp, link, sizeof(uint64_t));
	*link = a->next;
	if (a->next) {
		struct pmemfile_inode_array *n = array_at(pfp, a->next);
		tx_add(pfp, &n->chain_prev, sizeof(uint64_t));
		n->chain_prev = a->chain_prev;
	}
	tx_add(pfp, &s->ninode_arrays, sizeof(uint64_t));
	s->ninode_arrays--;
	uint64_t page = off / 4096;
	uint64_t *w = &pfp->array_map[page / 64];
	tx_add(pfp, w, sizeof(*w));
	__atomic_store_n(w, *w & ~(1ULL << (page % 64)), __ATOMIC_RELEASE);
	pf_tx_free(pfp, pf_oid(pfp, off));
	if (pfp->alloc_array == off) {
		pfp->alloc_array = 0;
		pfp->alloc_taken = 0;
	}
}

/* Whether no slot of a holds an inode (read until one does). */
static bool array_empty(const struct pmemfile_inode_array *a)
{
	for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++)
		if (__atomic_load_n(&a->inodes[i].mode, __ATOMIC_RELAXED))
			return false;
	return true;
}

/* The slots of a that hold an inode (mode != 0), a bit each. */
static uint64_t array_taken(const struct pmemfile_inode_array *a)
{
	uint64_t taken = 0;
	for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++)
		if (__atomic_load_n(&a->inodes[i].mode, __ATOMIC_RELAXED))
			taken |= 1ULL << i;
	return taken;
}

#define ALL_SLOTS ((1ULL << PMEMFILE_INODES_PER_ARRAY) - 1)

/*
 * Whether the alloc array a has a free slot that the hint does not mark
 * taken: the hint's first such slot is checked, and marked when it holds
 * an inode (a free that aborted), until one is free or none is left.
 */
static bool alloc_next_free(PMEMfilepool *pfp,
			    const struct pmemfile_inode_array *a)
{
	while (pfp->alloc_taken != ALL_SLOTS) {
		unsigned j = (unsigned)__builtin_ctzll(~pfp->alloc_taken);
		if (a->inodes[j].mode == 0)
			return true;
		pfp->alloc_taken |= 1ULL << j;
	}
	return false;
}

uint64_t inode_slot_alloc(PMEMfilepool *pfp)
{
	alloc_lock(pfp);
	for (;;) {
		uint64_t head = pfp->super->free_arrays;
		struct pmemfile_inode_array *a;
		if (!head) {
			a = array_grow(pfp);
			pfp->alloc_array = pf_off(pfp, a);
			pfp->alloc_taken = 0;
		} else {
			if (!array_off_valid(pfp, head))
				damaged_list(head);
			a = array_at(pfp, head);
			if (pfp->alloc_array != head) {
				pfp->alloc_array = head;
				pfp->alloc_taken = array_taken(a);
			}
		}
		if (alloc_next_free(pfp, a)) {
			unsigned i =
			    (unsigned)__builtin_ctzll(~pfp->alloc_taken);
			pfp->alloc_taken |= 1ULL << i;
			/*
			 * The hint has no other slot free: read the modes
			 * (an aborted creation gives a slot back unseen)
			 * before a leaves the list.
			 */
			if (!alloc_next_free(pfp, a))
				pfp->alloc_taken = array_taken(a) | 1ULL << i;
			if (pfp->alloc_taken == ALL_SLOTS)
				free_list_remove(pfp, a);
			return pf_off(pfp, &a->inodes[i]);
		}
		/*
		 * The hint has every slot taken: an aborted transaction may
		 * have given one back. A member of the list with none free
		 * is damage.
		 */
		pfp->alloc_taken = array_taken(a);
		if (pfp->alloc_taken == ALL_SLOTS)
			damaged_list(pf_off(pfp, a));
	}
}

int inode_slot_lock(PMEMfilepool *pfp)
{
	return pmemobj_mutex_lock(pfp->pop, &pfp->super->alloc_lock);
}

void inode_slot_unlock(PMEMfilepool *pfp)
{
	pmemobj_mutex_unlock(pfp->pop, &pfp->super->alloc_lock);
}

uint64_t inode_slot_pick(PMEMfilepool *pfp, struct pf_word *w, size_t *nw)
{
	struct pmemfile_super *s = pfp->super;
	uint64_t head = s->free_arrays;
	*nw = 0;
	if (!head || !array_off_valid(pfp, head))
		return 0;
	struct pmemfile_inode_array *a = array_at(pfp, head);
	if (pfp->alloc_array != head) {
		pfp->alloc_array = head;
		pfp->alloc_taken = array_taken(a);
	}
	if (!alloc_next_free(pfp, a))
		return 0;
	unsigned i = (unsigned)__builtin_ctzll(~pfp->alloc_taken);
	uint64_t bit = 1ULL << i;
	pfp->alloc_taken |= bit;
	if (alloc_next_free(pfp, a))
		return pf_off(pfp, &a->inodes[i]);
	/* the hint's last free slot: the modes tell (an aborted creation
	 * gives a slot back unseen) */
	pfp->alloc_taken = array_taken(a) | bit;
	if (pfp->alloc_taken != ALL_SLOTS)
		return pf_off(pfp, &a->inodes[i]);
	/*
	 * The array's last: it leaves the list (free_list_remove's stores,
	 * for the head), unless a link is damaged, which the transaction
	 * reports.
	 */
	uint64_t next = a->free_next;
	if (a->free_prev || (next && !array_off_valid(pfp, next))) {
		pfp->alloc_taken &= ~bit;
		return 0;
	}
	w[(*nw)++] = (struct pf_word){&s->free_arrays, next};
	if (next) {
		w[(*nw)++] =
		    (struct pf_word){&array_at(pfp, next)->free_prev, 0};
		w[(*nw)++] = (struct pf_word){&a->free_next, 0};
	}
	return pf_off(pfp, &a->inodes[i]);
}

void inode_slot_unpick(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t start = pfp->alloc_array;
	if (start && off > start && off - start < PMEMFILE_INODE_ARRAY_SIZE)
		pfp->alloc_taken &=
		    ~(1ULL << (off - start - SLOTS_START) /
				  sizeof(struct pmemfile_inode));
}

void inode_slot_free(PMEMfilepool *pfp, uint64_t off)
{
	alloc_lock(pfp);
	uint64_t start = array_of(pfp, off);
	if (!start) {
		/* inodes are validated before use: only damage gets here */
		pf_set_errormsg("damaged pool: inode 0x%llx in no inode array",
				(unsigned long long)off);
		pmemobj_tx_abort(EIO);
	}
	struct pmemfile_inode_array *a = array_at(pfp, start);
	unsigned i =
	    (unsigned)((off - start - SLOTS_START) / sizeof(a->inodes[0]));
	/*
	 * A slot's mode turns 0 only here, under alloc_lock: allocators read
	 * the modes of the head under it. A 0 stored before the lock is
	 * taken lets one of them take the slot (and fill the array, so that
	 * it leaves the list) while this free still waits to push the array
	 * back: a full array in the free list.
	 */
	tx_add(pfp, &a->inodes[i].mode, sizeof(a->inodes[i].mode));
	a->inodes[i].mode = 0;
	if (a->free_prev == 0 && pfp->super->free_arrays != start)
		free_list_push(pfp, a); /* it was full */
	if (pfp->alloc_array == start)
		pfp->alloc_taken &= ~(1ULL << i);
	if ((a->free_prev || a->free_next) && array_empty(a))
		array_free(pfp, a);
}

/* Words of the array map of a pool of pool_size bytes. */
static uint64_t map_words(uint64_t pool_size)
{
	return (pool_size / 4096 + 63) / 64;
}

/*
 * In a transaction: an empty array map for the pool, in the superblock.
 * Up to EXTENT_MAX it is a unit of an extent class (headerless, so type
 * 0 to the allocator): in the allocator's own small classes it would take
 * a run that the transaction logs of a full pool need.
 */
static void map_create(PMEMfilepool *pfp)
{
	struct pmemfile_super *s = pfp->super;
	uint64_t words = map_words(pfp->pool_size);
	uint64_t bytes = words * sizeof(uint64_t);
	uint64_t flags = POBJ_XALLOC_ZERO;
	for (int c = 0; c < pfp->nclasses; c++) {
		if (bytes <= EXTENT_MIN << (2 * c)) {
			flags |= POBJ_CLASS_ID(pfp->class_id[c]);
			break;
		}
	}
	PMEMoid oid = pf_tx_xalloc(pfp, bytes, PMEMFILE_T_ARRAY_MAP, flags);
	tx_add(pfp, &s->free_arrays, 3 * sizeof(uint64_t));
	s->free_arrays = 0;
	s->array_map = oid.off;
	s->array_map_pages = words * 64;
	pfp->array_map = pmemobj_direct(oid);
	pfp->array_map_pages = s->array_map_pages;
}

void inode_alloc_format(PMEMfilepool *pfp)
{
	map_create(pfp);
}

/*
 * Version 1 had none of the three structures: they are built from the
 * array chain, once. The header words of the arrays were zero padding
 * then, which a version 1 library ignores: they are stored and flushed
 * outside the transaction, whose commit (with the version) makes them
 * count. Their chain_prev too, which version 2 lacked as well.
 */
static int upgrade_from_1(PMEMfilepool *pfp, const char *path)
{
	struct pmemfile_super *s = pfp->super;
	uint64_t max = pfp->pool_size / PMEMFILE_INODE_ARRAY_SIZE;
	volatile uint64_t n = 0;
	volatile int err = 0;
	volatile uint64_t prev = 0;
	PF_TX_BEGIN(pfp)
	{
		map_create(pfp);
		for (uint64_t off = s->inode_arrays; off; n++) {
			if (!pf_in_pool(pfp, off, PMEMFILE_INODE_ARRAY_SIZE) ||
			    off % 4096 || n == max || map_near(pfp, off)) {
				pf_set_errormsg("damaged pool: inode array "
						"0x%llx outside the pool, "
						"overlapping or in a loop",
						(unsigned long long)off);
				pmemobj_tx_abort(EIO);
			}
			struct pmemfile_inode_array *a = array_at(pfp, off);
			a->free_prev = 0;
			a->free_next = 0;
			a->chain_prev = prev;
			prev = off;
			if (array_taken(a) != ALL_SLOTS) {
				a->free_next = s->free_arrays;
				if (s->free_arrays)
					array_at(pfp, s->free_arrays)
					    ->free_prev = off;
				s->free_arrays = off;
			}
			map_set(pfp, off, true);
			off = a->next;
		}
		for (uint64_t off = s->inode_arrays; off;) {
			struct pmemfile_inode_array *a = array_at(pfp, off);
			pmemobj_persist(pfp->pop, &a->free_prev,
					3 * sizeof(uint64_t));
			off = a->next;
		}
		/* version 4's extra roots are made with a pool only */
		tx_add(pfp, &s->version, sizeof(s->version));
		s->version = 2;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err)
		return -err;
	fprintf(stderr,
		"pmemfile: %s: pool layout upgraded from version 1 to 2 "
		"(%llu inode arrays)\n",
		path, (unsigned long long)n);
	return 0;
}

/*
 * Version 2 lacked chain_prev (zero padding, which a version 2 library
 * ignores): stored and flushed outside the transaction that stores the
 * version. The chain was checked when the map was made (upgrade_from_1):
 * here it is followed only as far as the map says it holds arrays.
 */
static int upgrade_from_2(PMEMfilepool *pfp, const char *path)
{
	struct pmemfile_super *s = pfp->super;
	uint64_t max = pfp->pool_size / PMEMFILE_INODE_ARRAY_SIZE;
	uint64_t prev = 0;
	volatile uint64_t n = 0;
	for (uint64_t off = s->inode_arrays; off; n++) {
		if (!array_off_valid(pfp, off) || n == max) {
			pf_set_errormsg("damaged pool: inode array 0x%llx not "
					"in the map or in a loop",
					(unsigned long long)off);
			return -EIO;
		}
		struct pmemfile_inode_array *a = array_at(pfp, off);
		a->chain_prev = prev;
		pmemobj_persist(pfp->pop, &a->chain_prev, sizeof(uint64_t));
		prev = off;
		off = a->next;
	}
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		/* 4 added the roots of new pools only; 5 is csum_upgrade's, 6
		 * words_upgrade's */
		tx_add(pfp, &s->version, sizeof(s->version));
		s->version = 4;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err)
		return -err;
	fprintf(stderr,
		"pmemfile: %s: pool layout upgraded from version 2 to 4 "
		"(%llu inode arrays)\n",
		path, (unsigned long long)n);
	return 0;
}

/* The map of the superblock, checked before anything reads it. */
static int map_load(PMEMfilepool *pfp)
{
	struct pmemfile_super *s = pfp->super;
	uint64_t words = map_words(pfp->pool_size);
	if (s->array_map_pages != words * 64 ||
	    !pf_in_pool(pfp, s->array_map, words * sizeof(uint64_t))) {
		pf_set_errormsg("damaged pool: inode array map 0x%llx of %llu "
				"pages",
				(unsigned long long)s->array_map,
				(unsigned long long)s->array_map_pages);
		return -EIO;
	}
	pfp->array_map = pf_ptr(pfp, s->array_map);
	pfp->array_map_pages = s->array_map_pages;
	return 0;
}

int inode_alloc_open(PMEMfilepool *pfp, const char *path)
{
	struct pmemfile_super *s = pfp->super;
	int r = s->version < 2 ? upgrade_from_1(pfp, path) : map_load(pfp);
	if (r == 0 && s->version == 2)
		r = upgrade_from_2(pfp, path);
	if (r)
		return r;
	if ((s->inode_arrays && !array_off_valid(pfp, s->inode_arrays)) ||
	    (s->free_arrays && !array_off_valid(pfp, s->free_arrays))) {
		pf_set_errormsg("damaged pool: inode array 0x%llx or 0x%llx "
				"outside the pool or not in its map",
				(unsigned long long)s->inode_arrays,
				(unsigned long long)s->free_arrays);
		return -EIO;
	}
	return 0;
}
