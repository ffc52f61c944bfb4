// SPDX-License-Identifier: BSD-3-Clause
/*
 * csum.c -- the checksums of the pool's metadata (layout.h, version 5).
 *
 * Each checksum starts from the structure's pool offset (its two halves
 * xor'ed), so that a structure copied to another place does not pass
 * there. Inodes and extent
 * blocks change by parts in many places: a transaction notes which ones it
 * changed (a short per-thread list) and stores their checksums when it
 * commits, from the callback libpmemobj calls before the commit
 * (TX_PARAM_CB, PF_TX_BEGIN), the checksum's range added to the
 * transaction like the rest; an abort rolls both back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crc32c.h"
#include "csum.h"
#include "dir.h"
#include "inode.h"
#include "validate.h"

uint32_t csum_super(const struct pmemfile_super *s)
{
	const char *b = (const char *)s;
	uint32_t c =
	    crc32c(0, b, offsetof(struct pmemfile_super, inode_arrays));
	c = crc32c(c, &s->created, sizeof(s->created));
	return crc32c(c, &s->array_map,
		      offsetof(struct pmemfile_super, csum) -
			  offsetof(struct pmemfile_super, array_map));
}

/*
 * The inode's bytes under its checksum: [start, end) pairs; the first
 * goes on over the size word when that is large (layout.h).
 */
static const size_t inode_covered[][2] = {
    {0, offsetof(struct pmemfile_inode, size_word)},
    {offsetof(struct pmemfile_inode, file),
     offsetof(struct pmemfile_inode, atime)},
    {offsetof(struct pmemfile_inode, rdev),
     offsetof(struct pmemfile_inode, orphan_prev)},
};
#define INODE_COVERED (sizeof(inode_covered) / sizeof(inode_covered[0]))
static const size_t inode_covered_large[][2] = {
    {0, offsetof(struct pmemfile_inode, mtime)},
    {offsetof(struct pmemfile_inode, file),
     offsetof(struct pmemfile_inode, atime)},
    {offsetof(struct pmemfile_inode, rdev),
     offsetof(struct pmemfile_inode, orphan_prev)},
};

static const size_t (*covered_of(const struct pmemfile_inode *in))[2]
{
	return size_word_large(in->size_word) ? inode_covered_large
					      : inode_covered;
}

static inline uint32_t seed(uint64_t off)
{
	return (uint32_t)off ^ (uint32_t)(off >> 32);
}

uint32_t csum_inode(uint64_t off, const struct pmemfile_inode *in)
{
	const char *b = (const char *)in;
	const size_t(*covered)[2] = covered_of(in);
	uint32_t c = seed(off);
	for (size_t i = 0; i < INODE_COVERED; i++)
		c = crc32c(c, b + covered[i][0], covered[i][1] - covered[i][0]);
	return c;
}

/*
 * The one changed byte of a structure (at base) that explains diff, the
 * checksum it keeps xor the one its bytes have: covered, its n ranges
 * under the checksum in the order the checksum takes them; keep, where
 * the structure keeps its checksum (4 bytes, a change there looked for
 * too), or SIZE_MAX when elsewhere. As csum_inode_locate.
 */
