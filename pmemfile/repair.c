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
 * Directories are rebuilt in repair_dir.c, what goes through the library
 * is in repair_lost.c.
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
#include "csum.h"
#include "repair.h"

#define REPAIR_ROUNDS 8

/* The seal of inode in (at off), noted once; NULL without checksums. */
static struct repair_seal *seal_note(struct repair *r,
				     struct pmemfile_inode *in, uint64_t off)
{
	if (!r->csums)
		return NULL;
	for (size_t i = 0; i < r->nseal; i++)
		if (r->seal[i].in == in)
			return NULL;
	if (r->nseal == r->seal_cap) {
		size_t cap = r->seal_cap ? r->seal_cap * 2 : 16;
		struct repair_seal *s = realloc(r->seal, cap * sizeof(*s));
		if (!s)
			pmemobj_tx_abort(ENOMEM);
		r->seal = s;
		r->seal_cap = cap;
	}
	r->seal[r->nseal] = (struct repair_seal){.in = in, .off = off};
	return &r->seal[r->nseal++];
}

void repair_seal_inode(struct repair *r, struct pmemfile_inode *in,
		       uint64_t off)
{
	seal_note(r, in, off);
}

void repair_seal_dirent(struct repair *r, struct pmemfile_dirent *e)
{
	if (!r->csums || e->ino == 0)
		return;
	pmemobj_tx_add_range_direct(&e->csum, sizeof(e->csum));
	e->csum = csum_dirent((uint64_t)((char *)e - r->base), e);
}

static void inode_field(char *buf, size_t size, size_t at, uint32_t mode);

/*
 * In a transaction: inode s->in failed its checksum before the fix; if
 * one byte the fix did not change explains the mismatch now (the fix set
 * what it changed as it was before the damage), that byte is given back.
 */
static void seal_restore(struct repair *r, struct repair_seal *s)
{
	size_t at;
	uint8_t was;
	uint8_t *now = (uint8_t *)s->in;
	if (csum_inode_locate(s->off, s->in, &at, &was) != 1 ||
	    at >= offsetof(struct pmemfile_inode, csum) ||
	    now[at] != ((const uint8_t *)&s->before)[at])
		return;
	char field[64];
	inode_field(field, sizeof(field), at, s->in->mode);
	repair_fix(r,
		   "inode %lu: checksum mismatch explained, once that is "
		   "fixed, by one byte, of its %s: 0x%02x, restored to 0x%02x",
		   (unsigned long)s->off, field, now[at], was);
	pmemobj_tx_add_range_direct(&now[at], 1);
	now[at] = was;
}

/* The checksums of the inodes the transaction changed, stored. */
static void seal_all(struct repair *r)
{
	for (size_t i = 0; i < r->nseal; i++) {
		struct pmemfile_inode *in = r->seal[i].in;
		if (r->seal[i].was_bad && in->mode)
			seal_restore(r, &r->seal[i]);
		uint32_t c = csum_inode(r->seal[i].off, in);
		/* a freed slot is all zero, its checksum too */
		if (in->mode == 0 || in->csum == c)
			continue;
		pmemobj_tx_add_range_direct(&in->csum, sizeof(in->csum));
		in->csum = c;
	}
	r->nseal = 0;
}

