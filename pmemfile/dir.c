// SPDX-License-Identifier: BSD-3-Clause
/*
 * dir.c -- directory records and their hash index.
 *
 * A record never moves while it lives, so its slot position is a getdents
 * offset that stays valid while the directory changes; the hash table only
 * maps names to positions and can be rebuilt at will.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "csum.h"
#include "dir.h"
#include "layout.h"

#define HTAB_MIN 16
#define HTAB_TOMB UINT64_MAX

/* Volatile free-slot maps of the blocks (a hint rebuilt from the pool). */
struct vdir {
	uint64_t (*used)[2];
	size_t nblocks;
	size_t *cand; /* blocks that may have room */
	size_t ncand, cand_cap;
};

uint64_t dir_name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static unsigned log2u(uint64_t x)
{
	return 63 - (unsigned)__builtin_clzll(x);
}

static inline size_t htab_index(uint64_t tag, uint64_t cap)
{
	return (size_t)(tag >> (32 - log2u(cap)));
}

static struct pmemfile_dirent *
record_at(PMEMfilepool *pfp, struct pmemfile_dir_info *d, uint64_t pos)
{
	uint64_t *btab = pf_ptr(pfp, d->btab);
	char *blk = pf_ptr(pfp, btab[pos / PMEMFILE_DIR_SLOTS]);
	return (void *)(blk + (pos % PMEMFILE_DIR_SLOTS) * PMEMFILE_DIR_SLOT);
}

/* The slots a record of a name of len bytes covers. */
static unsigned slots_for(size_t len)
{
	return (unsigned)((16 + len + PMEMFILE_DIR_SLOT - 1) /
			  PMEMFILE_DIR_SLOT);
}

/*
 * The slots to skip from a live record at slot s of its block to the next,
 * in the walks of a block (dir_next): at least 1, inside the block.
 */
static inline unsigned skip_slots(const struct pmemfile_dirent *r, uint64_t s)
{
	unsigned n = r->nslots ? r->nslots : 1;
	return s + n > PMEMFILE_DIR_SLOTS ? (unsigned)(PMEMFILE_DIR_SLOTS - s)
					  : n;
}

unsigned dir_record_slots(const struct pmemfile_dirent *r, uint64_t pos)
{
	uint64_t s = pos % PMEMFILE_DIR_SLOTS;
	unsigned n = r->nslots;
	/* damage: the smaller of the two counts, at least one */
	if (r->namelen && slots_for(r->namelen) < n)
		n = slots_for(r->namelen);
	if (n == 0)
		n = 1;
	return s + n > PMEMFILE_DIR_SLOTS ? (unsigned)(PMEMFILE_DIR_SLOTS - s)
					  : n;
}

int dir_record_check(PMEMfilepool *pfp, struct vinode *dir,
		     const struct pmemfile_dirent *r, uint64_t pos)
{
	uint64_t s = pos % PMEMFILE_DIR_SLOTS;
	if (r->namelen == 0 || r->nslots != slots_for(r->namelen) ||
	    s + r->nslots > PMEMFILE_DIR_SLOTS)
		return pf_damaged(pfp, dir->off, "a record's length");
	if (memchr(r->name, '/', r->namelen) || memchr(r->name, 0, r->namelen))
		return pf_damaged(pfp, dir->off, "a record's name");
	int err = csum_dirent_check(pfp, dir->off, pf_off(pfp, r));
	if (err)
		return err;
	/* the inode it names is checked when it is followed (vinode_get) */
	return 0;
}

/* Whether a name of len bytes at slot position pos ends inside its block. */
static inline bool name_fits(uint64_t pos, size_t len)
{
	return (pos % PMEMFILE_DIR_SLOTS) * PMEMFILE_DIR_SLOT + 16 + len <=
	       PMEMFILE_DIR_BLOCK_SIZE;
}

void dir_init(struct pmemfile_inode *in, uint64_t parent)
{
	memset(&in->dir, 0, sizeof(in->dir));
	in->dir.parent = parent;
	in->nlink = 2;
}

