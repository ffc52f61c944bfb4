// SPDX-License-Identifier: BSD-3-Clause
/*
 * repair.c -- pmemfile check --repair: fixes what the checker found
 * (check_found.h), in the manner of e2fsck.
 *
 * The repair runs in rounds. Each round checks the pool again and fixes
 * what can be fixed in the state the round finds:
 *
 *   - directories: records that cannot be read or that name a free inode
 *     are dropped, wrong types and parents set, the hash table and the
 *     counters rebuilt from the records that remain;
 *   - the inode array chain's back links and count, the list of arrays
 *     with a free slot and the array map, rebuilt from the chain;
 *   - the orphan list cut before its first bad inode, its back links set;
 *   - through the library (which needs the above sound to open the pool):
 *     the orphans freed, the inodes nothing names linked into /lost+found
 *     as #<inode number>;
 *   - once nothing is unreachable: link counts; then, if nothing else is
 *     wrong, objects of the pool that nothing owns freed.
 *
 * Each fix is one libpmemobj transaction, printed once it committed: a
 * crash during the repair leaves the pool as it was before one fix. What
 * cannot be fixed safely (a table that is no object, an extent list cut
 * short, a directory with two names...) is left as it is: the last round's
 * check prints it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "check_found.h"
#include "dir.h"
#include "internal.h"
#include "vinode.h"

#define REPAIR_ROUNDS 8

struct repair {
	const char *path;
	PMEMobjpool *pop;
	char *base;
	uint64_t pool_size;
	FILE *out;
	struct check_found f;
	struct pmemfile_super *super;
	unsigned fixes;	 /* fixes made */
	unsigned change; /* fixes of the transaction under way */
	/* the fixes of the transaction under way, printed at its commit */
	char *pending;
	size_t pending_len;
	FILE *pending_out;
};

/*
 * In a transaction: every store the repair makes in the pool's metadata
 * goes through here (src NULL: zeros), so that whatever a structure keeps
 * about its own bytes is kept in one place.
 */
static void repair_store(struct repair *r, void *dst, const void *src,
			 size_t len)
{
	(void)r;
	pmemobj_tx_add_range_direct(dst, len);
	if (src)
		memmove(dst, src, len);
	else
		memset(dst, 0, len);
}

static void repair_store64(struct repair *r, uint64_t *dst, uint64_t v)
{
	if (*dst != v)
		repair_store(r, dst, &v, sizeof(v));
}

/* A fix of the transaction under way, printed if it commits. */
__attribute__((format(printf, 2, 3))) static void fix(struct repair *r,
						      const char *fmt, ...)
{
	va_list ap;
	r->change++;
	if (!r->pending_out)
		return;
	va_start(ap, fmt);
	vfprintf(r->pending_out, fmt, ap);
	va_end(ap);
	fputc('\n', r->pending_out);
}

static void tx_begin(struct repair *r)
{
	r->change = 0;
	r->pending_out = open_memstream(&r->pending, &r->pending_len);
}

/* After the transaction: its fixes printed if it committed. */
static void tx_end(struct repair *r, int err)
{
	if (r->pending_out)
		fclose(r->pending_out);
	r->pending_out = NULL;
	if (err == 0) {
		if (r->out && r->pending)
			fputs(r->pending, r->out);
		r->fixes += r->change;
	} else if (r->out && r->change) {
		fprintf(r->out,
			"a fix failed (%s): the pool is as it was before it\n",
			strerror(err));
	}
	free(r->pending);
	r->pending = NULL;
	if (err)
		r->change = 0;
}

/*
 * fn(r, arg) in a transaction of pop: its fixes printed if it commits.
 * Returns 0 or the errno of the abort.
 */
static int in_tx(struct repair *r, PMEMobjpool *pop,
		 void (*fn)(struct repair *r, void *arg), void *arg)
{
	volatile int err = 0;
	tx_begin(r);
	TX_BEGIN(pop)
	{
		fn(r, arg);
	}
	TX_ONABORT
	{
		err = errno ? errno : EIO;
	}
	TX_END
	tx_end(r, err);
	return err;
}

