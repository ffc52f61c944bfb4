/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * internal.h -- the volatile state of a mounted pool, shared by every file
 * of the library. Persistent structures are in layout.h.
 */
#ifndef PMEMFILE_INTERNAL_H
#define PMEMFILE_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <libpmemobj.h>

#pragma GCC visibility push(default)
#include <libpmemfile-posix.h>
#pragma GCC visibility pop

#include "layout.h"
#include "words.h"

/* Extent sizes: one 4 KiB-aligned allocation class for each. */
#define EXTENT_CLASSES 6
#define EXTENT_MIN 4096ULL
#define EXTENT_MAX (4096ULL << (2 * (EXTENT_CLASSES - 1)))
/* Units' worth of every run of an extent class (pool.c). */
#define RUN_UNITS 64
/*
 * The class of inode arrays (PMEMFILE_INODE_ARRAY_SIZE units), after the
 * extent classes in class_id: its runs are one chunk (ARRAY_RUN_UNITS
 * asked, one less given), so that a new array finds room wherever a
 * chunk is free.
 */
#define ARRAY_CLASS EXTENT_CLASSES
#define POOL_CLASSES (EXTENT_CLASSES + 1)
#define ARRAY_RUN_UNITS 15

/* log2 of the entries of the table of extent blocks checked (csum.c) */
#define CSUM_SEEN_BITS 10

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

struct lease_client;

/*
 * Calls a client posts without waiting for their answer because it knows
 * the answer (remote.c, rc_may_post): attribute changes of a description
 * whose permission the caller's capabilities grant. The holder runs them
 * in the order they were posted (seq) and before anything that could see
 * them: before any other call of another process (keeper.c) and before
 * each call of its own (pool_check), so that a change a client was told
 * was made is seen by whoever asks next, as the kernel's would be. A
 * client's releases are posted so too, quietly: without waking the keeper
 * (remote.c, rc_post_quiet). In the segment (share.h); here so that
 * pool_check can look at it.
 */
struct share_order {
	_Atomic uint32_t posted;  /* set after a post: something to run */
	_Atomic uint32_t serving; /* a thread of the holder runs them */
	_Atomic uint64_t seq;	  /* the last place given */
	_Atomic uint32_t quiet;	  /* set after a quiet post */
};

/*
 * Whether posted calls wait to be run, or are being run: what a client's
 * call under a lease waits for. Quiet posts are not counted: a client's
 * releases of descriptions (remote.c, rc_post_quiet), which change
 * nothing another client sees through its own leases.
 */
static inline bool share_order_pending(struct share_order *o)
{
	return o &&
	       __builtin_expect(
		   (atomic_load_explicit(&o->posted, memory_order_acquire) |
		    atomic_load_explicit(&o->serving, memory_order_acquire)) !=
		       0,
		   0);
}

/* Whether the holder has posts to run before its own call, quiet or not. */
static inline bool share_order_due(struct share_order *o)
{
	return o &&
	       __builtin_expect(
		   (atomic_load_explicit(&o->posted, memory_order_acquire) |
		    atomic_load_explicit(&o->quiet, memory_order_acquire) |
		    atomic_load_explicit(&o->serving, memory_order_acquire)) !=
		       0,
		   0);
}

/*
 * Runs, in this process that holds the pool (its segment mapped), the
 * calls other processes posted, in their order (keeper.c); how many.
 * pool_check calls it for the process's own calls.
 */
int keeper_order(PMEMfilepool *pfp);

struct pmemfilepool {
	PMEMobjpool *pop;
	char *base; /* start of the pool mapping */
	/*
	 * The run headers of the heap (objcheck_runs): 1 to be checked, 0
	 * found sound (or not to be checked: a pool set, a pool made here),
	 * -1 damaged; heap_size is the size objcheck_file checked.
	 */
	_Atomic int heap_state;
	uint64_t heap_size;
	uint64_t uuid_lo;
	struct pmemfile_super *super;
	unsigned
	    class_id[POOL_CLASSES]; /* 4K, 16K, 64K, 256K, 1M, 4M, arrays */
	/* classes [0, nclasses) hold file data (pool_class_units) */
	int nclasses;
	dev_t dev;
	uint64_t pool_size; /* bytes of the pool file */
	/* 4 MiB regions of the mapping this process has populated */
	_Atomic(uint8_t) *populated;
	int durability;	     /* enum pmemfile_durability (info.h), at open */
	struct jmode *jmode; /* the journal durability's state, or NULL */
	char *map_path;	     /* the file the pool is mapped from, if known */
	/* the pool file for big first reads (direct.c), -1 if none */
	int direct_fd;
	bool direct_writable; /* opened for writing: fallocate works */
	dev_t direct_dev;
	ino_t direct_ino;
	uint64_t direct_checked; /* fd_is_kept */
	/* 64 KiB chunks of the pool: read so once, mapped for a write */
	_Atomic(uint8_t) *direct_read;

