/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vinode.h -- volatile inodes: the in-memory side of a persistent inode,
 * cached by inode offset and reference counted.
 */
#ifndef PMEMFILE_VINODE_H
#define PMEMFILE_VINODE_H

#include <stdatomic.h>
#include <sys/stat.h>

#include "internal.h"

/* One extent in the volatile index (sorted by off, never overlapping). */
struct vext {
	uint64_t off;
	uint64_t len;
	char *data;
};

struct vdir;
struct rlock;
struct share_lease;

void lease_end_vinode(struct vinode *v);

struct vinode {
	uint64_t off; /* offset of the persistent inode: its identity */
	struct pmemfile_inode *inode;
	/*
	 * Protects the inode's persistent fields and everything below:
	 * readers of a file's data and size take it shared, anything that
	 * changes them takes it exclusive.
	 */
	pthread_rwlock_t lock;

	unsigned long ref;    /* under the shard lock */
	bool dead;	      /* inode freed, vinode out of the cache */
	struct vinode *hnext; /* shard chain */

	/* Regular files: the extent index, built on first use. */
	pthread_mutex_t ext_build;
	atomic_bool ext_loaded;
	struct vext *ext;
	size_t next, ext_cap;
	uint64_t *eblocks; /* persistent extent blocks, in chain order */
	size_t neblocks;
	/*
	 * Regular files: live pmemfile_pin_pages pins (under the exclusive
	 * lock). While there are any, no extent is freed or moved.
	 */
	unsigned long pins;
	/*
	 * Regular files: the segment's entry of a client's lease on the
	 * file (lease.h), NULL if none. Set under the exclusive lock; the
	 * next holder of the exclusive lock ends the lease first.
	 */
	_Atomic(struct share_lease *) lease;

	/*
	 * A removed directory still in use: a reference to the directory it
	 * was removed from, kept as the kernel's dentry keeps its parent, so
	 * that its ".." stays a directory (removed too, perhaps) until the
	 * last reference goes.
	 */
	struct vinode *removed_from;

	/* Directories: free slots of the blocks, built on first insert. */
	struct vdir *vdir;
	/*
	 * Directories: tag bits, record position and inode offset of each
	 * hash table entry (dhint[1 + i], see hint_pack in dir.c) for the
	 * table at dhint[0], so that a lookup fetches the record and the
	 * inode at once without reading the table. Built by a stat (under
	 * ext_build), changed with the table and freed under the exclusive
	 * lock, dropped by an aborted insert: a nonzero entry is exact, a
	 * zero one sends the lookup to the table.
	 */
	uint64_t *dhint;
	/*
	 * Lookups by a stat in this directory while it had no hint: the
	 * hint is built once they pass a sixteenth of the table's capacity,
	 * so that a process that looks up a few names in a big directory
	 * does not read all of its records (dir_lookup_inode).
	 */
	uint64_t dhint_wait;

	/* Advisory locks (fcntl record locks and flock). */
	pthread_mutex_t lk_mutex;
	/*
	 * Bumped (under lk_mutex) whenever a lock goes, and woken: a blocking
	 * lock waits on it in a futex, which a signal handler without
	 * SA_RESTART interrupts (EINTR, as the kernel's flock and F_SETLKW:
	 * flock -w times out so), where a condition variable's wait did not.
	 */
	_Atomic uint32_t lk_seq;
	unsigned lk_waiters; /* threads in that wait, under lk_mutex */
	struct rlock *rlocks;
	const void *flock_owner; /* holder of an exclusive flock */
	unsigned flock_shared;	 /* number of shared flocks */
};

int vinode_cache_init(PMEMfilepool *pfp);
void vinode_cache_fini(PMEMfilepool *pfp);

/* A reference to the vinode of the inode at off (created if needed). */
struct vinode *vinode_get(PMEMfilepool *pfp, uint64_t off);
/*
 * The same, for an inode the caller has just created at off: a vinode still
 * cached for off is the one of the inode freed there before, and is
 * replaced.
 */
struct vinode *vinode_get_new(PMEMfilepool *pfp, uint64_t off);
struct vinode *vinode_ref(PMEMfilepool *pfp, struct vinode *v);
/* A reference to the cached vinode of off, or NULL if none is cached. */
struct vinode *vinode_peek(PMEMfilepool *pfp, uint64_t off);
/* Drops a reference; the last one of an unlinked inode frees it. */
void vinode_put(PMEMfilepool *pfp, struct vinode *v);
/* Whether v has references other than the caller's one. */
bool vinode_shared(PMEMfilepool *pfp, struct vinode *v);
/* After a committed inode_free of v: takes v out of the cache (if a new
 * inode in its slot has not done so already). */
void vinode_forget(PMEMfilepool *pfp, struct vinode *v);

static inline void vinode_rdlock(struct vinode *v)
{
	pthread_rwlock_rdlock(&v->lock);
}
/* Anything that changes a file takes this: a client's lease ends first. */
static inline void vinode_wrlock(struct vinode *v)
{
	pthread_rwlock_wrlock(&v->lock);
	if (__builtin_expect(
		atomic_load_explicit(&v->lease, memory_order_relaxed) != NULL,
		0))
		lease_end_vinode(v);
}
static inline void vinode_unlock(struct vinode *v)
{
	pthread_rwlock_unlock(&v->lock);
}

static inline bool vinode_is_dir(struct vinode *v)
{
	return S_ISDIR(v->inode->mode);
}
static inline bool vinode_is_reg(struct vinode *v)
{
	return S_ISREG(v->inode->mode);
}
static inline bool vinode_is_lnk(struct vinode *v)
{
	return S_ISLNK(v->inode->mode);
}

/* Sets mtime and ctime of v (inside a transaction when tx). */
void vinode_touch(PMEMfilepool *pfp, struct vinode *v, bool tx);
void vinode_touch_ctime(PMEMfilepool *pfp, struct vinode *v);

#endif