static int cmp_off(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static struct cobj *object_at(struct repair *r, uint64_t off)
{
	/* struct cobj starts with its offset */
	return bsearch(&off, r->f.objs, r->f.nobjs, sizeof(*r->f.objs),
		       cmp_off);
}

static struct cino *inode_at(struct repair *r, uint64_t off)
{
	return bsearch(&off, r->f.inos, r->f.ninos, sizeof(*r->f.inos),
		       cmp_off);
}

/* Whether off starts an object of at least size bytes. */
static bool object_holds(struct repair *r, uint64_t off, uint64_t size)
{
	struct cobj *o = object_at(r, off);
	return o && o->size >= size;
}

static struct pmemfile_inode *inode_of(struct repair *r, uint64_t off)
{
	return (void *)(r->base + off);
}

static bool is_root(struct repair *r, uint64_t off)
{
	if (off == r->super->root)
		return true;
	for (int i = 0; i < PMEMFILE_EXTRA_ROOTS; i++)
		if (r->super->roots[i] && off == r->super->roots[i])
			return true;
	return false;
}

/* Why the record at slot s of a block cannot be read, or NULL. */
static const char *record_damage(const struct pmemfile_dirent *e, unsigned s)
{
	unsigned want = (16u + e->namelen + 31) / 32;
	if (e->namelen == 0 || e->nslots != want ||
	    s + e->nslots > PMEMFILE_DIR_SLOTS)
		return "its lengths";
	if (memchr(e->name, '/', e->namelen) ||
	    memchr(e->name, '\0', e->namelen) ||
	    (e->namelen == 1 && e->name[0] == '.') ||
	    (e->namelen == 2 && e->name[0] == '.' && e->name[1] == '.'))
		return "its name";
	return NULL;
}

/* A record kept by the rebuild of a directory: its position and tag. */
struct kept {
	uint64_t pos, tag;
};

/*
 * In a transaction: the records of block b of directory ino checked one
 * by one; the readable ones that name an inode in use are appended to
 * kept, the others dropped.
 */
static void repair_block(struct repair *r, uint64_t ino, char *blk, uint64_t b,
			 struct kept *kept, size_t *nkept)
{
	static const char zero[PMEMFILE_DIR_SLOT];
	for (unsigned s = 0; s < PMEMFILE_DIR_SLOTS;) {
		struct pmemfile_dirent *e =
		    (void *)(blk + s * PMEMFILE_DIR_SLOT);
		uint64_t pos = b * PMEMFILE_DIR_SLOTS + s;
		if (e->ino == 0) {
			if (memcmp(e, zero, PMEMFILE_DIR_SLOT)) {
				repair_store(r, e, NULL, PMEMFILE_DIR_SLOT);
				fix(r,
				    "directory %lu: free slot %lu not zero: "
				    "cleared",
				    (unsigned long)ino, (unsigned long)pos);
			}
			s++;
			continue;
		}
		unsigned n = dir_record_slots(e, pos);
		const char *why = record_damage(e, s);
		if (why) {
			repair_store(r, e, NULL, n * PMEMFILE_DIR_SLOT);
			fix(r,
			    "directory %lu: record at slot %lu unreadable "
			    "(%s): dropped",
			    (unsigned long)ino, (unsigned long)pos, why);
			s += n;
			continue;
		}
		struct cino *ci = inode_at(r, e->ino);
		if (!ci || is_root(r, e->ino)) {
			fix(r,
			    "directory %lu: \"%.*s\" names %s 0x%lx: record "
			    "dropped",
			    (unsigned long)ino, e->namelen, e->name,
			    ci ? "the root directory" : "a free inode",
			    (unsigned long)e->ino);
			repair_store(r, e, NULL, n * PMEMFILE_DIR_SLOT);
			s += n;
			continue;
		}
		struct pmemfile_inode *in = inode_of(r, e->ino);
		uint8_t type = (uint8_t)((in->mode & S_IFMT) >> 12);
		if (e->type != type) {
			fix(r, "directory %lu: \"%.*s\" has type %u: set to %u",
			    (unsigned long)ino, e->namelen, e->name, e->type,
			    type);
			repair_store(r, &e->type, &type, 1);
		}
		/* a directory's parent is the one that names it */
		if (S_ISDIR(in->mode) && ci->names == 1 &&
		    in->dir.parent != ino) {
			fix(r, "directory %lu: parent %lu, set to %lu",
			    (unsigned long)e->ino,
			    (unsigned long)in->dir.parent, (unsigned long)ino);
			repair_store64(r, &in->dir.parent, ino);
		}
		kept[(*nkept)++] = (struct kept){
		    pos, dir_name_hash(e->name, e->namelen) >> 32};
		s += n;
	}
}

/* The hash table of the kept records, in a table of cap entries. */
static void htab_build(uint64_t *tab, uint64_t cap, const struct kept *kept,
		       size_t nkept)
{
	unsigned bits = 63 - (unsigned)__builtin_clzll(cap);
	memset(tab, 0, cap * 8);
	for (size_t k = 0; k < nkept; k++) {
		size_t i = (size_t)(kept[k].tag >> (32 - bits));
		while (tab[i])
			i = (i + 1) & (cap - 1);
		tab[i] = kept[k].tag << 32 | (kept[k].pos + 1);
	}
}

struct dir_rebuild {
	uint64_t ino;
	struct kept *kept; /* room for every record of the blocks */
	uint64_t *tab;	   /* room for a table of tab_cap entries */
	uint64_t tab_cap;
	bool table_sound; /* the table is an object of its own, of its size */
};

/*
 * In a transaction: a new hash table of cap entries for directory d, in
 * place of its table, which is freed if it was sound.
 */
static uint64_t *htab_replace(struct repair *r, struct pmemfile_dir_info *d,
			      uint64_t cap, bool old_sound)
{
	PMEMoid oid =
	    pmemobj_tx_xalloc(cap * 8, PMEMFILE_T_DIR_HTAB, POBJ_XALLOC_ZERO);
	PMEMoid old = pmemobj_root(r->pop, sizeof(struct pmemfile_super));
	old.off = d->htab;
	if (old_sound)
		pmemobj_tx_free(old);
	repair_store64(r, &d->htab, oid.off);
	repair_store64(r, &d->htab_cap, cap);
	return (uint64_t *)(r->base + oid.off);
}

static void dir_rebuild_tx(struct repair *r, void *arg)
{
	struct dir_rebuild *job = arg;
	uint64_t ino = job->ino;
	struct pmemfile_dir_info *d = &inode_of(r, ino)->dir;
	const uint64_t *btab = (const uint64_t *)(r->base + d->btab);
	size_t nkept = 0;
	for (uint64_t b = 0; b < d->nblocks; b++)
		repair_block(r, ino, r->base + btab[b], b, job->kept, &nkept);
	uint64_t cap = d->htab_cap;
	uint64_t *old = (uint64_t *)(r->base + d->htab);
	/* the library keeps a table at most 7/8 full */
	if (job->table_sound && nkept < cap - cap / 8) {
		htab_build(job->tab, cap, job->kept, nkept);
		if (memcmp(old, job->tab, cap * 8) == 0 &&
		    d->nentries == nkept && d->ntomb == 0)
			return;
		fix(r,
		    "directory %lu: hash table rebuilt from its %lu records "
		    "(counted %lu, %lu tombstones)",
		    (unsigned long)ino, (unsigned long)nkept,
		    (unsigned long)d->nentries, (unsigned long)d->ntomb);
		repair_store(r, old, job->tab, cap * 8);
	} else {
		htab_build(job->tab, job->tab_cap, job->kept, nkept);
		fix(r,
		    "directory %lu: hash table %s: a new one made from its "
		    "%lu records",
		    (unsigned long)ino,
		    job->table_sound ? "too small" : "unreadable",
		    (unsigned long)nkept);
		uint64_t *tab =
		    htab_replace(r, d, job->tab_cap, job->table_sound);
		repair_store(r, tab, job->tab, job->tab_cap * 8);
	}
	repair_store64(r, &d->nentries, nkept);
	repair_store64(r, &d->ntomb, 0);
}

/* The live records of a directory's blocks, at most. */
static size_t records_at_most(struct repair *r, const uint64_t *btab,
			      uint64_t nblocks)
{
	size_t n = 0;
	for (uint64_t b = 0; b < nblocks; b++) {
		const char *blk = r->base + btab[b];
		for (unsigned s = 0; s < PMEMFILE_DIR_SLOTS; s++)
			n += *(const uint64_t *)(blk + s * PMEMFILE_DIR_SLOT) !=
			     0;
	}
	return n;
}

/*
 * Directory ino rebuilt from its readable records, if its block table and
 * blocks are objects of their own that hold what they say: else it is left
 * as it is. A hash table that is no such object, or too small, is
 * replaced.
 */
static void repair_dir(struct repair *r, uint64_t ino)
{
	struct pmemfile_dir_info *d = &inode_of(r, ino)->dir;
	if (d->nblocks > d->btab_cap ||
	    (d->nblocks && !object_holds(r, d->btab, d->btab_cap * 8)))
		return;
	const uint64_t *btab = (const uint64_t *)(r->base + d->btab);
	for (uint64_t b = 0; b < d->nblocks; b++) {
		struct cobj *o = object_at(r, btab[b]);
		if (!o || o->size < PMEMFILE_DIR_BLOCK_SIZE || o->owners != 1)
			return;
	}
	uint64_t cap = d->htab_cap;
	struct cobj *t = object_at(r, d->htab);
	bool sound = d->htab && cap >= 2 && !(cap & (cap - 1)) && t &&
		     t->size >= cap * 8 && t->owners == 1;
	/* a new table: half full at most, as the library grows one */
	size_t most = records_at_most(r, btab, d->nblocks);
	uint64_t new_cap = 8;
	while (new_cap / 2 <= most)
		new_cap *= 2;
	uint64_t tab_cap = sound && cap > new_cap ? cap : new_cap;
	struct kept *kept = calloc(most + 1, sizeof(*kept));
	uint64_t *tab = calloc(tab_cap, 8);
	if (kept && tab) {
		struct dir_rebuild job = {ino, kept, tab, new_cap, sound};
		in_tx(r, r->pop, dir_rebuild_tx, &job);
	}
	free(kept);
	free(tab);
}

/* In a transaction: the array map made the set of the chain's arrays. */
static void repair_array_map(struct repair *r, const uint64_t *arrays, size_t n)
{
	struct pmemfile_super *s = r->super;
	uint64_t words = (s->array_map_pages + 63) / 64;
	if (!object_holds(r, s->array_map, words * 8))
		return;
	uint64_t *map = calloc(words ? words : 1, 8);
	if (!map)
		return;
	for (size_t i = 0; i < n; i++) {
		uint64_t page = arrays[i] / 4096;
		if (page < s->array_map_pages)
			map[page / 64] |= 1ULL << (page % 64);
	}
	uint64_t *old = (uint64_t *)(r->base + s->array_map);
	if (memcmp(old, map, words * 8)) {
		fix(r,
		    "inode array map: rebuilt from the %lu arrays of the "
		    "chain",
		    (unsigned long)n);
		repair_store(r, old, map, words * 8);
	}
	free(map);
}

static bool array_has_free(const struct pmemfile_inode_array *a)
{
	for (size_t k = 0; k < PMEMFILE_INODES_PER_ARRAY; k++)
		if (a->inodes[k].mode == 0)
			return true;
	return false;
}

struct array_chain {
	const uint64_t *arrays;
	size_t n;
	bool list_sound; /* the free list is left as it is */
};

/*
 * Whether the list of arrays with a free slot holds exactly the arrays of
 * the chain (n of them) that have one, once each, linked both ways, in
 * any order.
 */
static bool free_list_sound(struct repair *r, const uint64_t *arrays, size_t n)
{
	uint64_t *sorted = malloc((n + 1) * 8);
	bool *seen = calloc(n + 1, sizeof(bool));
	bool sound = sorted && seen;
	size_t listed = 0, with_free = 0;
	if (sound) {
		memcpy(sorted, arrays, n * 8);
		qsort(sorted, n, 8, cmp_off);
	}
	uint64_t prev = 0;
	for (uint64_t off = r->super->free_arrays; sound && off; listed++) {
		uint64_t *at = bsearch(&off, sorted, n, 8, cmp_off);
		struct pmemfile_inode_array *a = (void *)(r->base + off);
		sound = at && !seen[at - sorted] && a->free_prev == prev &&
			array_has_free(a);
		if (!sound)
			break;
		seen[at - sorted] = true;
		prev = off;
		off = a->free_next;
	}
	for (size_t i = 0; sound && i < n; i++) {
		struct pmemfile_inode_array *a = (void *)(r->base + sorted[i]);
		with_free += array_has_free(a);
		/* an array out of the list has both links 0 */
		if (!seen[i] && (a->free_prev || a->free_next))
			sound = false;
	}
	free(sorted);
	free(seen);
	return sound && listed == with_free;
}

static void arrays_rebuild_tx(struct repair *r, void *arg)
{
	struct array_chain *chain = arg;
	const uint64_t *arrays = chain->arrays;
	size_t n = chain->n;
	struct pmemfile_super *s = r->super;
	if (s->ninode_arrays != n) {
		fix(r,
		    "superblock: %lu inode arrays, set to the %lu of the chain",
		    (unsigned long)s->ninode_arrays, (unsigned long)n);
		repair_store64(r, &s->ninode_arrays, n);
	}
	bool links = false, list = false;
	/* the free list in chain order: built from the end */
	uint64_t next_free = 0;
	for (size_t i = n; i-- > 0;) {
		struct pmemfile_inode_array *a = (void *)(r->base + arrays[i]);
		uint64_t chain_prev = i ? arrays[i - 1] : 0;
		if (s->version >= 3 && a->chain_prev != chain_prev) {
			links = true;
			repair_store64(r, &a->chain_prev, chain_prev);
		}
		if (s->version < 2 || chain->list_sound)
			continue;
		uint64_t fn = 0;
		if (array_has_free(a)) {
			fn = next_free;
			if (next_free) {
				struct pmemfile_inode_array *na =
				    (void *)(r->base + next_free);
				list |= na->free_prev != arrays[i];
				repair_store64(r, &na->free_prev, arrays[i]);
			}
			next_free = arrays[i];
		}
		list |= a->free_next != fn;
		repair_store64(r, &a->free_next, fn);
		if (!fn && !array_has_free(a)) {
			list |= a->free_prev != 0;
			repair_store64(r, &a->free_prev, 0);
		}
	}
	if (s->version >= 2 && !chain->list_sound) {
		if (next_free) {
			struct pmemfile_inode_array *head =
			    (void *)(r->base + next_free);
			list |= head->free_prev != 0;
			repair_store64(r, &head->free_prev, 0);
		}
		list |= s->free_arrays != next_free;
		repair_store64(r, &s->free_arrays, next_free);
	}
	if (links)
		fix(r, "inode array chain: back links set");
	if (list)
		fix(r, "list of inode arrays with a free slot: rebuilt from "
		       "the chain");
	if (s->version >= 2)
		repair_array_map(r, arrays, n);
}

/*
 * The chain's back links, the list of arrays with a free slot and the
 * array map rebuilt from the chain of inode arrays, if every array of the
 * chain is an object that holds one. A chain shorter than the superblock
 * says may have lost arrays (and their inodes): it is left as it is.
 */
static void repair_arrays(struct repair *r)
{
	struct pmemfile_super *s = r->super;
	size_t n = 0, cap = 64;
	uint64_t *arrays = malloc(cap * 8);
	if (!arrays)
		return;
	for (uint64_t off = s->inode_arrays; off;) {
		struct cobj *o = object_at(r, off);
		if (!o || o->size < PMEMFILE_INODE_ARRAY_SIZE ||
		    o->owners != 1 || n == r->f.nobjs)
			goto out;
		if (n == cap) {
			uint64_t *a = realloc(arrays, cap * 2 * 8);
			if (!a)
				goto out;
			arrays = a;
			cap *= 2;
		}
		arrays[n++] = off;
		off = ((struct pmemfile_inode_array *)(r->base + off))->next;
	}
	if (n < s->ninode_arrays)
		goto out;
	struct array_chain chain = {arrays, n, false};
	chain.list_sound = s->version < 2 || free_list_sound(r, arrays, n);
	in_tx(r, r->pop, arrays_rebuild_tx, &chain);
out:
	free(arrays);
}

/*
 * The orphan list cut before its first inode that is free, named or
 * listed twice (the inodes after it are then named by nothing, for
 * /lost+found), its back links set.
 */
static void orphan_list_tx(struct repair *r, void *arg)
{
	bool *seen = arg;
	uint64_t *link = &r->super->orphans, prev = 0;
	while (*link) {
		struct cino *ci = inode_at(r, *link);
		struct pmemfile_inode *in = ci ? inode_of(r, *link) : NULL;
		if (!ci || ci->names || in->nlink || seen[ci - r->f.inos]) {
			fix(r,
			    "orphan list: cut before inode 0x%lx, which is "
			    "no orphan",
			    (unsigned long)*link);
			repair_store64(r, link, 0);
			return;
		}
		seen[ci - r->f.inos] = true;
		if (in->orphan_prev != prev) {
			fix(r, "orphan %lu: back link set",
			    (unsigned long)*link);
			repair_store64(r, &in->orphan_prev, prev);
		}
		prev = *link;
		link = &in->orphan_next;
	}
}

static void repair_orphan_list(struct repair *r)
{
	bool *seen = calloc(r->f.ninos + 1, sizeof(bool));
	if (!seen)
		return;
	in_tx(r, r->pop, orphan_list_tx, seen);
	free(seen);
}

/* Whether a lost inode holds nothing: a regular file of no bytes. */
static bool lost_and_empty(struct repair *r, const struct cino *ci)
{
	const struct pmemfile_inode *in = inode_of(r, ci->off);
	return !ci->visited && S_ISREG(in->mode) && in->size == 0 &&
	       in->file.nextents == 0 && in->file.blocks == 0;
}

static void inode_clear_tx(struct repair *r, void *arg)
{
	struct cino *ci = arg;
	fix(r, "inode %lu: named by nothing and empty: cleared",
	    (unsigned long)ci->off);
	repair_store(r, inode_of(r, ci->off), NULL,
		     sizeof(struct pmemfile_inode));
}

/*
 * Lost regular files of no bytes cleared, as e2fsck clears an unattached
 * zero-length inode (a bit flipped in a free slot's mode makes one); the
 * list of arrays with a free slot is set in the next round. Not while a
 * lost directory (which may name one) waits for /lost+found, nor while a
 * directory could not be read.
 */
static void repair_empty_lost(struct repair *r)
{
	if (r->f.unfollowed)
		return;
	for (size_t i = 0; i < r->f.ninos; i++)
		if (!r->f.inos[i].visited &&
		    S_ISDIR(inode_of(r, r->f.inos[i].off)->mode))
			return;
	for (size_t i = 0; i < r->f.ninos; i++)
		if (lost_and_empty(r, &r->f.inos[i]))
			in_tx(r, r->pop, inode_clear_tx, &r->f.inos[i]);
}

/* Inodes in use that nothing names and that are no orphans. */
static size_t count_lost(struct repair *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->f.ninos; i++)
		n += !r->f.inos[i].visited;
	return n;
}

