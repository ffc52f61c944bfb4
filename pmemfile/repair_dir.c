// SPDX-License-Identifier: BSD-3-Clause
/*
 * repair_dir.c -- a directory rebuilt from its readable records: records
 * that cannot be read or that name a free inode dropped, wrong types and
 * parents set, the hash table and the counts made from what remains.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dir.h"
#include "csum.h"
#include "repair.h"

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

/*
 * In a transaction: record e (at slot position pos of directory ino) fails
 * its checksum where one changed byte explains it: the byte the checksum
 * says it held is given back (a name, a length or an inode number as it
 * was written), before the record is judged.
 */
static void record_restore(struct repair *r, uint64_t ino,
			   struct pmemfile_dirent *e, uint64_t pos)
{
	static const char *const fields[] = {
	    "inode number", "inode number", "inode number", "inode number",
	    "inode number", "inode number", "inode number", "inode number",
	    "slot count",   "type",	    "name length",  "padding",
	    "checksum",	    "checksum",	    "checksum",	    "checksum"};
	uint64_t off = (uint64_t)((char *)e - r->base);
	size_t at;
	uint8_t was;
	if (e->csum == csum_dirent(off, e) ||
	    csum_dirent_locate(off, e, &at, &was) != 1)
		return;
	uint8_t *p = (uint8_t *)e + at;
	/* the name as far as the block goes */
	uint64_t room =
	    PMEMFILE_DIR_BLOCK_SIZE - 16 - off % PMEMFILE_DIR_BLOCK_SIZE;
	int shown = e->namelen < room ? e->namelen : (int)room;
	if (at < 16)
		repair_fix(r,
			   "directory %lu: record at slot %lu: checksum "
			   "mismatch explained by one byte, of its %s: 0x%02x, "
			   "restored to 0x%02x",
			   (unsigned long)ino, (unsigned long)pos, fields[at],
			   *p, was);
	else
		repair_fix(r,
			   "directory %lu: record at slot %lu: checksum "
			   "mismatch explained by one byte, of its name: "
			   "\"%.*s\", its byte %zu restored to '%c'",
			   (unsigned long)ino, (unsigned long)pos, shown,
			   e->name, at - 16,
			   was >= 32 && was < 127 ? was : '?');
	repair_store(r, p, &was, 1);
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
				repair_fix(
				    r,
				    "directory %lu: free slot %lu not zero: "
				    "cleared",
				    (unsigned long)ino, (unsigned long)pos);
			}
			s++;
			continue;
		}
		if (r->csums)
			record_restore(r, ino, e, pos);
		unsigned n = dir_record_slots(e, pos);
		const char *why = record_damage(e, s);
		if (why) {
			repair_store(r, e, NULL, n * PMEMFILE_DIR_SLOT);
			repair_fix(
			    r,
			    "directory %lu: record at slot %lu unreadable "
			    "(%s): dropped",
			    (unsigned long)ino, (unsigned long)pos, why);
			s += n;
			continue;
		}
		struct cino *ci = repair_cino(r, e->ino);
		if (!ci || repair_is_root(r, e->ino)) {
			repair_fix(
			    r,
			    "directory %lu: \"%.*s\" names %s 0x%lx: record "
			    "dropped",
			    (unsigned long)ino, e->namelen, e->name,
			    ci ? "the root directory" : "a free inode",
			    (unsigned long)e->ino);
			repair_store(r, e, NULL, n * PMEMFILE_DIR_SLOT);
			s += n;
			continue;
		}
		struct pmemfile_inode *in = repair_inode(r, e->ino);
		uint8_t type = (uint8_t)((in->mode & S_IFMT) >> 12);
		/* the type is taken from an inode that passes its checksum
		 * only: a mode changed in more than one byte is left */
		if (e->type != type &&
		    (!r->csums || in->csum == csum_inode(e->ino, in))) {
			repair_fix(
			    r, "directory %lu: \"%.*s\" has type %u: set to %u",
			    (unsigned long)ino, e->namelen, e->name, e->type,
			    type);
			repair_store(r, &e->type, &type, 1);
			repair_seal_dirent(r, e);
		}
		/* as e2fsck: a record that passed the checks, its checksum
		 * stored again */
		if (r->csums &&
		    e->csum !=
			csum_dirent((uint64_t)((char *)e - r->base), e)) {
			repair_fix(r,
				   "directory %lu: \"%.*s\": checksum did not "
				   "match the record, which passed the checks: "
				   "stored again",
				   (unsigned long)ino, e->namelen, e->name);
			repair_seal_dirent(r, e);
		}
		/* a directory's parent is the one that names it */
		if (S_ISDIR(in->mode) && ci->names == 1 &&
		    in->dir.parent != ino) {
			repair_fix(r, "directory %lu: parent %lu, set to %lu",
				   (unsigned long)e->ino,
				   (unsigned long)in->dir.parent,
				   (unsigned long)ino);
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
	/* the entries of the block table to read (nblocks, or btab_cap if
	 * less), and of those, the ones that lead to no directory block */
	uint64_t nblocks;
	const bool *unreadable;
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
	struct pmemfile_dir_info *d = &repair_inode(r, ino)->dir;
	uint64_t *btab = (uint64_t *)(r->base + d->btab);
	size_t nkept = 0;
	if (d->nblocks > job->nblocks)
		repair_fix(r,
			   "directory %lu: %lu blocks, table of %lu: the %lu "
			   "of the table read",
			   (unsigned long)ino, (unsigned long)d->nblocks,
			   (unsigned long)d->btab_cap,
			   (unsigned long)job->nblocks);
	/* blocks are only ever appended: the others move down in order */
	uint64_t n = 0;
	for (uint64_t b = 0; b < job->nblocks; b++) {
		if (job->unreadable[b]) {
			repair_fix(r,
				   "directory %lu: block %lu at 0x%lx is no "
				   "directory block: dropped, with the names "
				   "it held",
				   (unsigned long)ino, (unsigned long)b,
				   (unsigned long)btab[b]);
			continue;
		}
		repair_store64(r, &btab[n++], btab[b]);
	}
	for (uint64_t b = n; b < job->nblocks; b++)
		repair_store64(r, &btab[b], 0);
	repair_store64(r, &d->nblocks, n);
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
		repair_fix(
		    r,
		    "directory %lu: hash table rebuilt from its %lu records "
		    "(counted %lu, %lu tombstones)",
		    (unsigned long)ino, (unsigned long)nkept,
		    (unsigned long)d->nentries, (unsigned long)d->ntomb);
		repair_store(r, old, job->tab, cap * 8);
	} else {
		htab_build(job->tab, job->tab_cap, job->kept, nkept);
		repair_fix(
		    r,
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
 * Directory ino rebuilt from its readable records, if its block table is
 * an object of its own that holds what it says: else it is left as it is.
 * Entries of the table that lead to no directory block (no object, or one
 * of another kind or too small) are dropped, the names of those blocks
 * with them (their inodes, named by nothing then, go to /lost+found); a
 * block that is another's too (owned twice) leaves the directory as it
 * is. A hash table that is no such object, or too small, is replaced.
 */
void repair_dir(struct repair *r, uint64_t ino)
{
	struct pmemfile_dir_info *d = &repair_inode(r, ino)->dir;
	uint64_t nblocks = d->nblocks < d->btab_cap ? d->nblocks : d->btab_cap;
	if (d->nblocks && !repair_object_holds(r, d->btab, d->btab_cap * 8))
		return;
	uint64_t *btab = (uint64_t *)(r->base + d->btab);
	bool *unreadable = calloc(nblocks + 1, sizeof(bool));
	if (!unreadable)
		return;
	for (uint64_t b = 0; b < nblocks; b++) {
		struct cobj *o = repair_object(r, btab[b]);
		unreadable[b] =
		    !o || o->size < PMEMFILE_DIR_BLOCK_SIZE ||
		    (o->type != 0 && o->type != PMEMFILE_T_DIR_BLOCK);
		if (!unreadable[b] && o->owners != 1) {
			free(unreadable);
			return;
		}
	}
	/* the readable ones first, as the rebuild leaves them */
	uint64_t *readable = calloc(nblocks + 1, 8), nread = 0;
	for (uint64_t b = 0; readable && b < nblocks; b++)
		if (!unreadable[b])
			readable[nread++] = btab[b];
	uint64_t cap = d->htab_cap;
	struct cobj *t = repair_object(r, d->htab);
	bool sound = d->htab && cap >= 2 && !(cap & (cap - 1)) && t &&
		     t->size >= cap * 8 && t->owners == 1;
	/* a new table: half full at most, as the library grows one */
	size_t most = readable ? records_at_most(r, readable, nread) : 0;
	uint64_t new_cap = 8;
	while (new_cap / 2 <= most)
		new_cap *= 2;
	uint64_t tab_cap = sound && cap > new_cap ? cap : new_cap;
	struct kept *kept = calloc(most + 1, sizeof(*kept));
	uint64_t *tab = calloc(tab_cap, 8);
	if (readable && kept && tab) {
		struct dir_rebuild job = {ino,	 kept,	  tab,	     new_cap,
					  sound, nblocks, unreadable};
		repair_tx(r, r->pop, dir_rebuild_tx, &job);
	}
	free(readable);
	free(unreadable);
	free(kept);
	free(tab);
}