/* The hint of dir if it matches its table, else NULL. */
static const uint64_t *hint_of(struct vinode *dir)
{
	const uint64_t *h = __atomic_load_n(&dir->dhint, __ATOMIC_ACQUIRE);
	return h && h[0] == dir->inode->dir.htab ? h + 1 : NULL;
}

/*
 * A hint entry: 8 bits of the name's tag (the bits the table index does not
 * use), the record position of its table entry and the inode the record
 * names: tag8 << 56 | (pos + 1) << 32 | ino / 256. 0 when the table entry
 * is free or a tombstone, or when they do not fit (directories of more than
 * 2^24 slots, pools of more than 1 TiB): then the table is walked.
 */
#define HINT_POS_MAX ((1u << 24) - 1)

static uint64_t hint_pack(uint64_t tag, uint64_t pos, uint64_t ino)
{
	if (ino % 256 || (ino >> 8) > UINT32_MAX || pos >= HINT_POS_MAX)
		return 0;
	return (tag & 0xff) << 56 | (pos + 1) << 32 | ino >> 8;
}

static inline uint64_t hint_pos(uint64_t h)
{
	return ((h >> 32) & HINT_POS_MAX) - 1;
}

/* The record a hint entry places, NULL if its position is past the blocks. */
static struct pmemfile_dirent *hint_record(PMEMfilepool *pfp,
					   const struct pmemfile_dir_info *d,
					   const uint64_t *btab, uint64_t pos)
{
	if (pos >= d->nblocks * PMEMFILE_DIR_SLOTS)
		return NULL;
	uint64_t b = btab[pos / PMEMFILE_DIR_SLOTS];
	if (!pf_in_pool(pfp, b, PMEMFILE_DIR_BLOCK_SIZE))
		return NULL;
	return (void *)(pfp->base + b +
			(pos % PMEMFILE_DIR_SLOTS) * PMEMFILE_DIR_SLOT);
}

/*
 * The lookup through the hint alone, for a name whose inode is read next:
 * the inode is fetched together with the record, and the persistent table
 * (a third miss, in 4 KiB pages) is not read at all. The hint is exact
 * under the directory's lock: every change of the table changes it
 * (dir_add, dir_remove, a new table drops it, an aborted insert drops it),
 * so a live record of this name at a hinted position is the name's only
 * record. NULL when the hint cannot tell: the table decides then.
 */
static struct pmemfile_dirent *hint_lookup(PMEMfilepool *pfp,
					   const struct pmemfile_dir_info *d,
					   const uint64_t *hint, uint64_t tag,
					   const char *name, size_t len,
					   uint64_t *pos)
{
	const uint64_t *btab = pf_ptr(pfp, d->btab);
	size_t mask = d->htab_cap - 1;
	size_t i = htab_index(tag, d->htab_cap);
	for (size_t k = 0; k < d->htab_cap; k++, i = (i + 1) & mask) {
		uint64_t h = hint[i];
		if (h == 0)
			return NULL;
		if ((h >> 56) != (tag & 0xff))
			continue;
		uint64_t ino = (h & 0xffffffffu) << 8;
		if (pf_in_pool(pfp, ino, sizeof(struct pmemfile_inode))) {
			/*
			 * The lines stat reads: mode .. times, the extent
			 * count, atime and rdev (the third line holds only
			 * extents 2 and 3). Non-temporal: read once, they
			 * should not push the hint and the page tables out
			 * of the caches (1,000,000 entries: 0.64 -> 0.60 us).
			 */
			__builtin_prefetch(pfp->base + ino, 0, 0);
			__builtin_prefetch(pfp->base + ino + 64, 0, 0);
			__builtin_prefetch(pfp->base + ino + 192, 0, 0);
		}
		uint64_t p = hint_pos(h);
		struct pmemfile_dirent *r = hint_record(pfp, d, btab, p);
		if (r && r->ino && r->namelen == len && name_fits(p, len) &&
		    memcmp(r->name, name, len) == 0) {
			*pos = p;
			return r;
		}
	}
	return NULL;
}