static size_t count_orphans(struct repair *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->f.ninos; i++)
		n += r->f.inos[i].orphan;
	return n;
}

/* The link count an inode the walk reached should have, or 0 if unsure. */
static uint64_t nlink_wanted(struct repair *r, const struct cino *ci)
{
	struct pmemfile_inode *in = inode_of(r, ci->off);
	if (!ci->visited || ci->orphan)
		return 0;
	if (!S_ISDIR(in->mode))
		return ci->names;
	if (ci->names > 1 || (ci->names == 0 && !is_root(r, ci->off)))
		return 0;
	return 2 + ci->subdirs;
}

static void nlink_tx(struct repair *r, void *arg)
{
	struct cino *ci = arg;
	struct pmemfile_inode *in = inode_of(r, ci->off);
	uint64_t want = nlink_wanted(r, ci);
	fix(r, "inode %lu: link count %lu, set to %lu", (unsigned long)ci->off,
	    (unsigned long)in->nlink, (unsigned long)want);
	repair_store64(r, &in->nlink, want);
}

static void repair_links(struct repair *r)
{
	for (size_t i = 0; i < r->f.ninos; i++) {
		struct cino *ci = &r->f.inos[i];
		struct pmemfile_inode *in = inode_of(r, ci->off);
		uint64_t want = nlink_wanted(r, ci);
		if (want && in->nlink != want)
			in_tx(r, r->pop, nlink_tx, ci);
	}
}