	struct vinode *root;

	pthread_rwlock_t cred_lock; /* creds, umask, cwd */
	struct cred cred;
	mode_t umask;
	struct vinode *cwd;

	/*
	 * The superblock's array map (inode_alloc.c), checked at open: a
	 * bit for each page of the pool where an inode array starts. Read
	 * without a lock (inode_off_valid).
	 */
	uint64_t *array_map;
	uint64_t array_map_pages;
	/*
	 * Under the superblock's alloc_lock: the array new inodes come from
	 * and a bit for each of its slots taken as far as this process knows
	 * (a hint: a slot is checked before it is used, and the array is
	 * read again before it leaves the free list).
	 */
	uint64_t alloc_array;
	uint64_t alloc_taken;

	/*
	 * The metadata checksums (csum.c) are stored and checked: the pool
	 * is of layout 5 (made so, or upgraded at this open).
	 */
	bool csums;
	/* The checks of the inodes' sizes and times (layout 6) likewise. */
	bool words;
	pthread_mutex_t orphan_lock; /* the persistent orphan list */
	pthread_mutex_t rename_lock; /* renames across directories */

	/*
	 * Several processes (share.h). local_pid is the process in which
	 * this handle is the open pool: the holder's (0 for a pool opened
	 * without a segment, which is used by whoever has it; -1 for a
	 * client's handle, local nowhere). Anywhere
	 * else (a fork
	 * child, a vfork child, a handle opened while another process held
	 * the pool, a holder that handed the pool over) every call goes to
	 * the holder (remote.c), and only what follows is used.
	 */
	pid_t local_pid;
	struct share_seg *share;
	/* &share->order while the segment is mapped, else NULL */
	struct share_order *order;
	size_t share_size;
	int share_fd;	 /* holds a shared flock on the segment's file */
	dev_t share_dev; /* that file's, to know share_fd is still it */
	ino_t share_ino;
	char share_name[128]; /* that file */
	char *path;	      /* the pool file, absolute */
	int proc;	 /* this process's slot in share, -1 until needed */
	pid_t proc_pid;	 /* the process proc was claimed for */
	uint16_t *crefs; /* a client's handles per description id */
	struct lease_client *leases; /* a client's leases (lease.c) */
	/*
	 * A client asked for a lock: it waits for its leave's answer. It
	 * had a writer's lease (whose storage reserved past the end is freed
	 * when it ends): its leave wakes the keeper (remote_leave).
	 */
	bool client_locked;
	bool client_reserved;
	char ccwd[PMEMFILE_PATH_MAX]; /* a client's cwd in the pool */
	/*
	 * A client's cwd as a description the keeper made at its chdir
	 * (NULL if none: a cwd taken from the shim, pmemfile_cwd_adopt):
	 * relative paths are resolved from it, as the kernel's from the
	 * directory itself, whatever renames or makes another process
	 * does; ccwd is its path at share_seg.names_gen ccwd_names.
	 */
	PMEMfile *ccwd_file;
	uint64_t ccwd_names;
	uint64_t ccwd_ino; /* its inode number, from its last chdir */
	pthread_t keeper;
	bool keeper_running;
	_Atomic int keeper_stop;
	pthread_mutex_t ofds_lock; /* the list of descriptions */
	struct ofd *ofds;

	/* env.c: PMEMFILE_BLOCK_SIZE (0: sizes by need) ... */
	uint64_t block_size;
	/* ... and whether an append is given room for as much again */
	int overallocate;
	/* pmemfile_pool_suspend was called, resume was not yet */
	int suspended;
	/* the pool file, which pmemfile_pool_resume must be given */
	dev_t file_dev;
	ino_t file_ino;