/* The lookup through the persistent table, for a name of tag. */
static uint64_t lookup_table(PMEMfilepool *pfp, struct vinode *dir,
			     const char *name, size_t len, uint64_t tag,
			     uint64_t *pos)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	if (!d->htab)
		return 0;
	const uint64_t *tab = pf_ptr(pfp, d->htab);
	size_t mask = d->htab_cap - 1;
	size_t i = htab_index(tag, d->htab_cap);
	/* damage: a table without a free entry ends after one round */
	for (size_t k = 0; k < d->htab_cap; k++, i = (i + 1) & mask) {
		uint64_t e = tab[i];
		if (e == 0)
			return 0;
		if (e == HTAB_TOMB || (e >> 32) != tag)
			continue;
		uint64_t p = (e & 0xffffffffu) - 1;
		/* damage: a position past the blocks names nothing */
		if (p >= d->nblocks * PMEMFILE_DIR_SLOTS)
			continue;
		struct pmemfile_dirent *r = record_at(pfp, d, p);
		if (r->namelen == len && name_fits(p, len) &&
		    memcmp(r->name, name, len) == 0) {
			if (pos)
				*pos = p;
			if (csum_dirent_check(pfp, dir->off, pf_off(pfp, r)))
				return PF_INO_DAMAGED;
			return r->ino;
		}
	}
	return 0;
}

/*
 * The table alone: the lookups of a create (most often of no name, which
 * only the table can tell) and of a removal (which changes the table entry
 * next) would read the hint as well as the table.
 */
uint64_t dir_lookup(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		    size_t len, uint64_t *pos)
{
	return lookup_table(pfp, dir, name, len, dir_name_hash(name, len) >> 32,
			    pos);
}

/* Tables smaller than this stay in the caches: no hint. */
#define HINT_MIN_CAP 4096
/* A hint is built after htab_cap / HINT_AFTER lookups without one. */
#define HINT_AFTER 16

void dir_lookup_prefetch(struct vinode *dir, uint64_t hash)
{
	/*
	 * Read without the lock: the hint may go and the table change
	 * meanwhile, but a prefetch of any address is harmless, and the
	 * lookup under the lock checks everything it uses.
	 */
	const uint64_t *h = __atomic_load_n(&dir->dhint, __ATOMIC_RELAXED);
	uint64_t cap =
	    __atomic_load_n(&dir->inode->dir.htab_cap, __ATOMIC_RELAXED);
	if (h && cap >= HINT_MIN_CAP && !(cap & (cap - 1)))
		__builtin_prefetch(h + 1 + htab_index(hash >> 32, cap));
}

/* A zeroed hint for the table at htab of cap entries. */
static uint64_t *hint_alloc(uint64_t htab, uint64_t cap)
{
	size_t bytes = (cap + 1) * sizeof(uint64_t);
	uint64_t *h = calloc(1, bytes);
	if (!h)
		return NULL;
	/* fewer TLB misses for a big table, where the kernel allows it */
	(void)madvise((void *)((uintptr_t)h & ~(uintptr_t)4095), bytes,
		      MADV_HUGEPAGE);
	h[0] = htab;
	return h;
}

/* A hint for the table of d, from its records: a miss for each. */
static uint64_t *hint_build(PMEMfilepool *pfp, struct pmemfile_dir_info *d)
{
	uint64_t *h = hint_alloc(d->htab, d->htab_cap);
	if (!h)
		return NULL;
	const uint64_t *tab = pf_ptr(pfp, d->htab);
	for (uint64_t i = 0; i < d->htab_cap; i++) {
		uint64_t e = tab[i];
		if (e == 0 || e == HTAB_TOMB)
			continue;
		uint64_t p = (e & 0xffffffffu) - 1;
		if (p < d->nblocks * PMEMFILE_DIR_SLOTS)
			h[1 + i] =
			    hint_pack(e >> 32, p, record_at(pfp, d, p)->ino);
	}
	return h;
}