/* The inode in use that [off, off + len) of the repair's mapping is in. */
static void seal_if_inode(struct repair *r, const char *dst)
{
	if (!r->csums || dst < r->base || !r->f.inos)
		return;
	uint64_t off = (uint64_t)(dst - r->base);
	size_t lo = 0, hi = r->f.ninos;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->f.inos[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return;
	uint64_t ino = r->f.inos[lo - 1].off;
	if (off >= ino + sizeof(struct pmemfile_inode))
		return;
	struct pmemfile_inode *in = repair_inode(r, ino);
	struct repair_seal *s = seal_note(r, in, ino);
	if (s) {
		s->was_bad = in->mode && in->csum != csum_inode(ino, in);
		s->before = *in;
	}
}

void repair_store(struct repair *r, void *dst, const void *src, size_t len)
{
	/* noted before the store: the inode as it was */
	seal_if_inode(r, dst);
	pmemobj_tx_add_range_direct(dst, len);
	if (src)
		memmove(dst, src, len);
	else
		memset(dst, 0, len);
}

void repair_store64(struct repair *r, uint64_t *dst, uint64_t v)
{
	if (*dst != v)
		repair_store(r, dst, &v, sizeof(v));
}

void repair_fix(struct repair *r, const char *fmt, ...)
{
	va_list ap;
	r->change++;
	va_start(ap, fmt);
	report_line(r->pending_out, fmt, ap);
	va_end(ap);
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

int repair_tx(struct repair *r, PMEMobjpool *pop,
	      void (*fn)(struct repair *r, void *arg), void *arg)
{
	volatile int err = 0;
	tx_begin(r);
	r->nseal = 0;
	TX_BEGIN(pop)
	{
		fn(r, arg);
		seal_all(r);
	}
	TX_ONABORT
	{
		err = errno ? errno : EIO;
		r->nseal = 0;
	}
	TX_END
	tx_end(r, err);
	return err;
}

int repair_cmp_off(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct cobj *repair_object(struct repair *r, uint64_t off)
{
	/* struct cobj starts with its offset */
	return bsearch(&off, r->f.objs, r->f.nobjs, sizeof(*r->f.objs),
		       repair_cmp_off);
}

struct cino *repair_cino(struct repair *r, uint64_t off)
{
	return bsearch(&off, r->f.inos, r->f.ninos, sizeof(*r->f.inos),
		       repair_cmp_off);
}

bool repair_object_holds(struct repair *r, uint64_t off, uint64_t size)
{
	struct cobj *o = repair_object(r, off);
	return o && o->size >= size;
}

/* In a transaction: the array map made the set of the chain's arrays. */
static void repair_array_map(struct repair *r, const uint64_t *arrays, size_t n)
{
	struct pmemfile_super *s = r->super;
	uint64_t words = (s->array_map_pages + 63) / 64;
	if (!repair_object_holds(r, s->array_map, words * 8))
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
		repair_fix(
		    r,
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
		qsort(sorted, n, 8, repair_cmp_off);
	}
	uint64_t prev = 0;
	for (uint64_t off = r->super->free_arrays; sound && off; listed++) {
		uint64_t *at = bsearch(&off, sorted, n, 8, repair_cmp_off);
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
		repair_fix(
		    r,
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
		repair_fix(r, "inode array chain: back links set");
	if (list)
		repair_fix(
		    r, "list of inode arrays with a free slot: rebuilt from "
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
		struct cobj *o = repair_object(r, off);
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
	repair_tx(r, r->pop, arrays_rebuild_tx, &chain);
out:
	free(arrays);
}

struct chain_mend {
	uint64_t *link;
	uint64_t array;
};

static void chain_link_tx(struct repair *r, void *arg)
{
	const struct chain_mend *m = arg;
	if (m->array)
		repair_fix(r,
			   "inode array chain: link at 0x%lx leads to 0x%lx, "
			   "no array: set to 0x%lx, the array of the map whose "
			   "back link names 0x%lx",
			   (unsigned long)((char *)m->link - r->base),
			   (unsigned long)*m->link, (unsigned long)m->array,
			   (unsigned long)r->f.chain_prev);
	else
		repair_fix(r,
			   "inode array chain: link at 0x%lx leads to 0x%lx, "
			   "no array, past the last array: set to 0",
			   (unsigned long)((char *)m->link - r->base),
			   (unsigned long)*m->link);
	repair_store64(r, m->link, m->array);
}

/*
 * The inode array chain cut by a link that leads to no array (the arrays
 * after it, the root's among them, out of reach): the link is set to the
 * array that follows, when exactly one array agrees on it: marked in the
 * array map, an object of an array's size that the chain does not hold,
 * whose back link (layout 3) names the array before the cut. When none
 * does, every array the map marks is in the chain and the chain has as
 * many as the superblock counts, the link was the chain's end: set to 0.
 */
static void repair_chain_link(struct repair *r)
{
	struct pmemfile_super *s = r->super;
	uint64_t words = (s->array_map_pages + 63) / 64;
	if (s->version < 3 || !repair_object_holds(r, s->array_map, words * 8))
		return;
	const uint64_t *map = (const uint64_t *)(r->base + s->array_map);
	struct chain_mend m = {(uint64_t *)(r->base + r->f.chain_link), 0};
	unsigned found = 0;
	uint64_t chained = 0, unchained = 0;
	for (uint64_t page = 0; page < s->array_map_pages; page++) {
		if (!(map[page / 64] >> (page % 64) & 1))
			continue;
		struct cobj *o = repair_object(r, page * 4096);
		if (!o || o->size < PMEMFILE_INODE_ARRAY_SIZE) {
			unchained++;
			continue;
		}
		chained += o->owners == 1;
		unchained += o->owners == 0;
		if (o->owners ||
		    ((struct pmemfile_inode_array *)(r->base + o->off))
			    ->chain_prev != r->f.chain_prev)
			continue;
		m.array = o->off;
		found++;
	}
	if (found == 1 ||
	    (found == 0 && unchained == 0 && chained == s->ninode_arrays))
		repair_tx(r, r->pop, chain_link_tx, &m);
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
		struct cino *ci = repair_cino(r, *link);
		struct pmemfile_inode *in = ci ? repair_inode(r, *link) : NULL;
		if (!ci || ci->names || in->nlink || seen[ci - r->f.inos]) {
			repair_fix(
			    r,
			    "orphan list: cut before inode 0x%lx, which is "
			    "no orphan",
			    (unsigned long)*link);
			repair_store64(r, link, 0);
			return;
		}
		seen[ci - r->f.inos] = true;
		if (in->orphan_prev != prev) {
			repair_fix(r, "orphan %lu: back link set",
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
	repair_tx(r, r->pop, orphan_list_tx, seen);
	free(seen);
}

/* Whether a lost inode holds nothing: a regular file of no bytes. */
static bool lost_and_empty(struct repair *r, const struct cino *ci)
{
	const struct pmemfile_inode *in = repair_inode(r, ci->off);
	return !ci->visited && S_ISREG(in->mode) &&
	       inode_size_any(ci->off, in, r->version) == 0 &&
	       in->file.nextents == 0 && in->file.blocks == 0;
}

static void inode_clear_tx(struct repair *r, void *arg)
{
	struct cino *ci = arg;
	repair_fix(r, "inode %lu: named by nothing and empty: cleared",
		   (unsigned long)ci->off);
	repair_store(r, repair_inode(r, ci->off), NULL,
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
		    S_ISDIR(repair_inode(r, r->f.inos[i].off)->mode))
			return;
	for (size_t i = 0; i < r->f.ninos; i++)
		if (lost_and_empty(r, &r->f.inos[i]))
			repair_tx(r, r->pop, inode_clear_tx, &r->f.inos[i]);
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
	struct pmemfile_inode *in = repair_inode(r, ci->off);
	if (!ci->visited || ci->orphan)
		return 0;
	if (!S_ISDIR(in->mode))
		return ci->names;
	if (ci->names > 1 || (ci->names == 0 && !repair_is_root(r, ci->off)))
		return 0;
	return 2 + ci->subdirs;
}

static void nlink_tx(struct repair *r, void *arg)
{
	struct cino *ci = arg;
	struct pmemfile_inode *in = repair_inode(r, ci->off);
	uint64_t want = nlink_wanted(r, ci);
	repair_fix(r, "inode %lu: link count %lu, set to %lu",
		   (unsigned long)ci->off, (unsigned long)in->nlink,
		   (unsigned long)want);
	repair_store64(r, &in->nlink, want);
}

static void repair_links(struct repair *r)
{
	for (size_t i = 0; i < r->f.ninos; i++) {
		struct cino *ci = &r->f.inos[i];
		struct pmemfile_inode *in = repair_inode(r, ci->off);
		uint64_t want = nlink_wanted(r, ci);
		if (want && in->nlink != want)
			repair_tx(r, r->pop, nlink_tx, ci);
	}
}

/* The name of the field at byte at of an inode of mode mode. */
static void inode_field(char *buf, size_t size, size_t at, uint32_t mode)
{
	static const char *const head[] = {"mode",  "flags",	  "owner",
					   "group", "link count", "link count"};
	static const char *const dir[] = {"parent",
					  "record count",
					  "tombstone count",
					  "hash table",
					  "hash table's size",
					  "block table",
					  "block table's size",
					  "block count"};
	static const char *const ext[] = {"offset", "length", "data"};
	const size_t u = offsetof(struct pmemfile_inode, file);
	const size_t e = offsetof(struct pmemfile_inode, file.e);
	const size_t e_end =
	    e + sizeof(struct pmemfile_extent) * PMEMFILE_INLINE_EXTENTS;
	const char *f = "unused bytes";
	if (at < 24)
		f = head[at / 4];
	else if (at < offsetof(struct pmemfile_inode, mtime))
		f = "size";
	else if (at >= offsetof(struct pmemfile_inode, csum))
		f = "checksum";
	else if (at >= offsetof(struct pmemfile_inode, atime))
		f = "device number";
	else if (S_ISLNK(mode))
		f = "target";
	else if (S_ISDIR(mode) && at < u + sizeof(struct pmemfile_dir_info))
		f = dir[(at - u) / 8];
	else if (S_ISREG(mode) && at < e)
		f = at < u + 8 ? "extent count" : "first extent block";
	else if (S_ISREG(mode) && at < e_end)
		f = NULL;
	if (f)
		snprintf(buf, size, "%s", f);
	else
		snprintf(buf, size, "extent %zu's %s",
			 (at - e) / sizeof(struct pmemfile_extent),
			 ext[(at - e) % sizeof(struct pmemfile_extent) / 8]);
}

struct byte_restore {
	uint64_t ino;
	size_t at;
	uint8_t was;
};

static void byte_restore_tx(struct repair *r, void *arg)
{
	const struct byte_restore *b = arg;
	uint8_t *p = (uint8_t *)repair_inode(r, b->ino) + b->at;
	char field[64];
	inode_field(field, sizeof(field), b->at, repair_inode(r, b->ino)->mode);
	repair_fix(r,
		   "inode %lu: checksum mismatch explained by one byte, of "
		   "its %s: 0x%02x, restored to 0x%02x",
		   (unsigned long)b->ino, field, *p, b->was);
	repair_store(r, p, &b->was, 1);
}

static bool csum_bad(struct repair *r, const struct cino *ci);

/* A byte of a structure (an extent block, a symlink target) at off. */
struct part_restore {
	const struct cext *bad;
	const char *what;
	size_t at;
	uint8_t was;
};

static void part_restore_tx(struct repair *r, void *arg)
{
	const struct part_restore *b = arg;
	uint8_t *p = (uint8_t *)r->base + b->bad->slot + b->at;
	repair_fix(r,
		   "inode %lu: %s at 0x%lx: checksum mismatch explained by "
		   "one byte, at +%zu: 0x%02x, restored to 0x%02x",
		   (unsigned long)b->bad->ino, b->what,
		   (unsigned long)b->bad->slot, b->at, *p, b->was);
	repair_store(r, p, &b->was, 1);
}

/*
 * The extent blocks and long symlink targets that fail their checksums,
 * of inodes that pass theirs, as repair_inode_bytes does inodes.
 */
static void repair_part_bytes(struct repair *r)
{
	for (size_t i = 0; i < r->f.nbad_csum; i++) {
		const struct cext *bad = &r->f.bad_csum[i];
		struct cino *ci = repair_cino(r, bad->ino);
		const struct pmemfile_inode *in = repair_inode(r, bad->ino);
		struct part_restore b = {bad, "extent block", 0, 0};
		int found = 0;
		if (!ci || csum_bad(r, ci))
			continue;
		if (S_ISREG(in->mode)) {
			found = csum_eblock_locate(
			    bad->slot, (void *)(r->base + bad->slot), &b.at,
			    &b.was);
		} else if (S_ISLNK(in->mode)) {
			b.what = "symlink target";
			found = csum_symlink_locate(
			    bad->slot, r->base + bad->slot,
			    inode_size_any(bad->ino, in, r->version) + 1,
			    csum_symlink_get(in), &b.at, &b.was);
		}
		if (found == 1)
			repair_tx(r, r->pop, part_restore_tx, &b);
	}
}

/*
 * Inodes that fail their checksums where one changed byte explains the
 * mismatch (and no other byte would): that byte is given back the value
 * the checksum says it held. The bytes are then as they were written, not
 * merely vouched for; what that byte broke (a count, a pointer) is mended
 * with it.
 */
static void repair_inode_bytes(struct repair *r)
{
	for (size_t i = 0; r->csums && i < r->f.ninos; i++) {
		struct cino *ci = &r->f.inos[i];
		struct byte_restore b = {ci->off, 0, 0};
		if (csum_bad(r, ci) &&
		    csum_inode_locate(ci->off, repair_inode(r, ci->off), &b.at,
				      &b.was) == 1)
			repair_tx(r, r->pop, byte_restore_tx, &b);
	}
}

/*
 * Whether the inode at ino passes the check of its word at byte at (the
 * size word, or a word of a time), and its checksum.
 */
static bool word_passes(uint64_t ino, const struct pmemfile_inode *in,
			size_t at)
{
	const size_t s = offsetof(struct pmemfile_inode, size_word);
	if (in->csum != csum_inode(ino, in))
		return false;
	if (at == s)
		return size_word_valid(ino + s, in->size_word);
	size_t t = at - (at - offsetof(struct pmemfile_inode, mtime)) %
			    sizeof(struct pmemfile_itime);
	return itime_valid(ino + t, (const void *)((const char *)in + t));
}

/*
 * The one change of one byte of the 8-byte word at byte at of the inode
 * at ino after which it passes (word_passes): 1 with the word as it was
 * in *was, 0 when no change would, -1 when several would.
 */
static int word_locate(uint64_t ino, const struct pmemfile_inode *in, size_t at,
		       uint64_t *was)
{
	struct pmemfile_inode copy = *in;
	uint64_t now, w;
	memcpy(&now, (const char *)in + at, sizeof(now));
	int found = 0;
	for (unsigned b = 0; b < 8; b++) {
		for (unsigned x = 1; x < 256; x++) {
			w = now ^ (uint64_t)x << (8 * b);
			memcpy((char *)&copy + at, &w, sizeof(w));
			if (!word_passes(ino, &copy, at))
				continue;
			if (found++)
				return -1;
			*was = w;
		}
	}
	return found;
}

struct word_restore {
	uint64_t ino;
	const char *name;
	size_t at;
	uint64_t was;
};

static void word_restore_tx(struct repair *r, void *arg)
{
	const struct word_restore *b = arg;
	uint64_t *p = (uint64_t *)((char *)repair_inode(r, b->ino) + b->at);
	repair_fix(r,
		   "inode %lu: its %s fails its check, explained by one "
		   "byte: 0x%016lx, restored to 0x%016lx",
		   (unsigned long)b->ino, b->name, (unsigned long)*p,
		   (unsigned long)b->was);
	repair_store(r, p, &b->was, sizeof(b->was));
}

/* A time that fails its check kept as read, its check stored again. */
static void time_reseal_tx(struct repair *r, void *arg)
{
	const struct word_restore *b = arg;
	struct pmemfile_itime *p =
	    (void *)((char *)repair_inode(r, b->ino) + b->at);
	struct pmemfile_time t = itime_value(p);
	if (t.nsec >= 1000000000)
		t.nsec = 0;
	struct pmemfile_itime w = itime_make(b->ino + b->at, t);
	repair_fix(
	    r,
	    "inode %lu: its %s fails its check: kept as read, %ld.%09ld, "
	    "its check stored again",
	    (unsigned long)b->ino, b->name, (long)t.sec, (long)t.nsec);
	repair_store(r, p, &w, sizeof(w));
}

/*
 * Layout 6: a size or a time that fails its check (an inode whose
 * checksum holds). A word that one changed byte explains is given back
 * what it held; else a time, which nothing is found through, is kept as
 * read with its check stored again, while a size is left as it is (then
 * a salvage takes the file's size from its data).
 */
static void repair_inode_words(struct repair *r)
{
	for (size_t i = 0; r->version >= 6 && i < r->f.ninos; i++) {
		struct cino *ci = &r->f.inos[i];
		const struct pmemfile_inode *in = repair_inode(r, ci->off);
		const char *bad;
		if (csum_bad(r, ci) ||
		    (bad = inode_words_bad(ci->off, in)) == NULL)
			continue;
		size_t len;
		struct word_restore b = {ci->off, bad,
					 inode_words_at(bad, &len), 0};
		int found = word_locate(ci->off, in, b.at, &b.was);
		if (found == 0 && len > 8) {
			b.at += 8;
			found = word_locate(ci->off, in, b.at, &b.was);
		}
		if (found == 1) {
			repair_tx(r, r->pop, word_restore_tx, &b);
		} else if (len > 8) {
			b.at = inode_words_at(bad, &len);
			repair_tx(r, r->pop, time_reseal_tx, &b);
		}
	}
}

/* The extents of one file that lead nowhere: found->bad_ext[from, to). */
struct extent_drop {
	uint64_t ino;
	size_t from, to;
};

static bool dropped(struct repair *r, const struct extent_drop *d,
		    uint64_t slot)
{
	for (size_t k = d->from; k < d->to; k++)
		if (r->f.bad_ext[k].slot == slot)
			return true;
	return false;
}

/* Where the slots of a file's extent list are, walked in order. */
struct slot_walk {
	struct pmemfile_extent_block *blk;
	uint64_t next; /* the block after blk */
};

static struct pmemfile_extent *slot_next(struct repair *r,
					 struct pmemfile_file_info *f,
					 struct slot_walk *w, uint64_t i)
{
	if (i < PMEMFILE_INLINE_EXTENTS)
		return &f->e[i];
	uint64_t k = (i - PMEMFILE_INLINE_EXTENTS) % PMEMFILE_EXTENTS_PER_BLOCK;
	if (k == 0) {
		w->blk = (void *)(r->base + w->next);
		w->next = w->blk->next;
	}
	return &w->blk->e[k];
}

/*
 * In a transaction: the file's extents that lead nowhere taken out of its
 * list (the others moved down over them, in order); their bytes read as
 * zeros. Nothing is freed here: an object behind a damaged pointer may be
 * another file's (what nothing owns then is freed by the leak pass).
 */
static void extents_drop_tx(struct repair *r, void *arg)
{
	const struct extent_drop *d = arg;
	struct pmemfile_inode *in = repair_inode(r, d->ino);
	struct pmemfile_file_info *f = &in->file;
	uint64_t n = f->nextents, w = 0;
	struct slot_walk rd = {NULL, f->blocks}, wr = {NULL, f->blocks};
	for (uint64_t i = 0; i < n; i++) {
		struct pmemfile_extent *e = slot_next(r, f, &rd, i);
		if (dropped(r, d, i)) {
			repair_fix(r,
				   "inode %lu: extent %lu+%lu at 0x%lx leads "
				   "to no data of its own: dropped, its bytes "
				   "read as zeros",
				   (unsigned long)d->ino, (unsigned long)e->off,
				   (unsigned long)e->len,
				   (unsigned long)e->data);
			continue;
		}
		struct pmemfile_extent *to = slot_next(r, f, &wr, w);
		if (to != e)
			repair_store(r, to, e, sizeof(*e));
		w++;
	}
	repair_store64(r, &f->nextents, w);
	/* the blocks' checksums cover every slot */
	for (uint64_t b = f->blocks, i = PMEMFILE_INLINE_EXTENTS;
	     r->csums && b && i < n; i += PMEMFILE_EXTENTS_PER_BLOCK) {
		struct pmemfile_extent_block *eb = (void *)(r->base + b);
		uint32_t c = csum_eblock(b, eb);
		if (eb->csum != c) {
			pmemobj_tx_add_range_direct(&eb->csum,
						    sizeof(eb->csum));
			eb->csum = c;
		}
		b = eb->next;
	}
}

/*
 * In a transaction: the extent blocks chained past a file's last extent
 * cut off (they go with the objects nothing owns).
 */
static void extent_tail_tx(struct repair *r, void *arg)
{
	const struct cext *t = arg;
	uint64_t *link = (uint64_t *)(r->base + t->slot);
	repair_fix(r,
		   "inode %lu: extent blocks chained past its last extent "
		   "(from 0x%lx): cut off",
		   (unsigned long)t->ino, (unsigned long)*link);
	repair_store64(r, link, 0);
	uint64_t in_inode = t->ino + sizeof(struct pmemfile_inode);
	if (r->csums && (t->slot < t->ino || t->slot >= in_inode)) {
		/* the link of the last used block: its checksum again */
		uint64_t b =
		    t->slot - offsetof(struct pmemfile_extent_block, next);
		struct pmemfile_extent_block *eb = (void *)(r->base + b);
		pmemobj_tx_add_range_direct(&eb->csum, sizeof(eb->csum));
		eb->csum = csum_eblock(b, eb);
	}
}

/*
 * In a transaction: an extent count the file's blocks cannot hold set to
 * the slots in use, which come first (the others are zero): every extent
 * the list held is kept.
 */
static void extent_count_tx(struct repair *r, void *arg)
{
	const struct cext *t = arg;
	struct pmemfile_file_info *f = &repair_inode(r, t->ino)->file;
	repair_fix(r,
		   "inode %lu: %lu extents, more than its blocks hold: set "
		   "to the %lu slots in use",
		   (unsigned long)t->ino, (unsigned long)f->nextents,
		   (unsigned long)t->slot);
	repair_store64(r, &f->nextents, t->slot);
}

static void repair_extents(struct repair *r)
{
	for (size_t i = 0; i < r->f.next_count; i++)
		repair_tx(r, r->pop, extent_count_tx, &r->f.ext_count[i]);
	for (size_t i = 0; i < r->f.next_tail; i++)
		repair_tx(r, r->pop, extent_tail_tx, &r->f.ext_tail[i]);
	for (size_t i = 0; i < r->f.nbad_ext;) {
		struct extent_drop d = {r->f.bad_ext[i].ino, i, i};
		while (d.to < r->f.nbad_ext && r->f.bad_ext[d.to].ino == d.ino)
			d.to++;
		repair_tx(r, r->pop, extents_drop_tx, &d);
		i = d.to;
	}
}

static void reseal_tx(struct repair *r, void *arg)
{
	struct cino *ci = arg;
	repair_fix(r,
		   "inode %lu: checksum did not match what the inode holds, "
		   "which passed the checks: stored again",
		   (unsigned long)ci->off);
	repair_seal_inode(r, repair_inode(r, ci->off), ci->off);
}

static bool csum_bad(struct repair *r, const struct cino *ci)
{
	const struct pmemfile_inode *in = repair_inode(r, ci->off);
	return in->mode && in->csum != csum_inode(ci->off, in);
}

/*
 * As e2fsck does: an inode that passed every check but its checksum (what
 * it holds, and its link count) gets its checksum stored again, whatever
 * is wrong elsewhere; one with another problem keeps its mismatch, what
 * it holds is not to be vouched for. What is left here changed in more
 * than one byte (repair_inode_bytes gave back a byte that explained it).
 */
static void repair_inode_csums(struct repair *r)
{
	for (size_t i = 0; r->csums && i < r->f.ninos; i++) {
		struct cino *ci = &r->f.inos[i];
		uint64_t want = nlink_wanted(r, ci);
		if (!csum_bad(r, ci) || !ci->visited || ci->flawed ||
		    (want == 0 && !ci->orphan) ||
		    repair_inode(r, ci->off)->nlink != want)
			continue;
		repair_tx(r, r->pop, reseal_tx, ci);
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
	repair_fix(r,
		   "object 0x%lx (type %u, %lu bytes) owned by nothing: freed",
		   (unsigned long)o->off, o->type, (unsigned long)o->size);
	pmemobj_tx_free(oid);
}

static void repair_leaked_objects(struct repair *r)
{
	for (size_t i = 0; i < r->f.nobjs; i++)
		if (r->f.objs[i].owners == 0)
			repair_tx(r, r->pop, object_free_tx, &r->f.objs[i]);
}

struct super_restore {
	struct pmemfile_super *s;
	size_t at;
	uint8_t was;
};

static void super_restore_tx(struct repair *r, void *arg)
{
	const struct super_restore *b = arg;
	uint8_t *p = (uint8_t *)b->s + b->at;
	repair_fix(r,
		   "superblock: checksum mismatch explained by one byte, at "
		   "+%zu: 0x%02x, restored to 0x%02x",
		   b->at, *p, b->was);
	repair_store(r, p, &b->was, 1);
}

/*
 * The superblock (its magic, version, root directories, array map) fails
 * its checksum where one changed byte explains it: that byte given back,
 * before anything else (a bad magic or root stops the check).
 */
static void repair_super_bytes(struct repair *r)
{
	if (!r->csums ||
	    pmemobj_root_size(r->pop) < sizeof(struct pmemfile_super))
		return;
	struct super_restore b = {
	    pmemobj_direct(pmemobj_root(r->pop, sizeof(struct pmemfile_super))),
	    0, 0};
	if (b.s->csum != csum_super(b.s) &&
	    csum_super_locate(b.s, &b.at, &b.was) == 1)
		repair_tx(r, r->pop, super_restore_tx, &b);
}

/* One round: check, then fix. Returns whether something was fixed. */
static int repair_round(struct repair *r, bool *changed)
{
	unsigned before = r->fixes;
	check_found_free(&r->f);
	check_pool_found(r->pop, NULL, &r->f);
	r->base = (char *)r->pop;
	*changed = false;
	repair_super_bytes(r);
	/* (a chain was walked: the superblock is there) */
	if (r->fixes == before && r->f.chain_link) {
		r->super = pmemobj_direct(
		    pmemobj_root(r->pop, sizeof(struct pmemfile_super)));
		repair_chain_link(r);
	}
	if (r->fixes != before)
		*changed = true;
	if (r->f.fatal || *changed)
		return 0;
	r->super =
	    pmemobj_direct(pmemobj_root(r->pop, sizeof(struct pmemfile_super)));
	/* (a round through the library upgrades an older pool) */
	r->version = r->super->version;
	/* first: what the other fixes would act on is then as it was */
	repair_inode_bytes(r);
	if (r->fixes == before)
		repair_part_bytes(r);
	if (r->fixes == before)
		repair_inode_words(r);
	if (r->fixes != before) {
		*changed = true;
		return 0;
	}
	qsort(r->f.dirs, r->f.ndirs, 8, repair_cmp_off);
	for (size_t i = 0; i < r->f.ndirs; i++)
		if (i == 0 || r->f.dirs[i] != r->f.dirs[i - 1])
			repair_dir(r, r->f.dirs[i]);
	if (r->f.arrays)
		repair_arrays(r);
	if (r->f.orphan_list)
		repair_orphan_list(r);
	repair_extents(r);
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
	if (r->fixes == before)
		repair_inode_csums(r);
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
	const struct pmemfile_super *super =
	    pmemobj_direct(pmemobj_root(r.pop, sizeof(struct pmemfile_super)));
	r.csums = super->version >= 5;
	r.version = super->version;
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
	free(r.seal);
	check_found_free(&r.f);
	if (r.pop)
		pmemobj_close(r.pop);
	return ret;
}
