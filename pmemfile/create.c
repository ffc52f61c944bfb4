// SPDX-License-Identifier: BSD-3-Clause
/*
 * create.c -- new inodes.
 *
 * A creation is all or nothing after a crash: the inode slot
 * (inode_alloc.c), the record in the directory and the directory's
 * counters and times. Where nothing is allocated, one publish of
 * libpmemobj's redo log stores what makes the file exist
 * (create_published); else one transaction does all.
 */
#include <libpmem.h>
#include <string.h>
#include <sys/stat.h>

#include "csum.h"
#include "create.h"
#include "cred.h"
#include "dir.h"
#include "inode.h"

int may_change_dir(PMEMfilepool *pfp, struct vinode *dir)
{
	if (dir->inode->nlink == 0)
		return -ENOENT;
	return perm_check(pfp, dir->inode, 3, false);
}

mode_t create_mode(PMEMfilepool *pfp, mode_t mode)
{
	pthread_rwlock_rdlock(&pfp->cred_lock);
	mode_t m = mode & ~(pf_caller ? pf_caller->umask : pfp->umask) & 07777;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return m;
}

/* The target of a new symlink at off, into in (the inode or its image); in
 * a transaction where it is not inline. */
static void symlink_store(PMEMfilepool *pfp, struct pmemfile_inode *in,
			  uint64_t off, const char *target)
{
	size_t len = strlen(target);
	in->size_word = size_word_make(
	    off + offsetof(struct pmemfile_inode, size_word), len);
	if (len < PMEMFILE_SYMLINK_INLINE) {
		memcpy(in->target, target, len + 1);
		return;
	}
	PMEMoid o = pf_tx_xalloc(pfp, len + 1, PMEMFILE_T_SYMLINK, 0);
	memcpy(pmemobj_direct(o), target, len + 1);
	*(uint64_t *)in->target = o.off;
	csum_symlink_put(in, csum_symlink(o.off, target, len + 1));
}

/* Fills a fresh inode of dir at off (in: the inode or its image). */
static void inode_setup(PMEMfilepool *pfp, struct vinode *dir,
			struct pmemfile_inode *in, uint64_t off, dev_t rdev,
			const char *target)
{
	struct pmemfile_inode *d = dir->inode;
	if (d->mode & S_ISGID) {
		in->gid = d->gid;
		if (S_ISDIR(in->mode))
			in->mode |= S_ISGID;
	}
	in->rdev = rdev;
	if (S_ISDIR(in->mode))
		dir_init(in, dir->off);
	else
		in->nlink = 1;
	if (S_ISLNK(in->mode))
		symlink_store(pfp, in, off, target);
}

/* The actions of a publish of a create: the inode's mode word, the
 * record's words (up to PUB_SLOTS slots), its table entry, dir's counts,
 * link count, times and checksum word. */
#define PUB_SLOTS 9
#define PUB_ACTS                                                            \
	(1 + INODE_PICK_WORDS + PUB_SLOTS * PMEMFILE_DIR_SLOT / 8 + 1 + 3 + \
	 4 + 1)

struct pub {
	PMEMobjpool *pop;
	struct pobj_action act[PUB_ACTS];
	size_t n;
};

/* The word at p to become v, unless it is v already. */
static void pub_word(struct pub *p, void *at, uint64_t v)
{
	if (*(uint64_t *)at != v)
		pmemobj_set_value(p->pop, &p->act[p->n++], at, v);
}

/* The words of [at, at + len) to become those of src. */
static void pub_words(struct pub *p, void *at, const void *src, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v;
		memcpy(&v, (const char *)src + i, 8);
		pub_word(p, (char *)at + i, v);
	}
}

/* Where the inode's pad32 and csum share the 8-byte word published, and
 * mode and flags the first one. */
_Static_assert(offsetof(struct pmemfile_inode, pad32) % 8 == 0 &&
		   offsetof(struct pmemfile_inode, csum) ==
		       offsetof(struct pmemfile_inode, pad32) + 4 &&
		   offsetof(struct pmemfile_inode, flags) == 4,
	       "published words");

/*
 * A create without a transaction, where nothing is allocated: a free
 * inode slot of an array with one (inode_slot_pick), the record in free
 * slots of a block and a free entry of the table dir has (dir_place), no
 * long symlink target. Nothing reads a free slot but its mode (stale
 * bytes after a free are the rule), so the inode's bytes are written and
 * persisted in place first; what makes the file exist is then stored by
 * one pmemobj_publish, from one redo log, all or none after a crash as
 * the transaction was: the inode's mode word (and the list links that
 * take its array out of the list of arrays with a free slot, where it was
 * the last), the record's words (free slots are all zero, which the checker
 * verifies, so they too go through the log), its table entry, and dir's entry
 * count (its tombstone count and link count where they change), times and
 * checksum word (computed on a copy). -EAGAIN where the transaction is
 * needed, else 0 with *ino set, or -errno (nothing changed).
 */