uint64_t dir_lookup_inode(PMEMfilepool *pfp, struct vinode *dir,
			  const char *name, size_t len, uint64_t hash)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	if (d->htab && d->htab_cap >= HINT_MIN_CAP &&
	    !__atomic_load_n(&dir->dhint, __ATOMIC_ACQUIRE) &&
	    __atomic_add_fetch(&dir->dhint_wait, 1, __ATOMIC_RELAXED) >
		d->htab_cap / HINT_AFTER) {
		pthread_mutex_lock(&dir->ext_build);
		if (!dir->dhint)
			__atomic_store_n(&dir->dhint, hint_build(pfp, d),
					 __ATOMIC_RELEASE);
		pthread_mutex_unlock(&dir->ext_build);
	}
	const uint64_t *hint = hint_of(dir);
	if (hint && d->htab) {
		uint64_t p;
		struct pmemfile_dirent *r =
		    hint_lookup(pfp, d, hint, hash >> 32, name, len, &p);
		if (r)
			return csum_dirent_check(pfp, dir->off, pf_off(pfp, r))
				   ? PF_INO_DAMAGED
				   : r->ino;
	}
	return lookup_table(pfp, dir, name, len, hash >> 32, NULL);
}

/* Under the exclusive lock: the hint goes (a new table, an abort). */
static void hint_drop(struct vinode *dir)
{
	free(dir->dhint);
	dir->dhint = NULL;
}

/*
 * Fills a fresh table of cap entries from the entries of the old one, and
 * the fresh hint nhint (if any) from the old hint ohint (if any) alike.
 */
static void htab_fill(uint64_t *dst, uint64_t cap, const uint64_t *src,
		      uint64_t oldcap, uint64_t *nhint, const uint64_t *ohint)
{
	for (uint64_t j = 0; j < oldcap; j++) {
		uint64_t e = src[j];
		if (e == 0 || e == HTAB_TOMB)
			continue;
		size_t i = htab_index(e >> 32, cap), k = 0;
		while (dst[i] && ++k < cap)
			i = (i + 1) & (cap - 1);
		if (k == cap) /* more entries than the count: damage */
			pmemobj_tx_abort(EIO);
		dst[i] = e;
		if (nhint && ohint)
			nhint[1 + i] = ohint[j];
	}
}

/* In a transaction: a zeroed table of cap entries, NULL if the pool has
 * no room for it. */
static PMEMoid htab_alloc(PMEMfilepool *pfp, uint64_t cap)
{
	return pf_tx_xalloc(pfp, cap * 8, PMEMFILE_T_DIR_HTAB,
			    POBJ_XALLOC_ZERO | POBJ_XALLOC_NO_ABORT |
				pool_table_flags(pfp, cap * 8));
}

/*
 * In a transaction, under the exclusive lock: a table with room for one
 * more entry at load <= 1/2. A new table is one piece of the pool: when a
 * nearly full pool cannot give it, the old table takes entries up to a load
 * of 7/8 (longer probes, but no ENOSPC while the pool has room for the
 * records). A directory that has a hint keeps one for the new table, moved
 * with the entries: rebuilding it at the next stat would read every record.
 */
static void htab_make_room(PMEMfilepool *pfp, struct vinode *dir)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	uint64_t load = d->nentries + d->ntomb + 1;
	if (d->htab && load * 2 <= d->htab_cap)
		return;
	uint64_t cap = HTAB_MIN;
	while (cap < (d->nentries + 1) * 4)
		cap *= 2;
	PMEMoid n = htab_alloc(pfp, cap);
	/* then the smallest table that brings the load back to 1/2 */
	while (OID_IS_NULL(n) && cap / 2 >= load * 2 && cap / 2 >= HTAB_MIN) {
		cap /= 2;
		n = htab_alloc(pfp, cap);
	}
	if (OID_IS_NULL(n)) {
		if (d->htab && load * 8 <= d->htab_cap * 7)
			return;
		pmemobj_tx_abort(ENOMEM);
	}
	/* without memory for it, the hint goes: the next stat builds one */
	uint64_t *nhint = hint_of(dir) ? hint_alloc(n.off, cap) : NULL;
	if (d->htab) {
		htab_fill(pmemobj_direct(n), cap, pf_ptr(pfp, d->htab),
			  d->htab_cap, nhint, hint_of(dir));
		pf_tx_free(pfp, pf_oid(pfp, d->htab));
	}
	hint_drop(dir);
	__atomic_store_n(&dir->dhint, nhint, __ATOMIC_RELEASE);
	/* the caller has added the dir info to the transaction */
	d->htab = n.off;
	d->htab_cap = cap;
	d->ntomb = 0;
}