static unsigned count_unowned(struct repair *r)
{
	unsigned n = 0;
	for (size_t i = 0; i < r->f.nobjs; i++)
		n += r->f.objs[i].owners == 0;
	return n;
}

static void object_free_tx(struct repair *r, void *arg)
{
	struct cobj *o = arg;
	PMEMoid oid = pmemobj_root(r->pop, sizeof(struct pmemfile_super));
	oid.off = o->off;
	fix(r, "object 0x%lx (type %u, %lu bytes) owned by nothing: freed",
	    (unsigned long)o->off, o->type, (unsigned long)o->size);
	pmemobj_tx_free(oid);
}

static void repair_leaked_objects(struct repair *r)
{
	for (size_t i = 0; i < r->f.nobjs; i++)
		if (r->f.objs[i].owners == 0)
			in_tx(r, r->pop, object_free_tx, &r->f.objs[i]);
}

/*
 * The inodes to link into /lost+found this round: the directories whose
 * parent is not itself lost (the tops of lost trees), or, when every lost
 * directory has a lost parent (a loop), all of them; else the rest, which
 * no lost directory names.
 */
static size_t lost_tops(struct repair *r, uint64_t *out)
{
	size_t n = 0, dirs = 0;
	for (size_t i = 0; i < r->f.ninos; i++) {
		struct cino *ci = &r->f.inos[i];
		struct pmemfile_inode *in = inode_of(r, ci->off);
		if (ci->visited || !S_ISDIR(in->mode))
			continue;
		dirs++;
		struct cino *p = inode_at(r, in->dir.parent);
		if (!p || p->visited || p == ci ||
		    !S_ISDIR(inode_of(r, p->off)->mode))
			out[n++] = ci->off;
	}
	if (n || dirs) {
		if (n == 0)
			for (size_t i = 0; i < r->f.ninos; i++)
				if (!r->f.inos[i].visited &&
				    S_ISDIR(
					inode_of(r, r->f.inos[i].off)->mode))
					out[n++] = r->f.inos[i].off;
		return n;
	}
	/* an inode of no known type is left: it is no file to give back */
	for (size_t i = 0; i < r->f.ninos; i++) {
		mode_t m = inode_of(r, r->f.inos[i].off)->mode;
		if (!r->f.inos[i].visited &&
		    (S_ISREG(m) || S_ISLNK(m) || S_ISFIFO(m) || S_ISSOCK(m) ||
		     S_ISCHR(m) || S_ISBLK(m)))
			out[n++] = r->f.inos[i].off;
	}
	return n;
}

