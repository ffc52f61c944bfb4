// SPDX-License-Identifier: BSD-3-Clause
/*
 * damage.c -- a helper of the repair tests: damages a closed pmemfile pool
 * at one known place through libpmemobj, in a transaction, as a bug of the
 * library or a lost store would:
 *
 *   damage POOL nlink INO          the inode's link count one too many
 *   damage POOL free-record DIR NAME
 *                                  the record NAME of directory DIR names
 *                                  a free inode slot
 *   damage POOL unname DIR NAME    the record NAME removed (as an unlink
 *                                  would, its inode left as it is)
 *   damage POOL leak               a 4 KiB object that nothing owns
 *   damage POOL htab DIR           directory DIR's hash table zeroed
 *   damage POOL htab-lost DIR      directory DIR's hash table pointer sent
 *                                  8 bytes into its table
 *   damage POOL orphan DIR NAME    the inode named NAME made an orphan (as
 *                                  an unlink while open, then a crash)
 *   damage POOL orphan-link DIR NAME
 *                                  the same, the orphan's back link wrong
 *   damage POOL free-list          the list of arrays with a free slot
 *                                  emptied
 *   damage POOL extent INO         the file's first extent sent 64 bytes
 *                                  past the start of its data object
 *   damage POOL array-map          the array map zeroed
 *   damage POOL chain-link         bit 40 of the link from the first inode
 *                                  array of the chain to the next flipped
 *   damage POOL chain-end          the same for the last array's link (0)
 *   damage POOL flip-root          bit 40 of the superblock's root flipped,
 *                                  its checksum left
 *   damage POOL show-ntomb DIR     prints the tombstones of DIR's table
 *   damage POOL flip-gid INO       a bit of the inode's group flipped, its
 *                                  checksum left (a flipped bit, no bug)
 *   damage POOL flip-owner INO     a bit of the inode's owner and one of
 *                                  its group flipped, its checksum left
 *   damage POOL flip-gid-nlink INO the inode's link count one too many and
 *                                  a bit of its group flipped, its
 *                                  checksum left
 *   damage POOL flip-mode-gid INO  the inode made a FIFO (two bits of its
 *                                  mode) and a bit of its group flipped,
 *                                  its checksum left
 *   damage POOL flip-type DIR NAME a bit of the record's type flipped, its
 *                                  checksum left
 *   damage POOL type DIR NAME      the record's type wrong (bit 0 flipped)
 *   damage POOL flip-name DIR NAME bit 2 of the first byte of the record's
 *                                  name flipped, its checksum left
 *   damage POOL flip-namelen DIR NAME
 *                                  bit 6 of the record's name length
 *                                  flipped, its checksum left
 *   damage POOL flip-nextents INO  bit 40 of the file's extent count
 *                                  flipped, its checksum left
 *   damage POOL flip-extent INO    bit 40 of the file's first extent's data
 *                                  offset flipped, its checksum left
 *   damage POOL nextents INO       bit 40 of the file's extent count set
 *                                  (a count its blocks cannot hold)
 *   damage POOL wild-extent INO    bit 40 of the file's first extent's data
 *                                  offset flipped (aligned, no object)
 *   damage POOL flip-eblock INO    bit 40 of the data offset of the first
 *                                  extent in the file's first extent
 *                                  block flipped, its checksum left
 *   damage POOL flip-target INO    bit 0 of the first byte of a long
 *                                  symlink's target flipped, its checksum
 *                                  left
 *   damage POOL dir-block DIR K    entry K of directory DIR's block table
 *                                  sent 195 bytes into the block
 *
 * INO and DIR are inode numbers (pmemfile stat's "inode:"), which are
 * the inodes' offsets in the pool. In a pool of layout 5 the checksums of
 * the inodes and records it changed are stored again, as the library
 * stores them in the transaction of any change: the damage is in what the
 * structures say (a bug), not in their bytes. The checksums are made as
 * layout.h describes them (tests/pmemfile/csum_model.h).
 */
#include <errno.h>
#include <libpmemobj.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmemfile/layout.h"
#include "tests/pmemfile/csum_model.h"

static PMEMobjpool *pop;
static struct pmemfile_super *super;

static void *at(uint64_t off)
{
	return (char *)pop + off;
}