/* The free entry or tombstone an entry of tag takes, or -1 if the table has
 * none (damage). */
static ssize_t htab_free_entry(PMEMfilepool *pfp, struct pmemfile_dir_info *d,
			       uint64_t tag)
{
	const uint64_t *tab = pf_ptr(pfp, d->htab);
	size_t mask = d->htab_cap - 1;
	size_t i = htab_index(tag, d->htab_cap), k = 0;
	while (tab[i] != 0 && tab[i] != HTAB_TOMB && ++k < d->htab_cap)
		i = (i + 1) & mask;
	return k == d->htab_cap ? -1 : (ssize_t)i;
}

static size_t htab_insert(PMEMfilepool *pfp, struct pmemfile_dir_info *d,
			  uint64_t tag, uint64_t pos)
{
	uint64_t *tab = pf_ptr(pfp, d->htab);
	ssize_t f = htab_free_entry(pfp, d, tag);
	if (f < 0) /* no free entry: damage */
		pmemobj_tx_abort(EIO);
	size_t i = (size_t)f;
	if (tab[i] == HTAB_TOMB)
		d->ntomb--;
	tx_add(pfp, &tab[i], 8);
	tab[i] = (tag << 32) | (pos + 1);
	return i;
}

static uint64_t *htab_slot_of(PMEMfilepool *pfp, struct pmemfile_dir_info *d,
			      uint64_t tag, uint64_t pos)
{
	uint64_t *tab = pf_ptr(pfp, d->htab);
	size_t mask = d->htab_cap - 1;
	uint64_t want = (tag << 32) | (pos + 1);
	size_t i = htab_index(tag, d->htab_cap), k = 0;
	while (tab[i] != want && ++k < d->htab_cap)
		i = (i + 1) & mask;
	if (k == d->htab_cap) { /* the record has no entry: damage */
		pmemobj_tx_abort(EIO);
		return NULL;
	}
	return &tab[i];
}

static void vdir_mark(struct vdir *vd, uint64_t pos, unsigned n, bool used)
{
	uint64_t *m = vd->used[pos / PMEMFILE_DIR_SLOTS];
	for (unsigned s = pos % PMEMFILE_DIR_SLOTS, k = 0; k < n; k++, s++) {
		if (used)
			m[s / 64] |= 1ULL << (s % 64);
		else
			m[s / 64] &= ~(1ULL << (s % 64));
	}
}

static int vdir_add_block(struct vdir *vd)
{
	uint64_t(*u)[2] = realloc(vd->used, (vd->nblocks + 1) * sizeof(*u));
	if (!u)
		return -ENOMEM;
	vd->used = u;
	u[vd->nblocks][0] = u[vd->nblocks][1] = 0;
	vd->nblocks++;
	return 0;
}

static void vdir_candidate(struct vdir *vd, size_t b)
{
	if (vd->ncand == vd->cand_cap) {
		size_t cap = vd->cand_cap ? vd->cand_cap * 2 : 16;
		size_t *c = realloc(vd->cand, cap * sizeof(*c));
		if (!c)
			return; /* only a hint */
		vd->cand = c;
		vd->cand_cap = cap;
	}
	vd->cand[vd->ncand++] = b;
}

void dir_vfree(struct vinode *v)
{
	hint_drop(v);
	if (!v->vdir)
		return;
	free(v->vdir->used);
	free(v->vdir->cand);
	free(v->vdir);
	v->vdir = NULL;
}