/* /lost+found, made 0700 if missing: its vinode, or NULL. */
static struct vinode *lost_found(struct repair *r, PMEMfilepool *pfp)
{
	pmemfile_stat_t st;
	if (pmemfile_lstat(pfp, "/lost+found", &st) && errno == ENOENT) {
		if (pmemfile_mkdir(pfp, "/lost+found", 0700) ||
		    pmemfile_chmod(pfp, "/lost+found", 0700) ||
		    pmemfile_lstat(pfp, "/lost+found", &st)) {
			if (r->out)
				fprintf(r->out,
					"/lost+found: cannot make it: %s\n",
					strerror(errno));
			return NULL;
		}
		if (r->out)
			fprintf(r->out,
				"/lost+found: missing: made (mode 0700)\n");
		r->fixes++;
	} else if (!S_ISDIR(st.st_mode)) {
		if (r->out)
			fprintf(r->out, "/lost+found: not a directory\n");
		return NULL;
	}
	return vinode_get(pfp, (uint64_t)st.st_ino);
}

struct lost_link {
	PMEMfilepool *pfp;
	struct vinode *lf;
	uint64_t ino;
	const char *name;
};

/* In a transaction: lost inode ino named #ino in directory lf. */
static void link_lost_tx(struct repair *r, void *arg)
{
	struct lost_link *job = arg;
	PMEMfilepool *pfp = job->pfp;
	struct vinode *lf = job->lf;
	uint64_t ino = job->ino;
	const char *name = job->name;
	struct pmemfile_inode *in = pf_ptr(pfp, ino);
	dir_add(pfp, lf, name, strlen(name), ino, (in->mode & S_IFMT) >> 12);
	/* the link counts are set in a later round; an inode of none would
	 * be freed as an orphan */
	if (S_ISDIR(in->mode)) {
		repair_store64(r, &in->dir.parent, lf->off);
		repair_store64(r, &lf->inode->nlink, lf->inode->nlink + 1);
		if (in->nlink < 2)
			repair_store64(r, &in->nlink, 2);
	} else if (in->nlink == 0) {
		repair_store64(r, &in->nlink, 1);
	}
	fix(r, "inode %lu (%s) named by nothing: linked as /lost+found/%s",
	    (unsigned long)ino,
	    S_ISDIR(in->mode)	? "directory"
	    : S_ISREG(in->mode) ? "file"
	    : S_ISLNK(in->mode) ? "symbolic link"
				: "special file",
	    name);
}

