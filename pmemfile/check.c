// SPDX-License-Identifier: BSD-3-Clause
/*
 * check.c -- the consistency checker.
 *
 * Objects of the headerless (4 KiB-aligned) allocation classes are listed
 * by the allocator with type 0; their owner says what they are.
 *
 * Every offset read from the pool is followed only if it is the start of
 * an object the allocator knows (or an inode slot inside a known inode
 * array), so a damaged pool is reported, not crashed on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "check_found.h"
#include "csum.h"
#include "dir.h"
#include "internal.h"
#include "objcheck.h"
#include "jmode.h"

/* An inode array of the chain, and whether the free list holds it. */
struct carray {
	uint64_t off;
	bool listed;
};

struct checker {
	PMEMobjpool *pop;
	char *base;
	FILE *out;
	unsigned problems;
	struct cobj *objs;
	size_t nobjs, objs_cap;
	struct cino *inos;
	size_t ninos, inos_cap;
	struct carray *arrays;
	size_t narrays, arrays_cap;
	uint64_t *queue;
	size_t qhead, qlen, qcap;
	/* for the repair; the caller's, or one that is dropped */
	struct check_found *found;
	bool csums; /* layout 5: the checksums are checked */
	bool words; /* layout 6: the checks of the sizes and times too */
	uint64_t version;
};

__attribute__((format(printf, 2, 3))) static void problem(struct checker *c,
							  const char *fmt, ...)
{
	c->problems++;
	va_list ap;
	va_start(ap, fmt);
	report_line(c->out, fmt, ap);
	va_end(ap);
}

void report_line(FILE *out, const char *fmt, va_list ap)
{
	if (!out)
		return;
	vfprintf(out, fmt, ap);
	fputc('\n', out);
}

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 1024;
	void *q = realloc(*p, nc * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = nc;
	return 0;
}