void dir_abort(struct vinode *dir)
{
	dir_vfree(dir);
}

static struct vdir *vdir_build(PMEMfilepool *pfp, struct vinode *dir)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	struct vdir *vd = calloc(1, sizeof(*vd));
	if (!vd)
		return NULL;
	vd->used = calloc(d->nblocks ? d->nblocks : 1, sizeof(*vd->used));
	if (!vd->used) {
		free(vd);
		return NULL;
	}
	vd->nblocks = d->nblocks;
	for (uint64_t b = 0; b < d->nblocks; b++) {
		unsigned nfree = 0;
		for (uint64_t s = 0; s < PMEMFILE_DIR_SLOTS;) {
			uint64_t pos = b * PMEMFILE_DIR_SLOTS + s;
			struct pmemfile_dirent *r = record_at(pfp, d, pos);
			if (r->ino == 0) {
				nfree++;
				s++;
				continue;
			}
			unsigned n = dir_record_slots(r, pos);
			vdir_mark(vd, pos, n, true);
			s += n;
		}
		if (nfree >= 9)
			vdir_candidate(vd, b);
	}
	return vd;
}

/* First run of n free slots in block b, or -1. */
static int block_room(struct vdir *vd, size_t b, unsigned n)
{
	const uint64_t *m = vd->used[b];
	unsigned run = 0; /* free slots just before s */
	/* a run of used or of free slots at a time */
	for (unsigned s = 0; s < PMEMFILE_DIR_SLOTS;) {
		uint64_t w = m[s / 64] >> (s % 64);
		unsigned left = 64 - s % 64;
		if (w & 1) {
			run = 0;
			s += ~w ? (unsigned)__builtin_ctzll(~w) : left;
			continue;
		}
		unsigned k = w ? (unsigned)__builtin_ctzll(w) : left;
		if (run + k >= n)
			return (int)(s - run);
		run += k;
		s += k;
	}
	return -1;
}

/* In a transaction: a new empty block at the end of the directory. */
static void block_append(PMEMfilepool *pfp, struct pmemfile_dir_info *d)
{
	if (d->nblocks == d->btab_cap) {
		uint64_t cap = d->btab_cap ? d->btab_cap * 2 : 8;
		PMEMoid n = pf_tx_xalloc(pfp, cap * 8, PMEMFILE_T_DIR_BTAB,
					 POBJ_XALLOC_ZERO |
					     pool_table_flags(pfp, cap * 8));
		if (d->btab) {
			memcpy(pmemobj_direct(n), pf_ptr(pfp, d->btab),
			       d->nblocks * 8);
			pf_tx_free(pfp, pf_oid(pfp, d->btab));
		}
		d->btab = n.off;
		d->btab_cap = cap;
	}
	PMEMoid b = pool_tx_alloc(pfp, PMEMFILE_DIR_BLOCK_SIZE,
				  PMEMFILE_T_DIR_BLOCK, 0);
	uint64_t *btab = pf_ptr(pfp, d->btab);
	tx_add(pfp, &btab[d->nblocks], 8);
	btab[d->nblocks] = b.off;
	d->nblocks++;
}

/* In a transaction: the position of n free slots, making a block if no
 * block has room. */
void dir_prepare(PMEMfilepool *pfp, struct vinode *dir)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	tx_add(pfp, d, sizeof(*d));
	htab_make_room(pfp, dir);
	if (d->nblocks)
		return;
	if (dir->vdir && vdir_add_block(dir->vdir))
		pmemobj_tx_abort(ENOMEM);
	block_append(pfp, d);
}

/* The position of n free slots in the blocks dir has, or UINT64_MAX. */
static uint64_t room_in_blocks(struct vdir *vd, unsigned n)
{
	int s;
	if (vd->nblocks) {
		size_t last = vd->nblocks - 1;
		s = block_room(vd, last, n);
		if (s >= 0)
			return last * PMEMFILE_DIR_SLOTS + (unsigned)s;
	}
	while (vd->ncand) {
		size_t b = vd->cand[vd->ncand - 1];
		s = block_room(vd, b, n);
		if (s >= 0)
			return b * PMEMFILE_DIR_SLOTS + (unsigned)s;
		vd->ncand--;
	}
	return UINT64_MAX;
}