static void set64(uint64_t *p, uint64_t v)
{
	pmemobj_tx_add_range_direct(p, sizeof(*p));
	*p = v;
}

static struct pmemfile_inode *inode(const char *ino)
{
	return at(strtoull(ino, NULL, 0));
}

/* The record of dir named name, and its slot position; exits if none. */
static struct pmemfile_dirent *record(struct pmemfile_inode *dir,
				      const char *name, uint64_t *pos)
{
	const uint64_t *btab = at(dir->dir.btab);
	for (uint64_t b = 0; b < dir->dir.nblocks; b++) {
		char *blk = at(btab[b]);
		for (unsigned s = 0; s < PMEMFILE_DIR_SLOTS;) {
			struct pmemfile_dirent *r =
			    (void *)(blk + s * PMEMFILE_DIR_SLOT);
			if (r->ino == 0) {
				s++;
				continue;
			}
			if (r->namelen == strlen(name) &&
			    memcmp(r->name, name, r->namelen) == 0) {
				*pos = b * PMEMFILE_DIR_SLOTS + s;
				return r;
			}
			s += r->nslots;
		}
	}
	fprintf(stderr, "damage: no record '%s'\n", name);
	exit(1);
}

/* In a transaction: the record removed, its table entry a tombstone. */
static uint64_t unname(struct pmemfile_inode *dir, const char *name)
{
	uint64_t pos;
	struct pmemfile_dirent *r = record(dir, name, &pos);
	uint64_t ino = r->ino;
	uint64_t *tab = at(dir->dir.htab);
	for (uint64_t i = 0; i < dir->dir.htab_cap; i++)
		if (tab[i] != UINT64_MAX && (tab[i] & 0xffffffff) == pos + 1)
			set64(&tab[i], UINT64_MAX);
	pmemobj_tx_add_range_direct(r, r->nslots * PMEMFILE_DIR_SLOT);
	memset(r, 0, r->nslots * PMEMFILE_DIR_SLOT);
	set64(&dir->dir.nentries, dir->dir.nentries - 1);
	set64(&dir->dir.ntomb, dir->dir.ntomb + 1);
	return ino;
}

/* A free inode slot of an array of the chain. */
static uint64_t free_slot(void)
{
	for (uint64_t a = super->inode_arrays; a;) {
		struct pmemfile_inode_array *arr = at(a);
		for (size_t i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++)
			if (arr->inodes[i].mode == 0)
				return a + offsetof(struct pmemfile_inode_array,
						    inodes[i]);
		a = arr->next;
	}
	fprintf(stderr, "damage: no free inode slot\n");
	exit(1);
}