static int cmp_obj(const void *a, const void *b)
{
	const struct cobj *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int cmp_ino(const void *a, const void *b)
{
	const struct cino *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int collect_objects(struct checker *c)
{
	PMEMoid oid;
	uint64_t root = pmemobj_root(c->pop, sizeof(struct pmemfile_super)).off;
	POBJ_FOREACH(c->pop, oid)
	{
		unsigned t = (unsigned)pmemobj_type_num(oid);
		if (oid.off == root)
			continue;
		if (grow((void **)&c->objs, &c->objs_cap, c->nobjs,
			 sizeof(*c->objs)))
			return -ENOMEM;
		c->objs[c->nobjs++] = (struct cobj){
		    oid.off, pmemobj_alloc_usable_size(oid), t, 0};
	}
	qsort(c->objs, c->nobjs, sizeof(*c->objs), cmp_obj);
	return 0;
}

static struct cobj *find_obj(struct checker *c, uint64_t off)
{
	struct cobj key = {.off = off};
	return bsearch(&key, c->objs, c->nobjs, sizeof(*c->objs), cmp_obj);
}

/* Takes ownership of the object at off: its address, or NULL. */
static void *claim(struct checker *c, uint64_t off, unsigned type,
		   uint64_t minsize, const char *what, uint64_t ino)
{
	struct cobj *o = find_obj(c, off);
	if (!o) {
		problem(c, "inode %lu: %s at 0x%lx is not an allocated object",
			(unsigned long)ino, what, (unsigned long)off);
		c->found->unfollowed = true;
		return NULL;
	}
	/* objects of the 4 KiB-aligned classes have no header, so no type */
	bool headerless =
	    type != PMEMFILE_T_DIR_HTAB && type != PMEMFILE_T_DIR_BTAB &&
	    type != PMEMFILE_T_SYMLINK && type != PMEMFILE_T_ARRAY_MAP;
	/* the tables are headerless when an extent class holds them
	 * (pool_table_flags) */
	bool type_ok = o->type == (headerless ? 0 : type) || o->type == 0;
	if (!type_ok || o->size < minsize) {
		problem(c, "inode %lu: %s at 0x%lx has type %u size %lu",
			(unsigned long)ino, what, (unsigned long)off, o->type,
			(unsigned long)o->size);
		c->found->unfollowed = true;
		return NULL;
	}
	if (++o->owners > 1) {
		problem(c, "inode %lu: %s at 0x%lx is owned twice",
			(unsigned long)ino, what, (unsigned long)off);
		c->found->unfollowed = true;
		return NULL;
	}
	return c->base + off;
}

static struct cino *find_ino(struct checker *c, uint64_t off)
{
	struct cino key = {.off = off};
	return bsearch(&key, c->inos, c->ninos, sizeof(*c->inos), cmp_ino);
}

static struct pmemfile_inode *inode_of(struct checker *c, uint64_t off)
{
	return (void *)(c->base + off);
}

static int collect_inodes(struct checker *c, struct pmemfile_super *s)
{
	uint64_t off = s->inode_arrays, n = 0, prev = 0;
	while (off) {
		struct pmemfile_inode_array *a =
		    claim(c, off, PMEMFILE_T_INODE_ARRAY,
			  PMEMFILE_INODE_ARRAY_SIZE, "inode array", 0);
		if (!a) {
			c->found->chain_link =
			    prev ? prev + offsetof(struct pmemfile_inode_array,
						   next)
				 : (uint64_t)((char *)&s->inode_arrays -
					      c->base);
			c->found->chain_prev = prev;
			break;
		}
		/* version 3: the chain is linked both ways */
		if (s->version >= 3 && a->chain_prev != prev)
			problem(
			    c, "inode array 0x%lx: back link 0x%lx, not 0x%lx",
			    (unsigned long)off, (unsigned long)a->chain_prev,
			    (unsigned long)prev);
		prev = off;
		if (grow((void **)&c->arrays, &c->arrays_cap, c->narrays,
			 sizeof(*c->arrays)))
			return -ENOMEM;
		c->arrays[c->narrays++] = (struct carray){.off = off};
		for (size_t i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			if (a->inodes[i].mode == 0)
				continue;
			uint64_t ino =
			    off +
			    offsetof(struct pmemfile_inode_array, inodes[i]);
			if (c->csums &&
			    a->inodes[i].csum != csum_inode(ino, &a->inodes[i]))
				problem(c,
					"inode %lu: checksum mismatch at 0x%lx",
					(unsigned long)ino, (unsigned long)ino);
			const char *bad =
			    c->words ? inode_words_bad(ino, &a->inodes[i])
				     : NULL;
			if (bad)
				problem(c, "inode %lu: %s fails its check",
					(unsigned long)ino, bad);
			if (grow((void **)&c->inos, &c->inos_cap, c->ninos,
				 sizeof(*c->inos)))
				return -ENOMEM;
			c->inos[c->ninos++] = (struct cino){
			    .off = off + offsetof(struct pmemfile_inode_array,
						  inodes[i])};
		}
		off = a->next;
		n++;
	}
	if (n != s->ninode_arrays)
		problem(c, "superblock: %lu inode arrays, %lu in the chain",
			(unsigned long)s->ninode_arrays, (unsigned long)n);
	qsort(c->inos, c->ninos, sizeof(*c->inos), cmp_ino);
	qsort(c->arrays, c->narrays, sizeof(*c->arrays), cmp_ino);
	return 0;
}

static struct carray *find_array(struct checker *c, uint64_t off)
{
	struct carray key = {.off = off};
	return bsearch(&key, c->arrays, c->narrays, sizeof(*c->arrays),
		       cmp_ino);
}

/* The array map: a bit set for each array of the chain, and no other. */
static void check_array_map(struct checker *c, struct pmemfile_super *s)
{
	const uint64_t *map =
	    claim(c, s->array_map, PMEMFILE_T_ARRAY_MAP, s->array_map_pages / 8,
		  "inode array map", s->root);
	if (!map)
		return;
	uint64_t bits = 0;
	for (uint64_t w = 0; w < s->array_map_pages / 64; w++)
		bits += (uint64_t)__builtin_popcountll(map[w]);
	for (size_t i = 0; i < c->narrays; i++) {
		uint64_t page = c->arrays[i].off / 4096;
		if (page >= s->array_map_pages ||
		    !(map[page / 64] >> (page % 64) & 1))
			problem(c, "inode array 0x%lx is not in the array map",
				(unsigned long)c->arrays[i].off);
	}
	if (bits != c->narrays)
		problem(c, "the array map marks %lu arrays, the chain has %lu",
			(unsigned long)bits, (unsigned long)c->narrays);
}

/* The free list: exactly the arrays with a free slot, linked both ways. */
static void check_free_arrays(struct checker *c, struct pmemfile_super *s)
{
	uint64_t prev = 0, n = 0;
	for (uint64_t off = s->free_arrays; off; n++) {
		struct carray *ca = find_array(c, off);
		if (!ca || ca->listed || n == c->narrays) {
			problem(c,
				"free inode list: 0x%lx is no array of the "
				"chain, or listed twice",
				(unsigned long)off);
			return;
		}
		ca->listed = true;
		const struct pmemfile_inode_array *a = (void *)(c->base + off);
		if (a->free_prev != prev)
			problem(c, "free inode list: broken back link at 0x%lx",
				(unsigned long)off);
		prev = off;
		off = a->free_next;
	}
	for (size_t i = 0; i < c->narrays; i++) {
		const struct pmemfile_inode_array *a =
		    (void *)(c->base + c->arrays[i].off);
		bool has_free = false;
		for (size_t k = 0; k < PMEMFILE_INODES_PER_ARRAY; k++)
			has_free |= a->inodes[k].mode == 0;
		if (has_free != c->arrays[i].listed)
			problem(c,
				"inode array 0x%lx: %s, but %s the free list",
				(unsigned long)c->arrays[i].off,
				has_free ? "a slot free" : "full",
				c->arrays[i].listed ? "in" : "not in");
	}
}

/* Extent slot of inode ino leads nowhere: for the repair. */
static void bad_extent(struct checker *c, uint64_t ino, uint64_t slot)
{
	struct check_found *f = c->found;
	if (grow((void **)&f->bad_ext, &f->bad_ext_cap, f->nbad_ext + 1,
		 sizeof(*f->bad_ext)) == 0)
		f->bad_ext[f->nbad_ext++] = (struct cext){ino, slot};
}

/* The structure at off of inode ino fails its checksum: for the repair. */
static void bad_csum(struct checker *c, uint64_t ino, uint64_t off)
{
	struct check_found *f = c->found;
	if (grow((void **)&f->bad_csum, &f->bad_csum_cap, f->nbad_csum + 1,
		 sizeof(*f->bad_csum)) == 0)
		f->bad_csum[f->nbad_csum++] = (struct cext){ino, off};
}

static void check_extent(struct checker *c, uint64_t ino, uint64_t slot,
			 const struct pmemfile_extent *e, struct vext *out)
{
	bool aligned =
	    !(e->off % 4096 || e->len % 4096 || e->data % 4096 || !e->len);
	if (!aligned)
		problem(c, "inode %lu: extent %lu+%lu at 0x%lx is not aligned",
			(unsigned long)ino, (unsigned long)e->off,
			(unsigned long)e->len, (unsigned long)e->data);
	/*
	 * Bad by its own fields, for the repair: an aligned extent that
	 * meets no object may be right while libpmemobj's heap (which the
	 * objects come from) is what is damaged, and is left alone.
	 */
	if (!aligned)
		bad_extent(c, ino, slot);
	claim(c, e->data, PMEMFILE_T_DATA, e->len, "extent", ino);
	*out = (struct vext){e->off, e->len, NULL};
}

static int cmp_vext(const void *a, const void *b)
{
	const struct vext *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

static bool slot_empty(const struct pmemfile_extent *e)
{
	return e->off == 0 && e->len == 0 && e->data == 0;
}

/*
 * The slot of index i of a file's list, of its inline slots or of blocks
 * (the chain's blocks in order).
 */
static const struct pmemfile_extent *slot_at(struct checker *c,
					     const struct pmemfile_file_info *f,
					     const uint64_t *blocks, uint64_t i)
{
	if (i < PMEMFILE_INLINE_EXTENTS)
		return &f->e[i];
	i -= PMEMFILE_INLINE_EXTENTS;
	const struct pmemfile_extent_block *blk =
	    (void *)(c->base + blocks[i / PMEMFILE_EXTENTS_PER_BLOCK]);
	return &blk->e[i % PMEMFILE_EXTENTS_PER_BLOCK];
}

/*
 * An extent count beyond the slots of the file's chain of extent blocks,
 * when the chain ends with a link of 0 (its blocks objects of their size):
 * the count cannot be. The slots in use (not all zero) are counted: if
 * they come first and all the others are zero, the file's extents are
 * those, for the repair (found->ext_count). Returns the count to check
 * the list by: the slots in use then, else the count as it is.
 */
static uint64_t extent_count(struct checker *c, uint64_t ino,
			     const struct pmemfile_file_info *f)
{
	uint64_t n = f->nextents, room = PMEMFILE_INLINE_EXTENTS;
	if (n <= room)
		return n;
	uint64_t *blocks = malloc((c->nobjs + 1) * sizeof(uint64_t));
	size_t nblocks = 0;
	uint64_t b = f->blocks;
	while (blocks && b && nblocks < c->nobjs) {
		struct cobj *o = find_obj(c, b);
		if (!o || o->size < sizeof(struct pmemfile_extent_block))
			break;
		blocks[nblocks++] = b;
		room += PMEMFILE_EXTENTS_PER_BLOCK;
		b = ((struct pmemfile_extent_block *)(c->base + b))->next;
	}
	if (!blocks || b || n <= room) {
		free(blocks);
		return n;
	}
	uint64_t used = 0, i;
	while (used < room && !slot_empty(slot_at(c, f, blocks, used)))
		used++;
	for (i = used; i < room && slot_empty(slot_at(c, f, blocks, i)); i++)
		;
	free(blocks);
	problem(c, "inode %lu: %lu extents, room for %lu in its blocks",
		(unsigned long)ino, (unsigned long)n, (unsigned long)room);
	if (i < room)
		return n;
	struct check_found *fd = c->found;
	if (grow((void **)&fd->ext_count, &fd->ext_count_cap,
		 fd->next_count + 1, sizeof(*fd->ext_count)) == 0)
		fd->ext_count[fd->next_count++] = (struct cext){ino, used};
	return used;
}

static void check_file(struct checker *c, uint64_t ino,
		       struct pmemfile_inode *in)
{
	const struct pmemfile_file_info *f = &in->file;
	uint64_t n = extent_count(c, ino, f);
	struct vext *v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		problem(c, "inode %lu: %lu extents", (unsigned long)ino,
			(unsigned long)n);
		return;
	}
	uint64_t i = 0;
	size_t bad_before = c->found->nbad_ext;
	for (; i < n && i < PMEMFILE_INLINE_EXTENTS; i++)
		check_extent(c, ino, i, &f->e[i], &v[i]);
	uint64_t b = f->blocks;
	uint64_t link = ino + offsetof(struct pmemfile_inode, file.blocks);
	while (i < n) {
		struct pmemfile_extent_block *blk =
		    b ? claim(c, b, PMEMFILE_T_EXTENT_BLOCK, sizeof(*blk),
			      "extent block", ino)
		      : NULL;
		if (!blk) {
			problem(c, "inode %lu: extent list ends at %lu of %lu",
				(unsigned long)ino, (unsigned long)i,
				(unsigned long)n);
			c->found->unfollowed = true;
			/* a list cut short is no list to take extents from */
			c->found->nbad_ext = bad_before;
			n = i;
			break;
		}
		if (c->csums && blk->csum != csum_eblock(b, blk)) {
			problem(c,
				"inode %lu: extent block checksum mismatch at "
				"0x%lx",
				(unsigned long)ino, (unsigned long)b);
			bad_csum(c, ino, b);
		}
		for (size_t k = 0; k < PMEMFILE_EXTENTS_PER_BLOCK && i < n;
		     k++, i++)
			check_extent(c, ino, i, &blk->e[k], &v[i]);
		link = b + offsetof(struct pmemfile_extent_block, next);
		b = blk->next;
	}
	if (b && n == f->nextents) {
		problem(c, "inode %lu: extent blocks beyond the last extent",
			(unsigned long)ino);
		c->found->unfollowed = true;
		struct check_found *fd = c->found;
		if (i == f->nextents &&
		    grow((void **)&fd->ext_tail, &fd->ext_tail_cap,
			 fd->next_tail + 1, sizeof(*fd->ext_tail)) == 0)
			fd->ext_tail[fd->next_tail++] =
			    (struct cext){ino, link};
	}
	qsort(v, n, sizeof(*v), cmp_vext);
	for (i = 1; i < n; i++)
		if (v[i - 1].off + v[i - 1].len > v[i].off)
			problem(c, "inode %lu: extents overlap at %lu",
				(unsigned long)ino, (unsigned long)v[i].off);
	free(v);
}

static void check_symlink(struct checker *c, uint64_t ino,
			  struct pmemfile_inode *in)
{
	uint64_t size = inode_size_any(ino, in, c->version);
	if (size == 0 || size >= PMEMFILE_PATH_MAX) {
		problem(c, "inode %lu: symlink of length %lu",
			(unsigned long)ino, (unsigned long)size);
		c->found->unfollowed = true;
		return;
	}
	if (size < PMEMFILE_SYMLINK_INLINE) {
		if (strnlen(in->target, PMEMFILE_SYMLINK_INLINE) != size)
			problem(c, "inode %lu: symlink length mismatch",
				(unsigned long)ino);
		return;
	}
	uint64_t t = *(uint64_t *)in->target;
	const char *s =
	    claim(c, t, PMEMFILE_T_SYMLINK, size + 1, "symlink target", ino);
	if (s && c->csums &&
	    csum_symlink_get(in) != csum_symlink(t, s, size + 1)) {
		problem(c,
			"inode %lu: symlink target checksum mismatch at 0x%lx",
			(unsigned long)ino, (unsigned long)t);
		bad_csum(c, ino, t);
	}
}

static void enqueue(struct checker *c, uint64_t ino)
{
	if (grow((void **)&c->queue, &c->qcap, c->qlen, sizeof(uint64_t))) {
		problem(c, "out of memory");
		return;
	}
	c->queue[c->qlen++] = ino;
}

/* Checks the htab entry of the record at pos, named name. */
static void check_hash(struct checker *c, uint64_t ino,
		       const struct pmemfile_dir_info *d, const uint64_t *tab,
		       const struct pmemfile_dirent *r, uint64_t pos)
{
	uint64_t tag = dir_name_hash(r->name, r->namelen) >> 32;
	uint64_t want = (tag << 32) | (pos + 1);
	size_t mask = d->htab_cap - 1;
	size_t i = (size_t)(tag >> (32 - (63 - __builtin_clzll(d->htab_cap))));
	for (size_t k = 0; k < d->htab_cap; k++, i = (i + 1) & mask) {
		if (tab[i] == want)
			return;
		if (tab[i] == 0)
			break;
	}
	problem(c, "directory %lu: \"%.*s\" missing from the hash table",
		(unsigned long)ino, r->namelen, r->name);
}

static void check_record(struct checker *c, uint64_t dino,
			 const struct pmemfile_dirent *r, unsigned slot)
{
	unsigned want = (16u + r->namelen + 31) / 32;
	if (r->namelen == 0 || r->nslots != want ||
	    slot + r->nslots > PMEMFILE_DIR_SLOTS ||
	    memchr(r->name, '/', r->namelen) ||
	    memchr(r->name, '\0', r->namelen) ||
	    (r->namelen == 1 && r->name[0] == '.') ||
	    (r->namelen == 2 && r->name[0] == '.' && r->name[1] == '.')) {
		problem(c, "directory %lu: bad record at slot %u",
			(unsigned long)dino, slot);
		return;
	}
	struct cino *ci = find_ino(c, r->ino);
	if (!ci) {
		problem(c, "directory %lu: \"%.*s\" names a free inode 0x%lx",
			(unsigned long)dino, r->namelen, r->name,
			(unsigned long)r->ino);
		return;
	}
	struct pmemfile_inode *in = inode_of(c, r->ino);
	/* one of the two is wrong: the inode is not vouched for either */
	if (r->type != ((in->mode & S_IFMT) >> 12)) {
		problem(c, "directory %lu: \"%.*s\" has a wrong type",
			(unsigned long)dino, r->namelen, r->name);
		ci->flawed = true;
	}
	ci->names++;
	if (S_ISDIR(in->mode)) {
		find_ino(c, dino)->subdirs++;
		if (in->dir.parent != dino)
			problem(c, "directory %lu: its parent is %lu, not %lu",
				(unsigned long)r->ino,
				(unsigned long)in->dir.parent,
				(unsigned long)dino);
	}
	if (!ci->visited) {
		ci->visited = true;
		enqueue(c, r->ino);
	}
}

static int is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void check_htab_counts(struct checker *c, uint64_t ino,
			      const struct pmemfile_dir_info *d,
			      const uint64_t *tab)
{
	uint64_t live = 0, tomb = 0;
	for (uint64_t i = 0; i < d->htab_cap; i++) {
		if (tab[i] == UINT64_MAX)
			tomb++;
		else if (tab[i])
			live++;
	}
	if (live != d->nentries || tomb != d->ntomb)
		problem(c,
			"directory %lu: hash table holds %lu+%lu, "
			"expected %lu+%lu",
			(unsigned long)ino, (unsigned long)live,
			(unsigned long)tomb, (unsigned long)d->nentries,
			(unsigned long)d->ntomb);
}

static void check_dir_parts(struct checker *c, uint64_t ino,
			    struct pmemfile_inode *in)
{
	const struct pmemfile_dir_info *d = &in->dir;
	const uint64_t *tab = NULL, *btab = NULL;
	if (d->htab) {
		if (d->htab_cap < 2 || (d->htab_cap & (d->htab_cap - 1))) {
			problem(c, "directory %lu: hash table capacity %lu",
				(unsigned long)ino, (unsigned long)d->htab_cap);
			c->found->unfollowed = true;
		} else
			tab = claim(c, d->htab, PMEMFILE_T_DIR_HTAB,
				    d->htab_cap * 8, "hash table", ino);
	}
	if (d->btab && d->nblocks <= d->btab_cap)
		btab = claim(c, d->btab, PMEMFILE_T_DIR_BTAB, d->btab_cap * 8,
			     "block table", ino);
	else if (d->btab || d->nblocks) {
		problem(c, "directory %lu: %lu blocks, table of %lu",
			(unsigned long)ino, (unsigned long)d->nblocks,
			(unsigned long)d->btab_cap);
		c->found->unfollowed = true;
	}
	uint64_t live = 0;
	for (uint64_t b = 0; btab && b < d->nblocks; b++) {
		char *blk =
		    claim(c, btab[b], PMEMFILE_T_DIR_BLOCK,
			  PMEMFILE_DIR_BLOCK_SIZE, "directory block", ino);
		for (unsigned s = 0; blk && s < PMEMFILE_DIR_SLOTS;) {
			struct pmemfile_dirent *r =
			    (void *)(blk + s * PMEMFILE_DIR_SLOT);
			if (r->ino == 0) {
				if (!is_zero(r, PMEMFILE_DIR_SLOT))
					problem(c,
						"directory %lu: free slot "
						"not zero",
						(unsigned long)ino);
				s++;
				continue;
			}
			live++;
			uint64_t roff = btab[b] + s * PMEMFILE_DIR_SLOT;
			if (c->csums && r->csum != csum_dirent(roff, r))
				problem(c,
					"directory %lu: record checksum "
					"mismatch at 0x%lx",
					(unsigned long)ino,
					(unsigned long)roff);
			check_record(c, ino, r, s);
			if (tab)
				check_hash(c, ino, d, tab, r,
					   b * PMEMFILE_DIR_SLOTS + s);
			s += r->nslots ? r->nslots : 1;
		}
	}
	if (live != d->nentries)
		problem(c, "directory %lu: %lu records, %lu counted",
			(unsigned long)ino, (unsigned long)live,
			(unsigned long)d->nentries);
	if (tab)
		check_htab_counts(c, ino, d, tab);
	else if (d->nentries)
		problem(c, "directory %lu: entries but no hash table",
			(unsigned long)ino);
}

/* A directory in which a problem is found is listed for the repair. */
static void check_dir(struct checker *c, uint64_t ino,
		      struct pmemfile_inode *in)
{
	struct check_found *f = c->found;
	unsigned before = c->problems;
	check_dir_parts(c, ino, in);
	if (c->problems == before)
		return;
	if (grow((void **)&f->dirs, &f->dirs_cap, f->ndirs, sizeof(uint64_t)))
		problem(c, "out of memory");
	else
		f->dirs[f->ndirs++] = ino;
}

static void check_inode(struct checker *c, uint64_t ino)
{
	struct pmemfile_inode *in = inode_of(c, ino);
	unsigned before = c->problems;
	switch (in->mode & S_IFMT) {
	case S_IFREG:
		check_file(c, ino, in);
		break;
	case S_IFDIR:
		check_dir(c, ino, in);
		break;
	case S_IFLNK:
		check_symlink(c, ino, in);
		break;
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		problem(c, "inode %lu: mode 0%o", (unsigned long)ino, in->mode);
		c->found->unfollowed = true;
	}
	if (c->problems != before)
		find_ino(c, ino)->flawed = true;
}

static void check_orphans(struct checker *c, struct pmemfile_super *s)
{
	uint64_t prev = 0, off = s->orphans;
	while (off) {
		struct cino *ci = find_ino(c, off);
		if (!ci || ci->orphan || ci->visited) {
			problem(c, "orphan list: bad inode 0x%lx",
				(unsigned long)off);
			c->found->orphan_list = true;
			return;
		}
		struct pmemfile_inode *in = inode_of(c, off);
		if (in->nlink != 0)
			problem(c, "orphan %lu has %lu links",
				(unsigned long)off, (unsigned long)in->nlink);
		if (in->orphan_prev != prev) {
			problem(c, "orphan %lu: broken back link",
				(unsigned long)off);
			c->found->orphan_list = true;
		}
		ci->orphan = ci->visited = true;
		check_inode(c, off);
		prev = off;
		off = in->orphan_next;
	}
}

/* Whether off is one of the root directories of s. */
static bool is_root(const struct pmemfile_super *s, uint64_t off)
{
	if (off == s->root)
		return true;
	for (int i = 0; i < PMEMFILE_EXTRA_ROOTS; i++)
		if (s->roots[i] && off == s->roots[i])
			return true;
	return false;
}

static void check_links(struct checker *c, const struct pmemfile_super *s)
{
	for (size_t i = 0; i < c->ninos; i++) {
		struct cino *ci = &c->inos[i];
		struct pmemfile_inode *in = inode_of(c, ci->off);
		if (!ci->visited) {
			problem(c, "inode %lu is leaked (no name, not orphan)",
				(unsigned long)ci->off);
			continue;
		}
		if (ci->orphan)
			continue;
		uint64_t want = ci->names;
		if (S_ISDIR(in->mode)) {
			if (ci->names > 1)
				problem(c, "directory %lu has %lu names",
					(unsigned long)ci->off,
					(unsigned long)ci->names);
			want = 2 + ci->subdirs;
		}
		if (in->nlink != want)
			problem(c, "inode %lu: nlink %lu, expected %lu",
				(unsigned long)ci->off,
				(unsigned long)in->nlink, (unsigned long)want);
		if (is_root(s, ci->off) && ci->names)
			problem(c, "root directory %lu has a name",
				(unsigned long)ci->off);
	}
	for (size_t i = 0; i < c->nobjs; i++)
		if (c->objs[i].owners == 0)
			problem(c,
				"object 0x%lx (type %u, %lu bytes) is leaked",
				(unsigned long)c->objs[i].off, c->objs[i].type,
				(unsigned long)c->objs[i].size);
}

static int check_super(struct checker *c, struct pmemfile_super *s)
{
	if (strncmp(s->magic, PMEMFILE_SUPER_MAGIC, sizeof(s->magic)) ||
	    s->version == 0 || s->version > PMEMFILE_LAYOUT_VERSION) {
		problem(c, "superblock: bad magic or version");
		return -1;
	}
	if (c->csums && s->csum != csum_super(s))
		problem(c, "superblock: checksum mismatch at 0x%lx",
			(unsigned long)((char *)s - c->base));
	for (int i = 0; i <= PMEMFILE_EXTRA_ROOTS; i++) {
		uint64_t off = i ? s->roots[i - 1] : s->root;
		/* a pool made before layout 3 has root 0 only */
		if (i && !s->roots[0] && !off)
			continue;
		struct cino *root = find_ino(c, off);
		if (!root || !S_ISDIR(inode_of(c, off)->mode)) {
			problem(c, "superblock: root %d is not a directory", i);
			return -1;
		}
		if (inode_of(c, off)->dir.parent != off)
			problem(c, "the parent of root %d is not itself", i);
	}
	return 0;
}

static void check_tree(struct checker *c, struct pmemfile_super *s)
{
	unsigned before = c->problems;
	c->csums = s->version >= 5;
	c->words = s->version >= 6;
	c->version = s->version;
	if (collect_objects(c) || collect_inodes(c, s)) {
		problem(c, "out of memory");
		c->found->fatal = true;
		return;
	}
	if (check_super(c, s)) {
		c->found->fatal = true;
		return;
	}
	if (s->version >= 2) {
		check_array_map(c, s);
		check_free_arrays(c, s);
	}
	c->found->arrays = c->problems != before;
	for (int i = 0; i <= PMEMFILE_EXTRA_ROOTS; i++) {
		uint64_t off = i ? s->roots[i - 1] : s->root;
		if (!off)
			continue;
		find_ino(c, off)->visited = true;
		enqueue(c, off);
	}
	while (c->qhead < c->qlen) {
		if (c->found->progress && c->qhead % 4096 == 0)
			c->found->progress(c->qhead, c->ninos);
		check_inode(c, c->queue[c->qhead++]);
	}
	check_orphans(c, s);
	check_links(c, s);
}

int check_pool_open(const char *path, FILE *report, PMEMobjpool **popp,
		    uint64_t *pool_size)
{
	int fr = pool_file_check(path, NULL, NULL);
	if (fr) {
		if (report)
			fprintf(report, "%s\n", pmemfile_errormsg());
		return fr;
	}
	uint64_t checked;
	/* a pool in journal mode: the journal first, as an open replays it */
	int r = jmode_replay(path);
	if (r == 0)
		r = objcheck_file(path, &checked);
	if (r) {
		if (report)
			fprintf(report, "%s\n", pmemfile_errormsg());
		return r;
	}
	PMEMobjpool *pop = pmemobj_open(path, PMEMFILE_LAYOUT_NAME);
	if (!pop) {
		/* errno -1: libpmemobj's own checks found damage */
		r = errno > 0 ? -errno : errno < 0 ? -EIO : -EINVAL;
		if (report && r == -EIO)
			fprintf(report, "%s: damaged pool: %s\n", path,
				pmemobj_errormsg());
		return r;
	}
	r = checked ? objcheck_open(pop, checked, path) : 0;
	/* the objects are walked (POBJ_FOREACH) through the runs' headers */
	if (r == 0 && checked)
		r = objcheck_runs(pop, checked, path);
	if (r) {
		if (report)
			fprintf(report, "%s\n", pmemfile_errormsg());
		pmemobj_close(pop);
		return r;
	}
	struct stat st;
	*pool_size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	unsigned ids[POOL_CLASSES];
	int nclasses;
	if (pool_register_classes(pop, *pool_size, ids, &nclasses)) {
		if (report)
			fprintf(report,
				"%s: cannot register the allocation classes\n",
				path);
		pmemobj_close(pop);
		return -EIO;
	}
	*popp = pop;
	return 0;
}

unsigned check_pool_found(PMEMobjpool *pop, FILE *report,
			  struct check_found *found)
{
	struct check_found dropped = {.problems = 0};
	struct checker c = {.pop = pop,
			    .base = (char *)pop,
			    .out = report,
			    .found = found ? found : &dropped};
	if (found)
		*found = (struct check_found){.progress = found->progress};
	if (pmemobj_root_size(pop) < sizeof(struct pmemfile_super)) {
		problem(&c, "no superblock");
		c.found->fatal = true;
	} else {
		check_tree(&c, pmemobj_direct(pmemobj_root(
				   pop, sizeof(struct pmemfile_super))));
	}
	c.found->problems = c.problems;
	c.found->objs = c.objs;
	c.found->nobjs = c.nobjs;
	c.found->inos = c.inos;
	c.found->ninos = c.ninos;
	free(c.arrays);
	free(c.queue);
	if (!found)
		check_found_free(&dropped);
	return c.problems;
}

void check_found_free(struct check_found *found)
{
	free(found->objs);
	free(found->inos);
	free(found->dirs);
	free(found->bad_ext);
	free(found->ext_tail);
	free(found->ext_count);
	free(found->bad_csum);
	found->bad_csum = NULL;
	found->nbad_csum = 0;
	found->ext_tail = NULL;
	found->next_tail = 0;
	found->ext_count = NULL;
	found->next_count = 0;
	found->objs = NULL;
	found->inos = NULL;
	found->dirs = NULL;
	found->bad_ext = NULL;
	found->nbad_ext = 0;
}

int pmemfile_check_pool(const char *path, FILE *report)
{
	PMEMobjpool *pop;
	uint64_t pool_size;
	int r = check_pool_open(path, report, &pop, &pool_size);
	if (r)
		return r;
	r = (int)check_pool_found(pop, report, NULL);
	pmemobj_close(pop);
	return r;
}