static uint64_t find_room(PMEMfilepool *pfp, struct vinode *dir, unsigned n)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	struct vdir *vd = dir->vdir;
	uint64_t pos = room_in_blocks(vd, n);
	if (pos != UINT64_MAX)
		return pos;
	if (vdir_add_block(vd))
		pmemobj_tx_abort(ENOMEM);
	block_append(pfp, d);
	return (d->nblocks - 1) * PMEMFILE_DIR_SLOTS;
}

static void dir_meta_add(PMEMfilepool *pfp, struct vinode *dir)
{
	struct pmemfile_inode *in = dir->inode;
	/*
	 * nlink .. the end of the dir info: what a name change touches; on to
	 * the end of the inode, so that its checksum, stored at the commit,
	 * needs no snapshot of its own (csum.c)
	 */
	tx_add(pfp, &in->nlink,
	       sizeof(*in) - offsetof(struct pmemfile_inode, nlink));
	struct pmemfile_time now;
	pf_time_now(&now);
	inode_time_store(pfp, &in->mtime, now);
	inode_time_store(pfp, &in->ctime, now);
}

void dir_add(PMEMfilepool *pfp, struct vinode *dir, const char *name,
	     size_t len, uint64_t ino, unsigned type)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	uint64_t tag = dir_name_hash(name, len) >> 32;
	/* the hint line is written last: fetched now, the fences of the
	 * undo log below do not wait for it */
	if (hint_of(dir))
		__builtin_prefetch(
		    &dir->dhint[1 + htab_index(tag, d->htab_cap)], 1, 3);
	if (!dir->vdir) {
		dir->vdir = vdir_build(pfp, dir);
		if (!dir->vdir)
			pmemobj_tx_abort(ENOMEM);
	}
	dir_meta_add(pfp, dir);
	unsigned n =
	    (unsigned)(16 + len + PMEMFILE_DIR_SLOT - 1) / PMEMFILE_DIR_SLOT;
	uint64_t pos = find_room(pfp, dir, n);
	struct pmemfile_dirent *r = record_at(pfp, d, pos);
	tx_add(pfp, r, n * PMEMFILE_DIR_SLOT);
	r->ino = ino;
	r->nslots = (uint8_t)n;
	r->type = (uint8_t)type;
	r->namelen = (uint8_t)len;
	memcpy(r->name, name, len);
	csum_dirent_set(pfp, r);
	vdir_mark(dir->vdir, pos, n, true);
	htab_make_room(pfp, dir);
	size_t i = htab_insert(pfp, d, tag, pos);
	if (dir->dhint && dir->dhint[0] == d->htab)
		dir->dhint[1 + i] = hint_pack(tag, pos, ino);
	else if (dir->dhint)
		hint_drop(dir);
	d->nentries++;
}

int dir_place(PMEMfilepool *pfp, struct vinode *dir, const char *name,
	      size_t len, struct dir_place *pl)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	uint64_t load = d->nentries + d->ntomb + 1;
	/* a new table or block is allocated in a transaction (dir_add) */
	if (!d->htab || load * 2 > d->htab_cap || !d->nblocks ||
	    !pf_in_pool(pfp, d->htab, d->htab_cap * 8) ||
	    !pf_in_pool(pfp, d->btab, d->nblocks * 8))
		return -EAGAIN;
	if (!dir->vdir) {
		dir->vdir = vdir_build(pfp, dir);
		if (!dir->vdir)
			return -ENOMEM;
	}
	pl->tag = dir_name_hash(name, len) >> 32;
	pl->n = slots_for(len);
	pl->pos = room_in_blocks(dir->vdir, pl->n);
	ssize_t i = htab_free_entry(pfp, d, pl->tag);
	if (pl->pos == UINT64_MAX || i < 0)
		return -EAGAIN;
	uint64_t *tab = pf_ptr(pfp, d->htab);
	pl->entry = &tab[i];
	pl->record = record_at(pfp, d, pl->pos);
	if (hint_of(dir))
		__builtin_prefetch(&dir->dhint[1 + i], 1, 3);
	return 0;
}