static int damage(int argc, char *argv[])
{
	const char *what = argv[2];
	if (!strcmp(what, "flip-gid") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		pmemobj_tx_add_range_direct(&in->gid, sizeof(in->gid));
		in->gid ^= 1;
		return 3;
	} else if (!strcmp(what, "flip-owner") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		pmemobj_tx_add_range_direct(&in->uid, 8);
		in->uid ^= 1;
		in->gid ^= 1;
		return 3;
	} else if (!strcmp(what, "flip-gid-nlink") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		pmemobj_tx_add_range_direct(&in->gid, sizeof(in->gid));
		in->gid ^= 1;
		set64(&in->nlink, in->nlink + 1);
		return 3;
	} else if (!strcmp(what, "flip-mode-gid") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		pmemobj_tx_add_range_direct(in, 16);
		in->mode ^= 0100000 ^ 0010000;
		in->gid ^= 1;
		return 3;
	} else if (!strcmp(what, "flip-type") && argc == 5) {
		uint64_t pos;
		struct pmemfile_dirent *r =
		    record(inode(argv[3]), argv[4], &pos);
		pmemobj_tx_add_range_direct(&r->type, 1);
		r->type ^= 1;
		return 3;
	} else if (!strcmp(what, "type") && argc == 5) {
		uint64_t pos;
		struct pmemfile_dirent *r =
		    record(inode(argv[3]), argv[4], &pos);
		pmemobj_tx_add_range_direct(&r->type, 1);
		r->type ^= 1;
	} else if (!strcmp(what, "flip-name") && argc == 5) {
		uint64_t pos;
		struct pmemfile_dirent *r =
		    record(inode(argv[3]), argv[4], &pos);
		pmemobj_tx_add_range_direct(r->name, 1);
		r->name[0] ^= 4;
		return 3;
	} else if (!strcmp(what, "flip-namelen") && argc == 5) {
		uint64_t pos;
		struct pmemfile_dirent *r =
		    record(inode(argv[3]), argv[4], &pos);
		pmemobj_tx_add_range_direct(&r->namelen, 1);
		r->namelen ^= 64;
		return 3;
	} else if (!strcmp(what, "flip-nextents") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		set64(&in->file.nextents, in->file.nextents ^ 1ULL << 40);
		return 3;
	} else if (!strcmp(what, "flip-extent") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		set64(&in->file.e[0].data, in->file.e[0].data ^ 1ULL << 40);
		return 3;
	} else if (!strcmp(what, "wild-extent") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		set64(&in->file.e[0].data, in->file.e[0].data ^ 1ULL << 40);
	} else if (!strcmp(what, "nextents") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		set64(&in->file.nextents, in->file.nextents | 1ULL << 40);
	} else if (!strcmp(what, "flip-eblock") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		if (!in->file.blocks)
			return 1;
		struct pmemfile_extent_block *blk = at(in->file.blocks);
		set64(&blk->e[0].data, blk->e[0].data ^ 1ULL << 40);
		return 3;
	} else if (!strcmp(what, "flip-target") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		uint64_t t;
		if (model_size(in->size_word) < PMEMFILE_SYMLINK_INLINE)
			return 1;
		memcpy(&t, in->target, sizeof(t));
		pmemobj_tx_add_range_direct(at(t), 1);
		*(char *)at(t) ^= 1;
		return 3;
	} else if (!strcmp(what, "dir-block") && argc == 5) {
		struct pmemfile_inode *dir = inode(argv[3]);
		uint64_t k = strtoull(argv[4], NULL, 0);
		if (k >= dir->dir.nblocks)
			return 1;
		uint64_t *btab = at(dir->dir.btab);
		set64(&btab[k], btab[k] + 195);
	} else if (!strcmp(what, "nlink") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		set64(&in->nlink, in->nlink + 1);
	} else if (!strcmp(what, "free-record") && argc == 5) {
		uint64_t pos;
		struct pmemfile_dirent *r =
		    record(inode(argv[3]), argv[4], &pos);
		set64(&r->ino, free_slot());
	} else if (!strcmp(what, "unname") && argc == 5) {
		unname(inode(argv[3]), argv[4]);
	} else if (!strcmp(what, "leak") && argc == 3) {
		if (OID_IS_NULL(pmemobj_tx_zalloc(4096, PMEMFILE_T_SYMLINK)))
			return 1;
	} else if (!strcmp(what, "htab") && argc == 4) {
		struct pmemfile_inode *dir = inode(argv[3]);
		uint64_t *tab = at(dir->dir.htab);
		pmemobj_tx_add_range_direct(tab, dir->dir.htab_cap * 8);
		memset(tab, 0, dir->dir.htab_cap * 8);
	} else if (!strcmp(what, "htab-lost") && argc == 4) {
		struct pmemfile_inode *dir = inode(argv[3]);
		set64(&dir->dir.htab, dir->dir.htab + 8);
	} else if ((!strcmp(what, "orphan") || !strcmp(what, "orphan-link")) &&
		   argc == 5) {
		uint64_t ino = unname(inode(argv[3]), argv[4]);
		struct pmemfile_inode *in = at(ino);
		set64(&in->nlink, 0);
		set64(&in->orphan_prev, 0);
		set64(&in->orphan_next, super->orphans);
		if (super->orphans)
			set64(&((struct pmemfile_inode *)at(super->orphans))
				   ->orphan_prev,
			      ino);
		set64(&super->orphans, ino);
		if (!strcmp(what, "orphan-link"))
			set64(&in->orphan_prev, strtoull(argv[3], NULL, 0));
	} else if (!strcmp(what, "extent") && argc == 4) {
		struct pmemfile_inode *in = inode(argv[3]);
		set64(&in->file.e[0].data, in->file.e[0].data + 64);
	} else if (!strcmp(what, "chain-link") && argc == 3) {
		struct pmemfile_inode_array *head = at(super->inode_arrays);
		if (!head->next)
			return 1;
		set64(&head->next, head->next ^ 1ULL << 40);
		return 3; /* under no checksum; the chain is cut for sealing */
	} else if (!strcmp(what, "flip-root") && argc == 3) {
		set64(&super->root, super->root ^ 1ULL << 40);
		return 3;
	} else if (!strcmp(what, "chain-end") && argc == 3) {
		struct pmemfile_inode_array *last = at(super->inode_arrays);
		while (last->next)
			last = at(last->next);
		set64(&last->next, 1ULL << 40);
		return 3; /* under no checksum; the chain is cut for sealing */
	} else if (!strcmp(what, "array-map") && argc == 3) {
		size_t bytes = (super->array_map_pages + 63) / 64 * 8;
		pmemobj_tx_add_range_direct(at(super->array_map), bytes);
		memset(at(super->array_map), 0, bytes);
	} else if (!strcmp(what, "show-ntomb") && argc == 4) {
		printf("%lu\n", (unsigned long)inode(argv[3])->dir.ntomb);
	} else if (!strcmp(what, "free-list") && argc == 3) {
		for (uint64_t a = super->inode_arrays; a;) {
			struct pmemfile_inode_array *arr = at(a);
			set64(&arr->free_prev, 0);
			set64(&arr->free_next, 0);
			a = arr->next;
		}
		set64(&super->free_arrays, 0);
	} else {
		return 2;
	}
	return 0;
}

