/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * internal.h -- the volatile state of a mounted pool, shared by every file
 * of the library. Persistent structures are in layout.h.
 */
#ifndef PMEMFILE_INTERNAL_H
#define PMEMFILE_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <libpmemobj.h>

#pragma GCC visibility push(default)
#include <libpmemfile-posix.h>
#pragma GCC visibility pop

#include "layout.h"

/* Extent sizes: one 4 KiB-aligned allocation class for each. */
#define EXTENT_CLASSES 6
#define EXTENT_MIN 4096ULL
#define EXTENT_MAX (4096ULL << (2 * (EXTENT_CLASSES - 1)))

#define VINODE_SHARDS 64
/* Counters of cached vinodes by hash of their offset (vinode_peek). */
#define VINODE_FILTER 1024

struct vinode;

struct cred {
	uid_t ruid, euid, fsuid;
	gid_t rgid, egid, fsgid;
	gid_t *groups;
	size_t ngroups;
	uint64_t caps;	/* effective: bit per PMEMFILE_CAP_* */
	uint64_t pcaps; /* permitted: what access() has for a real uid 0 */
};

struct vinode_shard {
	pthread_mutex_t lock;
	struct vinode **buckets;
	size_t nbuckets;
	size_t count;
};

struct pmemfilepool {
	PMEMobjpool *pop;
	char *base; /* start of the pool mapping */
	uint64_t uuid_lo;
	struct pmemfile_super *super;
	unsigned class_id[EXTENT_CLASSES]; /* 4K, 16K, 64K, 256K, 1M, 4M */
	int nclasses; /* usable classes in this pool (class_units) */
	dev_t dev;
	uint64_t pool_size; /* bytes of the pool file */
	/* 4 MiB regions of the mapping this process has populated */
	_Atomic(uint8_t) *populated;
	/* the pool file for big first reads (direct.c), -1 if none */
	int direct_fd;
	dev_t direct_dev;
	ino_t direct_ino;
	/* 64 KiB chunks of the pool: read so once, mapped for a write */
	_Atomic(uint8_t) *direct_read;

	struct vinode *root;

	pthread_rwlock_t cred_lock; /* creds, umask, cwd */
	struct cred cred;
	mode_t umask;
	struct vinode *cwd;

	struct vinode_shard shards[VINODE_SHARDS];
	/*
	 * Cached vinodes per VINODE_FILTER hash of their offset, changed
	 * under the shard lock with the cache: a zero says without a lock
	 * that an inode has no vinode (most inodes a stat reads).
	 */
	_Atomic(uint32_t) vcached[VINODE_FILTER];

	/*
	 * What an inode offset may point in: for each 4 KiB page of the
	 * pool, k + 1 when it is page k of an inode array, else 0. Read
	 * without a lock (inode_off_valid); set under ialloc_lock before
	 * any slot of a new array is used. An anonymous mapping of
	 * ipages_len bytes, backed only where arrays are.
	 */
	_Atomic(uint8_t) *ipages;
	size_t ipages_len;
	/* The inode arrays found at open, sorted (inode_slots_scan). */
	uint64_t *iarrays;
	size_t niarrays;

	pthread_mutex_t ialloc_lock; /* free inode slots, ipages */
	uint64_t *free_inodes;
	size_t nfree_inodes, free_inodes_cap;

	pthread_mutex_t orphan_lock; /* the persistent orphan list */
	pthread_mutex_t rename_lock; /* renames across directories */
};

static inline void *pf_ptr(PMEMfilepool *pfp, uint64_t off)
{
	return off ? pfp->base + off : NULL;
}

static inline uint64_t pf_off(PMEMfilepool *pfp, const void *p)
{
	return p ? (uint64_t)((const char *)p - pfp->base) : 0;
}

/*
 * Whether [off, off + len) lies inside the pool, past its first page: an
 * offset read from the pool is checked so before it is followed.
 */
static inline bool pf_in_pool(PMEMfilepool *pfp, uint64_t off, uint64_t len)
{
	return off >= 4096 && len <= pfp->pool_size &&
	       off <= pfp->pool_size - len;
}

/* Reports damage found in inode ino (errormsg) and returns -EIO. */
int pf_damaged(PMEMfilepool *pfp, uint64_t ino, const char *what);

static inline PMEMoid pf_oid(PMEMfilepool *pfp, uint64_t off)
{
	PMEMoid oid = {pfp->uuid_lo, off};
	return oid;
}

/* Adds [p, p + len) of the pool to the current transaction. */
static inline void tx_add(PMEMfilepool *pfp, const void *p, size_t len)
{
	pmemobj_tx_add_range_direct(p, len);
	(void)pfp;
}

/* The errno of an aborted transaction, as the kernel would report it. */
int tx_error(void);

/* Now, by the coarse clock the kernel stamps files with. */
static inline void pf_time_now(struct pmemfile_time *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	t->sec = ts.tv_sec;
	t->nsec = ts.tv_nsec;
}

/*
 * Registers the extent classes (needed before allocating or walking) for a
 * pool of pool_size bytes; classes [0, *nclasses) are usable, the ids of
 * the others repeat the last usable one.
 */
int pool_register_classes(PMEMobjpool *pop, uint64_t pool_size, unsigned *ids,
			  int *nclasses);

/* 0 if path may be given to pmemobj_open, else -EINVAL (errormsg set):
 * a file too small for a pool would kill the process with SIGBUS. */
int pool_file_check(const char *path);

/* Bytes of the pool that files can fill, at best (an estimate). */
uint64_t pool_usable_bytes(PMEMfilepool *pfp);

/* Sets errno from a -errno result and returns -1; passes others through. */
static inline long pf_ret(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void pf_set_errormsg(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