void dir_placed(PMEMfilepool *pfp, struct vinode *dir,
		const struct dir_place *pl)
{
	vdir_mark(dir->vdir, pl->pos, pl->n, true);
	if (hint_of(dir)) {
		const uint64_t *tab = pf_ptr(pfp, dir->inode->dir.htab);
		dir->dhint[1 + (size_t)(pl->entry - tab)] =
		    hint_pack(pl->tag, pl->pos, pl->record->ino);
	}
}

/* The hint entry beside table entry e, NULL when the directory has none. */
static uint64_t *hint_entry_of(PMEMfilepool *pfp, struct vinode *dir,
			       const uint64_t *e)
{
	if (!hint_of(dir))
		return NULL;
	const uint64_t *tab = pf_ptr(pfp, dir->inode->dir.htab);
	return &dir->dhint[1 + (size_t)(e - tab)];
}

void dir_remove(PMEMfilepool *pfp, struct vinode *dir, uint64_t pos)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	struct pmemfile_dirent *r = record_at(pfp, d, pos);
	uint64_t *e =
	    htab_slot_of(pfp, d, dir_name_hash(r->name, r->namelen) >> 32, pos);
	if (!e)
		return;
	/*
	 * The hint follows the table (after an abort: the table walk). Its
	 * line is fetched now and written last, so that the fences of the
	 * undo log below do not wait for it.
	 */
	uint64_t *h = hint_entry_of(pfp, dir, e);
	if (h)
		__builtin_prefetch(h, 1, 3);
	dir_meta_add(pfp, dir);
	tx_add(pfp, e, 8);
	*e = HTAB_TOMB;
	d->ntomb++;
	d->nentries--;
	unsigned n = dir_record_slots(r, pos);
	tx_add(pfp, r, n * PMEMFILE_DIR_SLOT);
	memset(r, 0, n * PMEMFILE_DIR_SLOT);
	if (h)
		*h = 0;
	if (dir->vdir) {
		vdir_mark(dir->vdir, pos, n, false);
		vdir_candidate(dir->vdir, pos / PMEMFILE_DIR_SLOTS);
	}
}

void dir_retarget(PMEMfilepool *pfp, struct vinode *dir, uint64_t pos,
		  uint64_t ino, unsigned type)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	struct pmemfile_dirent *r = record_at(pfp, d, pos);
	dir_meta_add(pfp, dir);
	tx_add(pfp, r, 16);
	r->ino = ino;
	r->type = (uint8_t)type;
	csum_dirent_set(pfp, r);
	if (hint_of(dir)) {
		uint64_t tag = dir_name_hash(r->name, r->namelen) >> 32;
		uint64_t *e = htab_slot_of(pfp, d, tag, pos);
		if (e)
			*hint_entry_of(pfp, dir, e) = hint_pack(tag, pos, ino);
	}
}

struct pmemfile_dirent *dir_next(PMEMfilepool *pfp, struct vinode *dir,
				 uint64_t *pos)
{
	struct pmemfile_dir_info *d = &dir->inode->dir;
	for (uint64_t b = *pos / PMEMFILE_DIR_SLOTS; b < d->nblocks; b++) {
		uint64_t from = b == *pos / PMEMFILE_DIR_SLOTS
				    ? *pos % PMEMFILE_DIR_SLOTS
				    : 0;
		for (uint64_t s = 0; s < PMEMFILE_DIR_SLOTS;) {
			uint64_t p = b * PMEMFILE_DIR_SLOTS + s;
			struct pmemfile_dirent *r = record_at(pfp, d, p);
			if (r->ino == 0) {
				s++;
				continue;
			}
			if (s >= from) {
				*pos = p;
				return r;
			}
			s += skip_slots(r, s);
		}
	}
	return NULL;
}