/* The orphans of list that the library's open freed, each printed. */
static void report_orphans_freed(struct repair *r, const uint64_t *list,
				 size_t n)
{
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(r->pop, sizeof(struct pmemfile_super)));
	for (size_t i = 0; i < n; i++) {
		bool listed = false;
		uint64_t off = s->orphans;
		for (size_t k = 0; off && k <= n && !listed; k++) {
			listed = off == list[i];
			if (!inode_at(r, off))
				break;
			off = inode_of(r, off)->orphan_next;
		}
		if (listed)
			continue;
		if (r->out)
			fprintf(r->out,
				"orphan %lu (unlinked while open): freed\n",
				(unsigned long)list[i]);
		r->fixes++;
	}
}

/* Lost inode ino linked into lf as #ino, under lf's lock. */
static void repair_lost(struct repair *r, PMEMfilepool *pfp, struct vinode *lf,
			uint64_t ino)
{
	char name[32];
	snprintf(name, sizeof(name), "#%lu", (unsigned long)ino);
	vinode_wrlock(lf);
	if (dir_lookup(pfp, lf, name, strlen(name), NULL)) {
		if (r->out)
			fprintf(r->out,
				"inode %lu named by nothing: /lost+found/%s "
				"exists, left\n",
				(unsigned long)ino, name);
	} else {
		struct lost_link job = {pfp, lf, ino, name};
		if (in_tx(r, pfp->pop, link_lost_tx, &job))
			dir_abort(lf);
	}
	vinode_unlock(lf);
}