	/*
	 * The holder's big tables last: a client's handle, allocated in
	 * zero pages of its own (pool_handle_alloc), never touches them.
	 */
	struct vinode_shard shards[VINODE_SHARDS];
	/*
	 * Cached vinodes per VINODE_FILTER hash of their offset, changed
	 * under the shard lock with the cache: a zero says without a lock
	 * that an inode has no vinode (most inodes a stat reads).
	 */
	_Atomic(uint32_t) vcached[VINODE_FILTER];
	/*
	 * Extent blocks whose checksum this process found right, by a hash
	 * of their offset (a later block of the same hash takes the entry,
	 * and is checked again when it comes back): bounded, and a block
	 * is read once a process at most times for each time it left.
	 */
	_Atomic(uint64_t) csum_seen[1 << CSUM_SEEN_BITS];
};

/*
 * pool.c: zero pages of their own (touched, so faulted in, only where
 * used), freed with their size; a pool handle in them, freed with its
 * path, map_path and crefs.
 */
void *pool_zalloc(size_t size);
void pool_zfree(void *p, size_t size);
PMEMfilepool *pool_handle_alloc(void);
void pool_handle_free(PMEMfilepool *pfp);

/* env.c: the block size and overallocation of the environment. */
void pool_env_read(PMEMfilepool *pfp);
/* env.c: msg to PMEMFILE_POSIX_LOG_FILE if PMEMFILE_POSIX_LOG_LEVEL >= 1. */
void pf_log_message(const char *msg);

/* The pid of this process, kept current across fork (share.c). */
extern pid_t pf_self_pid;
/* In a vfork child (which runs on its parent's thread): the child's pid. */
extern __thread pid_t pf_vfork_pid __attribute__((tls_model("initial-exec")));

static inline pid_t pf_pid(void)
{
	pid_t v = pf_vfork_pid;
	return v ? v : pf_self_pid;
}

/*
 * The file pfp's pool is mapped from: the pool file, or in journal mode
 * its image in memory (jmode.c).
 */
const char *pool_map_path(PMEMfilepool *pfp);

/* Whether calls on pfp go to another process (remote.c). */
static inline bool pf_remote(PMEMfilepool *pfp)
{
	return pfp && __builtin_expect(pfp->local_pid != pf_pid(), 0) &&
	       pfp->local_pid;
}

/*
 * The process a call of the keeper runs for, with its identity; NULL
 * while a process runs its own calls.
 */
struct pf_caller {
	pid_t pid;
	int proc;
	struct cred cred;
	mode_t umask;
};
extern __thread const struct pf_caller *pf_caller
    __attribute__((tls_model("initial-exec")));

/* The identity checks use: the caller's in the keeper, else the pool's. */
static inline const struct cred *pf_cred(PMEMfilepool *pfp)
{
	const struct pf_caller *c = pf_caller;
	return c ? &c->cred : &pfp->cred;
}

/* The owner of POSIX record locks: the calling process. */
static inline const void *pf_lock_owner(void)
{
	const struct pf_caller *c = pf_caller;
	return (const void *)(uintptr_t)(c ? c->pid : pf_pid());
}

static inline void *pf_ptr(PMEMfilepool *pfp, uint64_t off)
{
	return off ? pfp->base + off : NULL;
}

static inline uint64_t pf_off(PMEMfilepool *pfp, const void *p)
{
	return p ? (uint64_t)((const char *)p - pfp->base) : 0;
}

/*
 * Stores a size or a time into an inode of the pool, with its check
 * (words.h); as any store, inside a transaction or persisted by the caller.
 */
static inline void inode_size_store(PMEMfilepool *pfp,
				    struct pmemfile_inode *in, uint64_t size)
{
	in->size_word = size_word_make(pf_off(pfp, &in->size_word), size);
}