static int locate(uint32_t diff, const uint8_t *base,
		  const size_t (*covered)[2], size_t n, size_t keep, size_t *at,
		  uint8_t *was)
{
	size_t len = 0, pos = 0;
	uint8_t bits = 0;
	if (diff == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		len += covered[i][1] - covered[i][0];
	int found = crc32c_locate_byte(diff, len, &pos, &bits);
	if (found < 0)
		return -1;
	for (size_t i = 0; found && i < n; i++) {
		size_t part = covered[i][1] - covered[i][0];
		if (pos < part) {
			*at = covered[i][0] + pos;
			break;
		}
		pos -= part;
	}
	/* or a change of the checksum alone, in one of its bytes */
	for (unsigned k = 0; keep != SIZE_MAX && k < 4; k++) {
		if (diff & ~(0xffu << (8 * k)))
			continue;
		if (found++)
			return -1;
		*at = keep + k;
		bits = (uint8_t)(diff >> (8 * k));
	}
	if (found)
		*was = base[*at] ^ bits;
	return found;
}

int csum_super_locate(const struct pmemfile_super *s, size_t *at, uint8_t *was)
{
	static const size_t covered[][2] = {
	    {0, offsetof(struct pmemfile_super, inode_arrays)},
	    {offsetof(struct pmemfile_super, created),
	     offsetof(struct pmemfile_super, created) +
		 sizeof(struct pmemfile_time)},
	    {offsetof(struct pmemfile_super, array_map),
	     offsetof(struct pmemfile_super, csum)}};
	return locate(s->csum ^ csum_super(s), (const uint8_t *)s, covered, 3,
		      offsetof(struct pmemfile_super, csum), at, was);
}

int csum_inode_locate(uint64_t off, const struct pmemfile_inode *in, size_t *at,
		      uint8_t *was)
{
	return locate(in->csum ^ csum_inode(off, in), (const uint8_t *)in,
		      covered_of(in), INODE_COVERED,
		      offsetof(struct pmemfile_inode, csum), at, was);
}

int csum_eblock_locate(uint64_t off, const struct pmemfile_extent_block *blk,
		       size_t *at, uint8_t *was)
{
	static const size_t covered[][2] = {
	    {0, sizeof(blk->next)},
	    {offsetof(struct pmemfile_extent_block, pad),
	     sizeof(struct pmemfile_extent_block)}};
	return locate(blk->csum ^ csum_eblock(off, blk), (const uint8_t *)blk,
		      covered, 2, offsetof(struct pmemfile_extent_block, csum),
		      at, was);
}

int csum_dirent_locate(uint64_t off, const struct pmemfile_dirent *r,
		       size_t *at, uint8_t *was)
{
	uint64_t room = PMEMFILE_DIR_BLOCK_SIZE - off % PMEMFILE_DIR_BLOCK_SIZE;
	room = room > 16 ? room - 16 : 0;
	const size_t covered[][2] = {
	    {0, offsetof(struct pmemfile_dirent, csum)},
	    {16, 16 + (r->namelen < room ? r->namelen : room)}};
	const size_t len_at = offsetof(struct pmemfile_dirent, namelen);
	int found =
	    locate(r->csum ^ csum_dirent(off, r), (const uint8_t *)r, covered,
		   2, offsetof(struct pmemfile_dirent, csum), at, was);
	if (found < 0)
		return -1;
	/* a changed length changes what the checksum covers: each other
	 * length tried on a copy */
	char copy[PMEMFILE_DIR_BLOCK_SIZE];
	struct pmemfile_dirent *c = (void *)copy;
	memcpy(copy, r, 16 + room);
	for (unsigned len = 1; len <= PMEMFILE_NAME_MAX; len++) {
		if (len == r->namelen)
			continue;
		c->namelen = (uint8_t)len;
		if (csum_dirent(off, c) != r->csum)
			continue;
		if (found++)
			return -1;
		*at = len_at;
		*was = (uint8_t)len;
	}
	return found;
}

int csum_symlink_locate(uint64_t off, const char *target, uint64_t len,
			uint32_t want, size_t *at, uint8_t *was)
{
	const size_t covered[][2] = {{0, len}};
	return locate(want ^ csum_symlink(off, target, len),
		      (const uint8_t *)target, covered, 1, SIZE_MAX, at, was);
}

uint32_t csum_eblock(uint64_t off, const struct pmemfile_extent_block *blk)
{
	uint32_t c = crc32c(seed(off), &blk->next, sizeof(blk->next));
	return crc32c(c, &blk->pad,
		      sizeof(*blk) -
			  offsetof(struct pmemfile_extent_block, pad));
}

uint32_t csum_dirent(uint64_t off, const struct pmemfile_dirent *r)
{
	uint64_t room = PMEMFILE_DIR_BLOCK_SIZE - off % PMEMFILE_DIR_BLOCK_SIZE;
	room = room > 16 ? room - 16 : 0;
	uint32_t c =
	    crc32c(seed(off), r, offsetof(struct pmemfile_dirent, csum));
	return crc32c(c, r->name, r->namelen < room ? r->namelen : room);
}

uint32_t csum_symlink(uint64_t off, const char *target, uint64_t len)
{
	return crc32c(seed(off), target, len);
}

/*
 * The structures the current transaction of this thread changed: inode
 * offsets, and extent block offsets | EBLOCK; | IN_TX when the range of
 * the checksum was added to the transaction already (a snapshot of its
 * own costs a create a sixth more instructions). Kept between
 * transactions (emptied at their end), grown as a transaction needs.
 */
#define EBLOCK 1u
#define IN_TX 2u
#define TAGS (EBLOCK | IN_TX)
static __thread struct {
	uint64_t *off;
	size_t n, cap;
} changed __attribute__((tls_model("initial-exec")));

static void changed_add(uint64_t tagged)
{
	for (size_t i = 0; i < changed.n; i++) {
		if ((changed.off[i] & ~(uint64_t)IN_TX) ==
		    (tagged & ~(uint64_t)IN_TX)) {
			changed.off[i] |= tagged & IN_TX;
			return;
		}
	}
	if (changed.n == changed.cap) {
		size_t cap = changed.cap ? changed.cap * 2 : 16;
		uint64_t *o = realloc(changed.off, cap * sizeof(*o));
		if (!o)
			pmemobj_tx_abort(ENOMEM);
		changed.off = o;
		changed.cap = cap;
	}
	changed.off[changed.n++] = tagged;
}

void csum_tx_note(PMEMfilepool *pfp, const void *p, size_t len)
{
	uint64_t off = pf_off(pfp, p);
	uint64_t ino = inode_containing(pfp, off);
	if (!ino)
		return;
	/* ranges of the uncovered fields alone change no checksum; the
	 * size word may be covered (large) before or after the change */
	uint64_t rel = off - ino;
	uint64_t at = offsetof(struct pmemfile_inode, csum);
	uint64_t in_tx = rel <= at && rel + len >= at + 4 ? IN_TX : 0;
	for (size_t i = 0; i < INODE_COVERED; i++) {
		if (rel < inode_covered_large[i][1] &&
		    rel + len > inode_covered_large[i][0]) {
			changed_add(ino | in_tx);
			return;
		}
	}
}

void csum_tx_eblock(PMEMfilepool *pfp, uint64_t off)
{
	if (pfp->csums)
		changed_add(off | EBLOCK);
}

/* The entry of the table of checked extent blocks that off may hold. */
static _Atomic(uint64_t) *seen_of(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t h = (off >> 12) * 0x9E3779B97F4A7C15ULL;
	return &pfp->csum_seen[h >> (64 - CSUM_SEEN_BITS)];
}

void csum_tx_eblock_freed(PMEMfilepool *pfp, uint64_t off)
{
	/* its place may hold anything next: checked again if named again */
	uint64_t was = off;
	atomic_compare_exchange_strong(seen_of(pfp, off), &was, 0);
	for (size_t i = 0; i < changed.n; i++)
		if ((changed.off[i] & ~(uint64_t)IN_TX) == (off | EBLOCK))
			changed.off[i] = changed.off[--changed.n];
}

/* Before the commit: the checksums of what the transaction changed. */
static void changed_store(PMEMfilepool *pfp)
{
	for (size_t i = 0; i < changed.n; i++) {
		uint64_t off = changed.off[i] & ~(uint64_t)TAGS;
		if (changed.off[i] & EBLOCK) {
			struct pmemfile_extent_block *b = pf_ptr(pfp, off);
			tx_add(pfp, &b->csum, sizeof(b->csum));
			b->csum = csum_eblock(off, b);
			continue;
		}
		struct pmemfile_inode *in = pf_ptr(pfp, off);
		/* a slot freed by the transaction has nothing to check */
		if (in->mode == 0)
			continue;
		if (!(changed.off[i] & IN_TX))
			tx_add(pfp, &in->csum, sizeof(in->csum));
		in->csum = csum_inode(off, in);
	}
	changed.n = 0;
}

void csum_tx_stage(PMEMobjpool *pop, enum pobj_tx_stage stage, void *arg)
{
	(void)pop;
	if (stage == TX_STAGE_WORK)
		changed_store(arg);
	else
		changed.n = 0;
}

void csum_dirent_set(PMEMfilepool *pfp, struct pmemfile_dirent *r)
{
	r->csum = csum_dirent(pf_off(pfp, r), r);
}

int csum_inode_check(PMEMfilepool *pfp, uint64_t off)
{
	const struct pmemfile_inode *in = pf_ptr(pfp, off);
	if (pfp->csums && in->csum != csum_inode(off, in))
		return pf_damaged(pfp, off, "checksum of the inode");
	const char *bad = pfp->words ? inode_words_bad(off, in) : NULL;
	if (!bad)
		return 0;
	char what[64];
	snprintf(what, sizeof(what), "check of its %s", bad);
	return pf_damaged(pfp, off, what);
}

int csum_eblock_check(PMEMfilepool *pfp, uint64_t ino, uint64_t off)
{
	if (!pfp->csums)
		return 0;
	_Atomic(uint64_t) *seen = seen_of(pfp, off);
	if (atomic_load_explicit(seen, memory_order_relaxed) == off)
		return 0;
	const struct pmemfile_extent_block *b = pf_ptr(pfp, off);
	if (b->csum != csum_eblock(off, b)) {
		pf_set_errormsg("damaged pool: inode 0x%llx: checksum of the "
				"extent block at 0x%llx",
				(unsigned long long)ino,
				(unsigned long long)off);
		return -EIO;
	}
	atomic_store_explicit(seen, off, memory_order_relaxed);
	return 0;
}

int csum_dirent_check(PMEMfilepool *pfp, uint64_t dir, uint64_t off)
{
	const struct pmemfile_dirent *r = pf_ptr(pfp, off);
	if (!pfp->csums || r->csum == csum_dirent(off, r))
		return 0;
	pf_set_errormsg("damaged pool: directory 0x%llx: checksum of the "
			"record at 0x%llx",
			(unsigned long long)dir, (unsigned long long)off);
	return -EIO;
}

struct upgrade_counts {
	uint64_t inodes, eblocks, records;
};

static void persist_csum(PMEMfilepool *pfp, uint32_t *p, uint32_t v)
{
	*p = v;
	pmemobj_persist(pfp->pop, p, sizeof(*p));
}

/* The blocks of a file whose bounds inode_validate checked. */
static void upgrade_file(PMEMfilepool *pfp, struct pmemfile_inode *in,
			 struct upgrade_counts *n)
{
	uint64_t x = in->file.nextents;
	uint64_t blocks = x > PMEMFILE_INLINE_EXTENTS
			      ? (x - PMEMFILE_INLINE_EXTENTS +
				 PMEMFILE_EXTENTS_PER_BLOCK - 1) /
				    PMEMFILE_EXTENTS_PER_BLOCK
			      : 0;
	uint64_t b = in->file.blocks;
	for (uint64_t k = 0; k < blocks; k++, n->eblocks++) {
		struct pmemfile_extent_block *blk = pf_ptr(pfp, b);
		persist_csum(pfp, &blk->csum, csum_eblock(b, blk));
		b = blk->next;
	}
}

/* The records of a directory whose block table inode_validate checked. */
static void upgrade_dir(PMEMfilepool *pfp, struct pmemfile_inode *in,
			struct upgrade_counts *n)
{
	const uint64_t *btab = pf_ptr(pfp, in->dir.btab);
	for (uint64_t b = 0; b < in->dir.nblocks; b++) {
		char *blk = pf_ptr(pfp, btab[b]);
		for (uint64_t s = 0; s < PMEMFILE_DIR_SLOTS;) {
			struct pmemfile_dirent *r =
			    (void *)(blk + s * PMEMFILE_DIR_SLOT);
			if (r->ino == 0) {
				s++;
				continue;
			}
			persist_csum(pfp, &r->csum,
				     csum_dirent(pf_off(pfp, r), r));
			n->records++;
			s += dir_record_slots(r, b * PMEMFILE_DIR_SLOTS + s);
		}
	}
}

/* A long symlink's target, whose bounds inode_validate checked. */
static void upgrade_symlink(PMEMfilepool *pfp, struct pmemfile_inode *in,
			    uint64_t size)
{
	uint64_t t = *(uint64_t *)in->target;
	csum_symlink_put(in, csum_symlink(t, pf_ptr(pfp, t), size + 1));
	pmemobj_persist(pfp->pop, in->target + 8, sizeof(uint32_t));
}

/* Every inode in use of the array at off. */
static void upgrade_array(PMEMfilepool *pfp, uint64_t off,
			  struct upgrade_counts *n)
{
	struct pmemfile_inode_array *a = pf_ptr(pfp, off);
	for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
		struct pmemfile_inode *in = &a->inodes[i];
		uint64_t ino = pf_off(pfp, in);
		/* damage found here is left to fail its checks later */
		if (in->mode == 0 || inode_validate(pfp, ino))
			continue;
		if (S_ISREG(in->mode))
			upgrade_file(pfp, in, n);
		else if (S_ISDIR(in->mode))
			upgrade_dir(pfp, in, n);
		else if (S_ISLNK(in->mode) &&
			 inode_size_any(ino, in, 4) >= PMEMFILE_SYMLINK_INLINE)
			upgrade_symlink(pfp, in, inode_size_any(ino, in, 4));
		persist_csum(pfp, &in->csum, csum_inode(ino, in));
		n->inodes++;
	}
}