/*
 * Through the library: the orphans freed (at the open), the tops of the
 * lost trees linked into /lost+found. The pool is closed for the library
 * and opened again for the next round.
 */
static int repair_through_library(struct repair *r, size_t orphans)
{
	uint64_t *tops = calloc(r->f.ninos + 1, 8);
	uint64_t *orphan_list = calloc(orphans + 1, 8);
	if (!tops || !orphan_list) {
		free(tops);
		free(orphan_list);
		return -ENOMEM;
	}
	size_t ntops = lost_tops(r, tops), norphans = 0;
	for (size_t i = 0; i < r->f.ninos; i++)
		if (r->f.inos[i].orphan)
			orphan_list[norphans++] = r->f.inos[i].off;
	pmemobj_close(r->pop);
	r->pop = NULL;
	PMEMfilepool *pfp = pmemfile_pool_open(r->path);
	if (!pfp) {
		if (r->out)
			fprintf(r->out,
				"%s: the library cannot open the pool (%s): "
				"orphans and lost inodes left\n",
				r->path, pmemfile_errormsg());
	} else {
		struct vinode *lf = ntops ? lost_found(r, pfp) : NULL;
		for (size_t i = 0; lf && i < ntops; i++)
			repair_lost(r, pfp, lf, tops[i]);
		vinode_put(pfp, lf);
		pmemfile_pool_close(pfp);
	}
	int ret = check_pool_open(r->path, NULL, &r->pop, &r->pool_size);
	if (ret == 0) {
		r->base = (char *)r->pop; /* mapped anew */
		report_orphans_freed(r, orphan_list, norphans);
	}
	free(tops);
	free(orphan_list);
	return ret;
}