static inline void inode_time_store(PMEMfilepool *pfp, struct pmemfile_itime *t,
				    struct pmemfile_time v)
{
	*t = itime_make(pf_off(pfp, t), v);
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

/*
 * 0 once the headers of the heap's runs were found sound (objcheck_runs,
 * the first time it is asked), -EIO (errormsg set) if they are damaged.
 */
int pf_heap_check_slow(PMEMfilepool *pfp);
static inline int pf_heap_check(PMEMfilepool *pfp)
{
	int r = atomic_load_explicit(&pfp->heap_state, memory_order_acquire);
	return r == 0 ? 0 : pf_heap_check_slow(pfp);
}

/*
 * In a transaction: the allocator's calls, after pf_heap_check (libpmemobj
 * reads a run's header there; a damaged one aborts with EIO).
 */
static inline PMEMoid pf_tx_xalloc(PMEMfilepool *pfp, size_t size,
				   uint64_t type, uint64_t flags)
{
	if (pf_heap_check(pfp)) {
		if (!(flags & POBJ_XALLOC_NO_ABORT))
			pmemobj_tx_abort(EIO);
		errno = EIO;
		return OID_NULL;
	}
	return pmemobj_tx_xalloc(size, type, flags);
}

/*
 * Whether off, read from the pool to be freed, may be an allocated block
 * (objcheck_block); if not, -EIO with the damage reported.
 */
int pf_block_check(PMEMfilepool *pfp, uint64_t off);

static inline void pf_tx_free(PMEMfilepool *pfp, PMEMoid oid)
{
	if (pf_heap_check(pfp) || pf_block_check(pfp, oid.off))
		pmemobj_tx_abort(EIO);
	else
		pmemobj_tx_free(oid);
}

/*
 * Begins a transaction of the library: its callback stores the checksums
 * of what it changed before it commits (csum.c). Every transaction that
 * changes an inode or an extent block begins so.
 */
void csum_tx_stage(PMEMobjpool *pop, enum pobj_tx_stage stage, void *arg);
#define PF_TX_BEGIN(pfp) TX_BEGIN_CB((pfp)->pop, csum_tx_stage, (pfp))

/* In a transaction: notes an inode whose checksummed fields p may hold. */
void csum_tx_note(PMEMfilepool *pfp, const void *p, size_t len);

/*
 * Adds [p, p + len) of the pool to the current transaction (whose undo
 * log may grow by an allocation: pf_heap_check first).
 */
static inline void tx_add(PMEMfilepool *pfp, const void *p, size_t len)
{
	if (pf_heap_check(pfp))
		pmemobj_tx_abort(EIO);
	pmemobj_tx_add_range_direct(p, len);
	if (pfp->csums)
		csum_tx_note(pfp, p, len);
}

/*
 * An inode offset that no inode has: what a lookup gives for a record
 * whose checksum failed (the damage logged already); vinode_get of it
 * fails with EIO.
 */
#define PF_INO_DAMAGED 1

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
 * Whether utimensat takes times (NULL: now; UTIME_NOW and UTIME_OMIT too),
 * or fails with EINVAL.
 */
static inline bool pf_utimes_valid(const struct timespec times[2])
{
	for (int i = 0; times && i < 2; ++i)
		if (times[i].tv_nsec != UTIME_NOW &&
		    times[i].tv_nsec != UTIME_OMIT &&
		    (times[i].tv_nsec < 0 || times[i].tv_nsec >= 1000000000))
			return false;
	return true;
}

/*
 * Registers the extent classes (needed before allocating or walking) for a
 * pool of pool_size bytes; classes [0, *nclasses) are usable, the ids of
 * the others repeat the last usable one.
 */
int pool_register_classes(PMEMobjpool *pop, uint64_t pool_size, unsigned *ids,
			  int *nclasses);

/* 0 if path may be given to pmemobj_open, else -EINVAL (errormsg set):
 * a file too small for a pool would kill the process with SIGBUS. What
 * stat found there goes to st, if have_st (set when it found it). */
int pool_file_check(const char *path, struct stat *st, bool *have_st);

/*
 * The allocation flags for a table of bytes bytes (a directory's tables):
 * above 1 KiB a unit of the 4 KiB class, of the inode arrays' class (16
 * KiB) or of an extent class that holds it. The allocator's own classes
 * for such sizes carve runs of up to 16 chunks (4 MiB), which one live
 * table keeps from every other use.
 */
uint64_t pool_table_flags(PMEMfilepool *pfp, uint64_t bytes);

/*
 * In a transaction: a zeroed headerless unit of at least size bytes, of
 * class first, or where that class has no unit free, of another holding
 * size (the smaller first): a free unit of any class serves, as statfs
 * counts it. Aborts the transaction with ENOSPC if none has one.
 */
PMEMoid pool_tx_alloc(PMEMfilepool *pfp, size_t size, unsigned type, int first);

/* Units per run to ask for class c in a pool of pool_size bytes, 0 if the
 * class is not used there. */
unsigned pool_class_units(int c, uint64_t pool_size);

/* Forgets the maps of pfp's files made by pmemfile_mmap: their pages are
 * no longer pinned (mmap.c). */
void mmap_pool_closed(PMEMfilepool *pfp);
/* After a call that may have grown a file: the pages of pfp's shared maps
 * that the growth covered now map the file (mmap.c). Keeps errno. */
void mmap_follow(PMEMfilepool *pfp);
/* Around fork: the maps' list is not changing while it is copied. */
void mmap_fork_prepare(void);
void mmap_fork_done(void);

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