static int create_published(PMEMfilepool *pfp, struct vinode *dir,
			    const char *name, size_t len, mode_t mode,
			    dev_t rdev, const char *target, uint64_t *ino)
{
	if (pmemobj_tx_stage() != TX_STAGE_NONE ||
	    (S_ISLNK(mode) && strlen(target) >= PMEMFILE_SYMLINK_INLINE) ||
	    16 + len > PUB_SLOTS * PMEMFILE_DIR_SLOT)
		return -EAGAIN;
	if (pf_heap_check(pfp))
		return -EIO;
	struct dir_place pl;
	int r = dir_place(pfp, dir, name, len, &pl);
	if (r)
		return r;
	if (inode_slot_lock(pfp))
		return -EAGAIN;
	struct pf_word unlist[INODE_PICK_WORDS];
	size_t nunlist;
	uint64_t off = inode_slot_pick(pfp, unlist, &nunlist);
	if (!off) {
		inode_slot_unlock(pfp);
		return -EAGAIN;
	}
	struct pub p; /* not zeroed: the actions are 3 KiB */
	p.pop = pfp->pop;
	p.n = 0;
	for (size_t k = 0; k < nunlist; k++)
		pub_word(&p, unlist[k].at, unlist[k].v);
	struct pmemfile_time now;
	pf_time_now(&now);

	struct pmemfile_inode img;
	inode_image(pfp, &img, off, mode, now);
	inode_setup(pfp, dir, &img, off, rdev, target);
	if (pfp->csums)
		img.csum = csum_inode(off, &img);
	char *slot = pf_ptr(pfp, off);
	pmemobj_memcpy_persist(pfp->pop, slot + 8, (char *)&img + 8,
			       sizeof(img) - 8);
	pub_words(&p, slot, &img, 8);

	union {
		struct pmemfile_dirent r;
		char b[PUB_SLOTS * PMEMFILE_DIR_SLOT];
	} rec;
	size_t rlen = pl.n * PMEMFILE_DIR_SLOT;
	memset(rec.b, 0, rlen);
	rec.r.ino = off;
	rec.r.nslots = (uint8_t)pl.n;
	rec.r.type = (uint8_t)inode_dtype(mode);
	rec.r.namelen = (uint8_t)len;
	memcpy(rec.r.name, name, len);
	rec.r.csum = csum_dirent(pf_off(pfp, pl.record), &rec.r);
	pub_words(&p, pl.record, rec.b, rlen);
	pmemobj_set_value(p.pop, &p.act[p.n++], pl.entry,
			  pl.tag << 32 | (pl.pos + 1));

	struct pmemfile_inode *d = dir->inode;
	struct pmemfile_inode next = *d;
	next.dir.nentries++;
	if (*pl.entry == UINT64_MAX) /* a tombstone */
		next.dir.ntomb--;
	if (S_ISDIR(mode))
		next.nlink++;
	next.mtime =
	    itime_make(dir->off + offsetof(struct pmemfile_inode, mtime), now);
	next.ctime =
	    itime_make(dir->off + offsetof(struct pmemfile_inode, ctime), now);
	pub_word(&p, &d->dir.nentries, next.dir.nentries);
	pub_word(&p, &d->dir.ntomb, next.dir.ntomb);
	pub_word(&p, &d->nlink, next.nlink);
	pub_words(&p, &d->mtime, &next.mtime, 2 * sizeof(next.mtime));
	if (pfp->csums) {
		next.csum = csum_inode(dir->off, &next);
		pub_words(&p, &d->pad32, &next.pad32, 8);
	}
	if (pmemobj_publish(p.pop, p.act, p.n)) {
		int err = errno == ENOMEM || errno == 0 ? ENOSPC : errno;
		pmemobj_cancel(p.pop, p.act, p.n);
		inode_slot_unpick(pfp, off);
		inode_slot_unlock(pfp);
		return -err;
	}
	inode_slot_unlock(pfp);
	dir_placed(pfp, dir, &pl);
	*ino = off;
	return 0;
}

int create_locked(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		  size_t len, mode_t mode, dev_t rdev, const char *target,
		  struct vinode **out)
{
	uint64_t got = 0;
	int r = create_published(pfp, dir, name, len, mode, rdev, target, &got);
	if (r == 0)
		return out && !(*out = vinode_get_new(pfp, got)) ? -errno : 0;
	if (r != -EAGAIN)
		return r;
	volatile uint64_t ino = 0;
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		struct pmemfile_inode *in = inode_new(pfp, mode);
		ino = pf_off(pfp, in);
		inode_setup(pfp, dir, in, ino, rdev, target);
		dir_add(pfp, dir, name, len, ino, inode_dtype(mode));
		if (S_ISDIR(mode))
			dir->inode->nlink++;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err) {
		dir_abort(dir);
		return -err;
	}
	if (out) {
		*out = vinode_get_new(pfp, ino);
		if (!*out)
			return -errno;
	}
	return 0;
}

int create_tmpfile(PMEMfilepool *pfp, struct vinode *dir, mode_t mode,
		   bool linkable, struct vinode **out)
{
	volatile uint64_t ino = 0;
	volatile int err = 0;
	pthread_mutex_lock(&pfp->orphan_lock);
	PF_TX_BEGIN(pfp)
	{
		struct pmemfile_inode *in = inode_new(pfp, mode);
		ino = pf_off(pfp, in);
		inode_setup(pfp, dir, in, ino, 0, "");
		in->nlink = 0;
		in->flags = linkable ? PMEMFILE_I_LINKABLE : 0;
		orphan_add(pfp, ino);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	pthread_mutex_unlock(&pfp->orphan_lock);
	if (err)
		return -err;
	*out = vinode_get_new(pfp, ino);
	return *out ? 0 : -errno;
}