/* One round: check, then fix. Returns whether something was fixed. */
static int repair_round(struct repair *r, bool *changed)
{
	unsigned before = r->fixes;
	check_found_free(&r->f);
	check_pool_found(r->pop, NULL, &r->f);
	r->base = (char *)r->pop;
	*changed = false;
	if (r->f.fatal)
		return 0;
	r->super =
	    pmemobj_direct(pmemobj_root(r->pop, sizeof(struct pmemfile_super)));
	qsort(r->f.dirs, r->f.ndirs, 8, cmp_off);
	for (size_t i = 0; i < r->f.ndirs; i++)
		if (i == 0 || r->f.dirs[i] != r->f.dirs[i - 1])
			repair_dir(r, r->f.dirs[i]);
	if (r->f.arrays)
		repair_arrays(r);
	if (r->f.orphan_list)
		repair_orphan_list(r);
	repair_empty_lost(r);
	if (r->fixes != before) {
		*changed = true;
		return 0;
	}
	size_t lost = count_lost(r), orphans = count_orphans(r);
	if (lost || orphans) {
		int ret = repair_through_library(r, orphans);
		*changed = r->fixes != before;
		return ret;
	}
	repair_links(r);
	/*
	 * Objects are freed only when the check found nothing else: an
	 * object may look unowned because what owns it could not be read
	 * (an array cut from the chain, a table behind a damaged pointer).
	 */
	if (r->fixes == before && !r->f.unfollowed &&
	    r->f.problems == count_unowned(r))
		repair_leaked_objects(r);
	*changed = r->fixes != before;
	return 0;
}

/* The final check: its problems printed after a heading if there were
 * fixes. Returns how many. */
static unsigned check_again(struct repair *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = r->out ? open_memstream(&text, &len) : NULL;
	unsigned left = check_pool_found(r->pop, mem, &r->f);
	if (mem) {
		fclose(mem);
		if (len && r->fixes)
			fprintf(r->out, "left after the repair:\n");
		fputs(text, r->out);
		free(text);
	}
	return left;
}

int pmemfile_repair_pool(const char *path, FILE *report, int flags,
			 void (*progress)(uint64_t done, uint64_t total),
			 unsigned *fixed, unsigned *left)
{
	struct repair r = {.path = path, .out = report};
	r.f.progress = progress;
	*fixed = *left = 0;
	int ret = check_pool_open(path, report, &r.pop, &r.pool_size);
	if (ret == -EIO)
		*left = 1;
	if (ret)
		return ret == -EIO ? 0 : ret;
	for (int round = 0;
	     (flags & PMEMFILE_REPAIR_FIX) && round < REPAIR_ROUNDS; round++) {
		bool changed;
		ret = repair_round(&r, &changed);
		if (ret || !changed)
			break;
	}
	if (ret == 0) {
		*left = check_again(&r);
		/* orphans are no damage (a crash leaves them, the next open
		 * frees them), but a check that frees nothing says so */
		for (size_t i = 0; report && i < r.f.ninos; i++)
			if (r.f.inos[i].orphan)
				fprintf(report,
					"orphan %lu: unlinked while open, "
					"freed at the next open\n",
					(unsigned long)r.f.inos[i].off);
	}
	*fixed = r.fixes;
	check_found_free(&r.f);
	if (r.pop)
		pmemobj_close(r.pop);
	return ret;
}