/*
 * Whether the inode array at off, the k-th of the chain, is no array or
 * one past the most the pool can hold (a loop): then says so.
 */
static bool array_chain_damaged(PMEMfilepool *pfp, uint64_t off, uint64_t k,
				uint64_t max)
{
	if (inode_array_valid(pfp, off) && k < max)
		return false;
	pf_set_errormsg("damaged pool: inode array 0x%llx not in the map or "
			"in a loop",
			(unsigned long long)off);
	return true;
}

int csum_upgrade(PMEMfilepool *pfp, const char *path)
{
	struct pmemfile_super *s = pfp->super;
	if (s->version >= 5) {
		pfp->csums = true;
		return 0;
	}
	uint64_t from = s->version;
	struct upgrade_counts n = {0, 0, 0};
	uint64_t max = pfp->pool_size / PMEMFILE_INODE_ARRAY_SIZE, k = 0;
	for (uint64_t off = s->inode_arrays; off; k++) {
		if (array_chain_damaged(pfp, off, k, max))
			return -EIO;
		upgrade_array(pfp, off, &n);
		off = ((struct pmemfile_inode_array *)pf_ptr(pfp, off))->next;
	}
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		tx_add(pfp, s, offsetof(struct pmemfile_super, alloc_lock));
		s->version = 5;
		s->csum = csum_super(s);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err)
		return -err;
	pfp->csums = true;
	fprintf(stderr,
		"pmemfile: %s: pool layout upgraded from version %llu to 5 "
		"(checksums of %llu inodes, %llu extent blocks, %llu "
		"directory records)\n",
		path, (unsigned long long)from, (unsigned long long)n.inodes,
		(unsigned long long)n.eblocks, (unsigned long long)n.records);
	return 0;
}