static void seal32(uint32_t *p, uint32_t v)
{
	if (*p == v)
		return;
	pmemobj_tx_add_range_direct(p, sizeof(*p));
	*p = v;
}

/* The records of directory in, sealed. */
static void seal_records(const struct pmemfile_inode *in)
{
	const uint64_t *btab = at(in->dir.btab);
	for (uint64_t b = 0; in->dir.btab && b < in->dir.nblocks; b++) {
		char *blk = at(btab[b]);
		for (unsigned s = 0; s < PMEMFILE_DIR_SLOTS;) {
			struct pmemfile_dirent *r =
			    (void *)(blk + s * PMEMFILE_DIR_SLOT);
			if (r->ino == 0 || r->nslots == 0) {
				s++;
				continue;
			}
			seal32(&r->csum,
			       csum_model_record(
				   (uint64_t)((char *)r - (char *)pop), r));
			s += r->nslots;
		}
	}
}

/* Every inode in use and every record of the pool, sealed (the pool was
 * sound before the damage: only what it changed is sealed anew). */
static void seal_all(void)
{
	uint64_t n = 0;
	for (uint64_t a = super->inode_arrays; a && n++ < super->ninode_arrays;
	     a = ((struct pmemfile_inode_array *)at(a))->next) {
		struct pmemfile_inode_array *arr = at(a);
		for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			struct pmemfile_inode *in = &arr->inodes[i];
			if (in->mode == 0)
				continue;
			seal32(&in->csum,
			       csum_model_inode(
				   (uint64_t)((char *)in - (char *)pop), in));
			if ((in->mode & 0170000) == 0040000)
				seal_records(in);
		}
	}
}

int main(int argc, char *argv[])
{
	if (argc < 3) {
		fprintf(stderr, "usage: damage POOL WHAT [ARGS]\n");
		return 2;
	}
	pop = pmemobj_open(argv[1], PMEMFILE_LAYOUT_NAME);
	if (!pop) {
		fprintf(stderr, "pmemobj_open %s: %s\n", argv[1],
			pmemobj_errormsg());
		return 1;
	}
	super = pmemobj_direct(pmemobj_root(pop, sizeof(*super)));
	volatile int ret = 0;
	TX_BEGIN(pop)
	{
		ret = damage(argc, argv);
		if (ret == 3)
			ret = 0; /* the bytes changed, their checksum not */
		else if (ret)
			pmemobj_tx_abort(EINVAL);
		else if (super->version >= 5)
			seal_all();
	}
	TX_END
	pmemobj_close(pop);
	if (ret == 2)
		fprintf(stderr, "damage: unknown damage '%s'\n", argv[2]);
	return ret;
}