/*
 * The inode at ino (of a pool of layout 5) given the checks of its size
 * and times, and the mark moved past it, in one transaction. Its checksum
 * is stored again when its size is large, then under it, and only if it
 * held before: damage stays found.
 */
static int words_upgrade_inode(PMEMfilepool *pfp, uint64_t ino)
{
	struct pmemfile_super *s = pfp->super;
	struct pmemfile_inode *in = pf_ptr(pfp, ino);
	struct pmemfile_time t[3];
	struct pmemfile_itime *w[3] = {&in->mtime, &in->ctime, &in->atime};
	for (int i = 0; i < 3; i++)
		t[i] = (struct pmemfile_time){(int64_t)w[i]->sec_word,
					      (int64_t)w[i]->nsec_word};
	uint64_t size = in->size_word;
	bool sealed = in->csum == csum_inode(ino, in);
	volatile int err = 0;
	/* not PF_TX_BEGIN: the checksum is this function's to store */
	TX_BEGIN(pfp->pop)
	{
		pmemobj_tx_add_range_direct(
		    &in->size_word,
		    offsetof(struct pmemfile_inode, dir) -
			offsetof(struct pmemfile_inode, size_word));
		pmemobj_tx_add_range_direct(&in->atime, sizeof(in->atime));
		pmemobj_tx_add_range_direct(&in->csum, sizeof(in->csum));
		pmemobj_tx_add_range_direct(&s->words_upgraded,
					    sizeof(s->words_upgraded));
		inode_size_store(pfp, in, size);
		for (int i = 0; i < 3; i++)
			inode_time_store(pfp, w[i], t[i]);
		if (sealed)
			in->csum = csum_inode(ino, in);
		s->words_upgraded = ino;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	return -err;
}

/* The last step of words_upgrade: the version, the mark cleared. */
static int words_upgrade_done(PMEMfilepool *pfp)
{
	struct pmemfile_super *s = pfp->super;
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		tx_add(pfp, s, offsetof(struct pmemfile_super, alloc_lock));
		tx_add(pfp, &s->words_upgraded, sizeof(s->words_upgraded));
		s->version = 6;
		s->words_upgraded = 0;
		s->csum = csum_super(s);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	return -err;
}

int words_upgrade(PMEMfilepool *pfp, const char *path)
{
	struct pmemfile_super *s = pfp->super;
	if (s->version >= 6) {
		pfp->words = true;
		return 0;
	}
	uint64_t mark = s->words_upgraded, n = 0;
	bool past = mark == 0;
	uint64_t max = pfp->pool_size / PMEMFILE_INODE_ARRAY_SIZE, k = 0;
	for (uint64_t off = s->inode_arrays; off; k++) {
		if (array_chain_damaged(pfp, off, k, max))
			return -EIO;
		struct pmemfile_inode_array *a = pf_ptr(pfp, off);
		for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			uint64_t ino = pf_off(pfp, &a->inodes[i]);
			if (a->inodes[i].mode == 0)
				continue;
			if (!past) {
				past = ino == mark;
				continue;
			}
			int r = words_upgrade_inode(pfp, ino);
			if (r)
				return r;
			n++;
		}
		off = a->next;
	}
	if (!past) {
		pf_set_errormsg("damaged pool: the upgrade to layout 6 stopped "
				"at 0x%llx, which is not an inode",
				(unsigned long long)mark);
		return -EIO;
	}
	int r = words_upgrade_done(pfp);
	if (r)
		return r;
	pfp->words = true;
	fprintf(stderr,
		"pmemfile: %s: pool layout upgraded from version 5 to 6 "
		"(checks of the size and times of %llu inodes)\n",
		path, (unsigned long long)n);
	return 0;
}
