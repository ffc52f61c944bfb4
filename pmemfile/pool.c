// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool.c -- creating, opening and closing pools.
 */
#include <fcntl.h>
#include <libpmem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cred.h"
#include "csum.h"
#include "dir.h"
#include "direct.h"
#include "info.h"
#include "inode.h"
#include "jmode.h"
#include "lease.h"
#include "mmap_sync.h"
#include "objalloc.h"
#include "objcheck.h"
#include "remote.h"
#include "kcall.h"
#include "share.h"
#include "vinode.h"

/*
 * The extent classes: one unit each, 4 KiB-aligned, no header, so that
 * file data can be mapped page by page. A run of a class is carved out of
 * the heap's 256 KiB chunks in one piece, and its free units serve no other
 * class. Every run is RUN_UNITS units' worth, of which the allocator keeps
 * two (its header, the alignment): 3.1 % lost in every class alike (1.9 %
 * in those of 1 and 4 MiB, whose runs end a chunk past 63 units), so that
 * a chunk holds the same bytes of files whichever class carves it, and
 * statfs can tell them (space.c); a run of the 4 KiB class is one chunk,
 * so that it finds room wherever a chunk is free. A class is used where
 * its run is at most 1/8 of the pool (1/16 below 16 MiB), so that a pool
 * holds runs of every class it uses: 4 KiB extents in every pool, 16 KiB
 * from 16 MiB, 64 KiB from 32 MiB, 256 KiB from 128 MiB, 1 MiB from 512
 * MiB, 4 MiB from 2 GiB.
 */
#define CHUNK (256ULL << 10)

/* The biggest run a class may have in a pool of pool_size bytes. */
static uint64_t run_cap(uint64_t pool_size)
{
	uint64_t cap = pool_size / (pool_size < (16 << 20) ? 16 : 8);
	cap = cap / CHUNK * CHUNK;
	return cap < 2 * CHUNK ? 2 * CHUNK : cap;
}

unsigned pool_class_units(int c, uint64_t pool_size)
{
	uint64_t unit = EXTENT_MIN << (2 * c);
	if (unit * RUN_UNITS > run_cap(pool_size))
		return 0;
	return RUN_UNITS - 1;
}

uint64_t pool_table_flags(PMEMfilepool *pfp, uint64_t bytes)
{
	if (bytes <= 1024)
		return 0;
	/* up to 16 KiB, runs of one or two chunks: room is found for them
	 * wherever chunks are free */
	if (bytes <= EXTENT_MIN)
		return POBJ_CLASS_ID(pfp->class_id[0]);
	if (bytes <= PMEMFILE_INODE_ARRAY_SIZE)
		return POBJ_CLASS_ID(pfp->class_id[ARRAY_CLASS]);
	for (int c = 0; c < pfp->nclasses; c++)
		if (bytes <= EXTENT_MIN << (2 * c))
			return POBJ_CLASS_ID(pfp->class_id[c]);
	return 0;
}

/* The unit of class c of class_id. */
static uint64_t class_unit(int c)
{
	return c == ARRAY_CLASS ? PMEMFILE_INODE_ARRAY_SIZE
				: EXTENT_MIN << (2 * c);
}

static PMEMoid try_alloc(PMEMfilepool *pfp, size_t size, unsigned type, int c)
{
	return pf_tx_xalloc(pfp, size, type,
			    POBJ_XALLOC_ZERO | POBJ_XALLOC_NO_ABORT |
				POBJ_CLASS_ID(pfp->class_id[c]));
}

PMEMoid pool_tx_alloc(PMEMfilepool *pfp, size_t size, unsigned type, int first)
{
	PMEMoid o = try_alloc(pfp, size, type, first);
	/* the extent classes by size, the arrays' beside the 16 KiB one */
	for (int k = 0; OID_IS_NULL(o) && k <= pfp->nclasses; k++) {
		int c = k == pfp->nclasses ? ARRAY_CLASS : k;
		if (c != first && class_unit(c) >= size)
			o = try_alloc(pfp, size, type, c);
	}
	if (OID_IS_NULL(o))
		pmemobj_tx_abort(ENOSPC);
	return o;
}

/* Registers a headerless class of 4 KiB-aligned units; its id, or 0. */
static unsigned class_register(PMEMobjpool *pop, uint64_t unit, unsigned per)
{
	struct pobj_alloc_class_desc d = {
	    .unit_size = unit,
	    .alignment = 4096,
	    .units_per_block = per,
	    .header_type = POBJ_HEADER_NONE,
	};
	if (pmemobj_ctl_set(pop, "heap.alloc_class.new.desc", &d)) {
		pf_set_errormsg("cannot register allocation class");
		return 0;
	}
	return d.class_id;
}

/*
 * The extent classes, then the inode arrays' (a headerless unit is one
 * unit, never several, so arrays need a class of their size; of its own,
 * with runs of one chunk, because a 16 KiB extent class's runs of 1 MiB
 * may find no room in a heap whose chunks are taken here and there).
 */
int pool_register_classes(PMEMobjpool *pop, uint64_t pool_size, unsigned *ids,
			  int *nclasses)
{
	*nclasses = 0;
	for (int c = 0; c < EXTENT_CLASSES; c++) {
		unsigned per = pool_class_units(c, pool_size);
		if (per == 0) {
			ids[c] = ids[c - 1];
			continue;
		}
		ids[c] = class_register(pop, EXTENT_MIN << (2 * c), per);
		if (ids[c] == 0)
			return errno ? -errno : -EINVAL;
		*nclasses = c + 1;
	}
	ids[ARRAY_CLASS] =
	    class_register(pop, PMEMFILE_INODE_ARRAY_SIZE, ARRAY_RUN_UNITS);
	if (ids[ARRAY_CLASS] == 0)
		return errno ? -errno : -EINVAL;
	return 0;
}

/*
 * A new pool file of size bytes, sparse: pmemobj_create would allocate
 * every block (posix_fallocate), which on /dev/shm fills every page (16
 * GiB: 23 s, and 16 GiB of memory from then on). Blocks are allocated as
 * the pool uses them; extent.c allocates a big extent's 4 MiB regions in
 * one call each. libpmemobj's fallocate.at_create, which would allocate
 * the file given to it, is off around its pmemobj_create.
 */
static int pool_file_create(const char *path, size_t size, mode_t mode)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	int r = ftruncate(fd, (off_t)size) ? -errno : 0;
	close(fd);
	if (r)
		unlink(path);
	return r;
}

/* Everything a pool handle owns but the handle and its share fields. */
static void pool_fini(PMEMfilepool *pfp)
{
	pthread_rwlock_destroy(&pfp->cred_lock);
	pthread_mutex_destroy(&pfp->orphan_lock);
	pthread_mutex_destroy(&pfp->rename_lock);
	cred_fini(pfp);
	free((void *)pfp->populated);
	direct_fini(pfp);
}

/*
 * A pool handle, and a client's count of handles per description, are
 * zero pages of their own, not calloc's: calloc would clear (so fault in)
 * all of them, where a client touches a page or two of each (the holder's
 * tables come last in the handle). A fault costs a process's first call
 * 2-4 us on a virtual machine.
 */
void *pool_zalloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void pool_zfree(void *p, size_t size)
{
	int e = errno;
	if (p)
		munmap(p, size);
	errno = e;
}

PMEMfilepool *pool_handle_alloc(void)
{
	return pool_zalloc(sizeof(PMEMfilepool));
}

/* The handle and what a client's handle owns. */
void pool_handle_free(PMEMfilepool *pfp)
{
	free(pfp->path);
	free(pfp->map_path);
	pool_zfree(pfp->crefs, SHARE_DESCS * sizeof(*pfp->crefs));
	pool_zfree(pfp, sizeof(*pfp));
}

static void pool_free(PMEMfilepool *pfp)
{
	pool_fini(pfp);
	pool_handle_free(pfp);
}

/*
 * Bytes of the pool file: offsets read from the pool are checked against
 * it. A device DAX has no file size: its size is in sysfs. The file's
 * device and inode are kept in pfp for pmemfile_pool_resume.
 */
static uint64_t pool_file_size(PMEMfilepool *pfp, const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return 0;
	pfp->file_dev = st.st_dev;
	pfp->file_ino = st.st_ino;
	if (!S_ISCHR(st.st_mode))
		return (uint64_t)st.st_size;
	char sys[64];
	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u/size",
		 major(st.st_rdev), minor(st.st_rdev));
	FILE *f = fopen(sys, "r");
	unsigned long long size = 0;
	if (f) {
		if (fscanf(f, "%llu", &size) != 1)
			size = 0;
		fclose(f);
	}
	return size;
}

/*
 * The handle of the pool libpmemobj opened from the file at path; journal:
 * the file is a journal mode's image (in memory, whatever libpmem says).
 */
static PMEMfilepool *pool_new(PMEMobjpool *pop, const char *path, bool journal)
{
	PMEMfilepool *pfp = pool_handle_alloc();
	if (!pfp)
		return NULL;
	pfp->pop = pop;
	pfp->base = (char *)pop;
	PMEMoid root = pmemobj_root(pop, sizeof(struct pmemfile_super));
	pfp->uuid_lo = root.pool_uuid_lo;
	pfp->super = pmemobj_direct(root);
	pool_env_read(pfp);
	/* start with the process's umask, as a kernel file system would */
	pfp->umask = umask(022);
	umask(pfp->umask);
	errno = 0;
	pfp->pool_size = pool_file_size(pfp, path);
	if (!pfp->pool_size) {
		int e = errno ? errno : EINVAL;
		pf_set_errormsg("%s: cannot find the size of the pool", path);
		pool_zfree(pfp, sizeof(*pfp));
		errno = e;
		return NULL;
	}
	/*
	 * A lookup reaches a directory record and an inode anywhere in the
	 * pool: in 4 KiB pages each costs a TLB miss and page walk, which
	 * 2 MiB pages would mostly spare. Asked for before the pool is
	 * populated; where the mapping cannot have them (shmem while
	 * shmem_enabled is "never") this changes nothing.
	 */
	(void)madvise(pfp->base, pfp->pool_size & ~(uint64_t)4095,
		      MADV_HUGEPAGE);
	/*
	 * Populating ahead only pays on memory (pmem, /dev/shm treated as
	 * such, an image); on a file cached from a disk it would write the
	 * whole file. The pool is mapped from its start: regions are 4
	 * MiB-aligned.
	 */
	bool is_pmem = pfp->pool_size && pmem_is_pmem(pop, pfp->pool_size);
	if (is_pmem || journal)
		pfp->populated = calloc(pfp->pool_size / (4 << 20) + 1, 1);
	pfp->durability = journal ? PMEMFILE_DURABILITY_JOURNAL
				  : pool_durability_find(path, is_pmem, false);
	direct_init(pfp, path);
	pthread_rwlock_init(&pfp->cred_lock, NULL);
	pthread_mutex_init(&pfp->orphan_lock, NULL);
	pthread_mutex_init(&pfp->rename_lock, NULL);
	pthread_mutex_init(&pfp->ofds_lock, NULL);
	share_process_init();
	pfp->proc = -1;
	if (cred_init(pfp)) {
		pool_free(pfp);
		errno = ENOMEM;
		return NULL;
	}
	return pfp;
}

/*
 * The segment of the pool a process takes over: descriptions a holder
 * left for the next one keep their orphans alive (pool_take_over).
 */
static __thread struct share_seg *opening_share;

/*
 * The volatile state of an opened pool: nothing here reads the pool in
 * proportion to what it holds (indexes are built on first use).
 */
static int pool_mount(PMEMfilepool *pfp, const char *path)
{
	int r = pool_register_classes(pfp->pop, pfp->pool_size, pfp->class_id,
				      &pfp->nclasses);
	if (r == 0)
		r = vinode_cache_init(pfp);
	if (r == 0)
		r = inode_alloc_open(pfp, path);
	if (r == 0)
		r = csum_upgrade(pfp, path);
	if (r == 0)
		r = words_upgrade(pfp, path);
	if (r == 0)
		r = orphan_reclaim(pfp, opening_share);
	if (r)
		return r;
	pfp->root = vinode_get(pfp, pfp->super->root);
	if (!pfp->root)
		return -errno;
	pfp->cwd = vinode_ref(pfp, pfp->root);
	return 0;
}

static int super_init(PMEMfilepool *pfp)
{
	volatile int err = 0;
	struct pmemfile_super *s = pfp->super;
	PF_TX_BEGIN(pfp)
	{
		/* not alloc_lock, which this transaction takes */
		tx_add(pfp, s, offsetof(struct pmemfile_super, alloc_lock));
		inode_alloc_format(pfp);
		struct pmemfile_inode *in = inode_new(pfp, S_IFDIR | 0777);
		uint64_t ino = pf_off(pfp, in);
		dir_init(in, ino);
		for (int i = 0; i < PMEMFILE_EXTRA_ROOTS; i++) {
			struct pmemfile_inode *r =
			    inode_new(pfp, S_IFDIR | 0777);
			s->roots[i] = pf_off(pfp, r);
			dir_init(r, s->roots[i]);
		}
		memset(s->magic, 0, sizeof(s->magic));
		strcpy(s->magic, PMEMFILE_SUPER_MAGIC);
		s->version = PMEMFILE_LAYOUT_VERSION;
		s->root = ino;
		pf_time_now(&s->created);
		s->csum = csum_super(s);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	return -err;
}

static int root_prepare(PMEMfilepool *pfp)
{
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		dir_prepare(pfp, pfp->root);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	return -err;
}

static void pool_unmount(PMEMfilepool *pfp)
{
	if (pfp->cwd)
		vinode_put(pfp, pfp->cwd);
	if (pfp->root)
		vinode_put(pfp, pfp->root);
	vinode_cache_fini(pfp);
}

PMEMfilepool *pmemfile_pool_create(const char *pathname, size_t poolsize,
				   pmemfile_mode_t mode)
{
	if (!pathname) {
		errno = EFAULT;
		return NULL;
	}
	/* a size libpmemobj refuses is left to it to refuse */
	size_t objsize = poolsize;
	if (poolsize >= PMEMOBJ_MIN_POOL) {
		int fr = pool_file_create(pathname, poolsize, mode);
		if (fr) {
			pf_set_errormsg("cannot create pool %s: %s", pathname,
					strerror(-fr));
			errno = -fr;
			return NULL;
		}
		objsize = 0; /* the size of the file made */
	}
	int fallocate_at_create = 1, off = 0;
	if (objsize == 0)
		(void)pmemobj_ctl_get(NULL, "fallocate.at_create",
				      &fallocate_at_create);
	if (objsize == 0 && poolsize)
		(void)pmemobj_ctl_set(NULL, "fallocate.at_create", &off);
	PMEMobjpool *pop =
	    pmemobj_create(pathname, PMEMFILE_LAYOUT_NAME, objsize, mode);
	int e = errno;
	if (objsize == 0 && poolsize)
		(void)pmemobj_ctl_set(NULL, "fallocate.at_create",
				      &fallocate_at_create);
	errno = e;
	if (!pop) {
		int e = errno;
		pf_set_errormsg("cannot create pool %s: %s", pathname,
				pmemobj_errormsg());
		if (objsize != poolsize)
			unlink(pathname);
		errno = e;
		return NULL;
	}
	PMEMfilepool *pfp = pool_new(pop, pathname, false);
	int r = pfp ? pool_register_classes(pfp->pop, pfp->pool_size,
					    pfp->class_id, &pfp->nclasses)
		    : -errno;
	if (r == 0)
		r = vinode_cache_init(pfp);
	if (r == 0) {
		pfp->csums = true;
		pfp->words = true;
		r = super_init(pfp);
	}
	if (r == 0) {
		pfp->root = vinode_get(pfp, pfp->super->root);
		pfp->cwd = pfp->root ? vinode_ref(pfp, pfp->root) : NULL;
		if (!pfp->root)
			r = -ENOMEM;
	}
	if (r == 0)
		r = root_prepare(pfp);
	if (r) {
		pf_set_errormsg("cannot initialise pool %s", pathname);
		if (pfp) {
			pool_unmount(pfp);
			pool_free(pfp);
		}
		pmemobj_close(pop);
		errno = -r;
		return NULL;
	}
	/*
	 * Opened again as any process opens a pool (its segment, the holder's
	 * keeper), so that other processes may use it while the creator has
	 * it: they got EAGAIN.
	 */
	pmemfile_pool_close(pfp);
	return pmemfile_pool_open(pathname);
}

PMEMfilepool *pmemfile_mkfs(const char *pathname, size_t poolsize,
			    pmemfile_mode_t mode)
{
	return pmemfile_pool_create(pathname, poolsize, mode);
}

/* Whether the root object is a superblock this library can use. */
static int super_check(PMEMobjpool *pop, const char *path)
{
	if (pmemobj_root_size(pop) < sizeof(struct pmemfile_super)) {
		pf_set_errormsg("%s: no pmemfile superblock", path);
		return -EINVAL;
	}
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(pop, sizeof(*s)));
	if (strncmp(s->magic, PMEMFILE_SUPER_MAGIC, sizeof(s->magic)) != 0) {
		pf_set_errormsg("%s: bad superblock magic", path);
		return -EINVAL;
	}
	if (s->version > PMEMFILE_LAYOUT_VERSION) {
		pf_set_errormsg("%s: layout version %llu is newer than %d",
				path, (unsigned long long)s->version,
				PMEMFILE_LAYOUT_VERSION);
		return -ENOTSUP;
	}
	if (s->version == 0 || s->root == 0) {
		pf_set_errormsg("%s: invalid superblock", path);
		return -EINVAL;
	}
	if (s->version >= 5 && s->csum != csum_super(s)) {
		pf_set_errormsg("%s: damaged pool: checksum of the superblock",
				path);
		return -EIO;
	}
	return 0;
}

/*
 * Whether path may be handed to pmemobj_open, which dies of SIGBUS
 * mapping a file too small for a pool header: a regular file must have a
 * pool's minimum size, unless it is a pool set (a text file).
 */
int pool_file_check(const char *path, struct stat *out, bool *have_st)
{
	struct stat st;
	bool have = k_stat(path, &st) == 0;
	if (have_st) {
		*have_st = have;
		*out = st;
	}
	if (!have || !S_ISREG(st.st_mode) ||
	    st.st_size >= (off_t)PMEMOBJ_MIN_POOL)
		return 0; /* pmemobj_open reports what it finds */
	char head[11] = {0};
	FILE *f = fopen(path, "r");
	if (f) {
		if (fread(head, 1, sizeof(head), f) != sizeof(head))
			head[0] = 0;
		fclose(f);
	}
	if (memcmp(head, "PMEMPOOLSET", sizeof(head)) == 0)
		return 0;
	pf_set_errormsg("%s: not a pmemfile pool (%lld bytes, less than a "
			"pool's minimum)",
			path, (long long)st.st_size);
	return -EINVAL;
}

/* Set by the preload shim, which loads libpmemobj only when needed. */
extern int preload_pmemobj_load(void) __attribute__((weak));

/* Opens the pool in this process (libpmemobj's lock says it may). */
int pf_heap_check_slow(PMEMfilepool *pfp)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&lock);
	int state = atomic_load(&pfp->heap_state);
	if (state == 1) {
		int r = objcheck_runs(pfp->pop, pfp->heap_size,
				      pfp->path ? pfp->path : "the pool");
		state = r ? -1 : 0;
		atomic_store_explicit(&pfp->heap_state, state,
				      memory_order_release);
	}
	pthread_mutex_unlock(&lock);
	if (state == 0)
		return 0;
	pf_set_errormsg("%s: damaged pool: a run header of libpmemobj's heap",
			pfp->path ? pfp->path : "the pool");
	return -EIO;
}

int pf_block_check(PMEMfilepool *pfp, uint64_t off)
{
	if (objcheck_block(pfp->pop, pfp->heap_size, off))
		return 0;
	pf_set_errormsg("%s: damaged pool: 0x%llx, to be freed, is no block "
			"of libpmemobj's heap",
			pfp->path ? pfp->path : "the pool",
			(unsigned long long)off);
	return -EIO;
}

static PMEMfilepool *pool_open_local(const char *pathname)
{
	if (preload_pmemobj_load && preload_pmemobj_load()) {
		pf_set_errormsg("cannot load libpmemobj.so.1");
		errno = ENOENT;
		return NULL;
	}
	/*
	 * In journal mode libpmemobj runs the pool on its image in memory,
	 * made ready (the journal replayed) first.
	 */
	struct jmode *jm = NULL;
	char image[160];
	const char *file = pathname;
	if (jmode_wanted(pathname)) {
		int jr = jmode_prepare(pathname, opening_share, image,
				       sizeof(image), &jm);
		if (jr) {
			errno = -jr;
			return NULL;
		}
		file = image;
	} else {
		/*
		 * Opened as it is (msync mode chosen, forced to pmem, or the
		 * journal mode's conditions gone): what a journal committed
		 * goes into the pool file first, and an image is dropped.
		 */
		int jr = jmode_replay(pathname);
		if (jr) {
			if (jr != -EWOULDBLOCK && jr != -EINVAL)
				pf_set_errormsg("%s: cannot write its journal "
						"into it: %s",
						pathname, strerror(-jr));
			errno = -jr;
			return NULL;
		}
		if (opening_share)
			atomic_store(&opening_share->image_valid, 0);
	}
	uint64_t size;
	int r = objcheck_file(file, &size);
	if (r) {
		jmode_free(jm);
		errno = -r;
		return NULL;
	}
	objalloc_open_begin();
	PMEMobjpool *pop = pmemobj_open(file, PMEMFILE_LAYOUT_NAME);
	objalloc_open_end();
	if (!pop) {
		/*
		 * libpmemobj leaves errno -1 when its checks of the heap or
		 * the lanes fail: a damaged pool (a negative errno would be
		 * taken for success by the callers).
		 */
		int e = errno > 0 ? errno : errno < 0 ? EIO : EINVAL;
		pf_set_errormsg("cannot open pool %s: %s", pathname,
				pmemobj_errormsg());
		jmode_free(jm);
		errno = e;
		return NULL;
	}
	r = size ? objcheck_open(pop, size, pathname) : 0;
	if (r == 0)
		r = super_check(pop, pathname);
	PMEMfilepool *pfp = NULL;
	if (r == 0) {
		pfp = pool_new(pop, file, jm != NULL);
		if (pfp) {
			pfp->heap_size = size;
			atomic_store(&pfp->heap_state, size ? 1 : 0);
		}
		r = pfp ? pool_mount(pfp, pathname) : -errno;
	}
	if (r == 0 && jm) {
		r = jmode_start(pfp, jm);
		if (r == 0)
			jmode_publish(jm, opening_share);
	}
	if (r) {
		if (pfp) {
			pfp->jmode = NULL;
			pool_unmount(pfp);
			pool_free(pfp);
		}
		jmode_free(jm);
		pmemobj_close(pop);
		errno = -r;
		return NULL;
	}
	return pfp;
}

/*
 * libpmemobj's lock of a pool that its last holder is closing now is
 * waited for, a while: the holder that let it go says when it closed it
 * (share_pool_closed), so that the open is tried again at once, not after
 * the next of the growing sleeps (some 7 ms of a hand-over were spent in
 * them); a holder that died says nothing, and the sleeps bound the wait.
 */
static PMEMfilepool *pool_open_wait(const char *pathname)
{
	struct share_seg *s = opening_share;
	for (int ms = 1, waited = 0;;
	     waited += ms, ms = ms < 64 ? ms * 2 : ms) {
		uint32_t closed = s ? atomic_load(&s->closed_word) : 0;
		PMEMfilepool *pfp = pool_open_local(pathname);
		if (pfp || (errno != EAGAIN && errno != EWOULDBLOCK) ||
		    waited >= 2000)
			return pfp;
		if (s)
			share_futex_wait(&s->closed_word, closed, ms);
		else
			usleep((useconds_t)ms * 1000);
	}
}

const char *pool_map_path(PMEMfilepool *pfp)
{
	char *known = atomic_load((char *_Atomic *)&pfp->map_path);
	if (known)
		return known;
	bool journal =
	    pfp->jmode || (pfp->share && atomic_load(&pfp->share->durability) ==
					     PMEMFILE_DURABILITY_JOURNAL);
	char buf[160];
	if (!journal || !pfp->path ||
	    jmode_image_path(pfp->path, buf, sizeof(buf)) != 0)
		return pfp->path;
	char *p = strdup(buf), *none = NULL;
	if (!p)
		return pfp->path;
	if (!atomic_compare_exchange_strong((char *_Atomic *)&pfp->map_path,
					    &none, p)) {
		free(p);
		return none;
	}
	return p;
}

/*
 * A holder that exits leaves the pool open: libpmemobj's lock of the pool
 * file is on the file its mapping holds (its descriptor is closed), which
 * the kernel lets go of when it unmaps the process's memory at the end of
 * the exit, and the next holder waited for all of it (some 10 ms under
 * tar c, in a 512 MiB pool). Alone in its process (no other thread may
 * write the pool after), with its keeper stopped and its resignation made,
 * the holder unmaps the pool file itself: the lock goes with its last
 * mapping, and the next holder opens the pool while the rest of this
 * process's memory goes. Not in journal mode, whose mapping is the
 * image's (jmode.c).
 */
void pool_exit_unlock(PMEMfilepool *pfp)
{
	if (!pfp->pop || pfp->jmode || !pfp->share)
		return;
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return;
	char line[PMEMFILE_PATH_MAX + 128];
	while (fgets(line, sizeof(line), f)) {
		unsigned long from, to, ino;
		unsigned maj, min;
		if (sscanf(line, "%lx-%lx %*s %*x %x:%x %lu", &from, &to, &maj,
			   &min, &ino) == 5 &&
		    ino == pfp->file_ino && maj == major(pfp->file_dev) &&
		    min == minor(pfp->file_dev))
			(void)munmap((void *)from, to - from);
	}
	fclose(f);
	share_pool_closed(pfp->share);
}

int pool_take_over(PMEMfilepool *pfp)
{
	opening_share = pfp->share;
	PMEMfilepool *np = pool_open_wait(pfp->path);
	opening_share = NULL;
	if (!np)
		return errno > 0 ? -errno : -EIO; /* never taken for success */
	/* what the handle's user set stays: identity, umask, device, cwd */
	cred_fini(np);
	np->cred = pfp->cred;
	np->umask = pfp->umask;
	np->dev = pfp->dev;
	np->share = pfp->share;
	np->order = pfp->order;
	np->share_size = pfp->share_size;
	np->share_fd = pfp->share_fd;
	np->share_dev = pfp->share_dev;
	np->share_ino = pfp->share_ino;
	memcpy(np->share_name, pfp->share_name, sizeof(np->share_name));
	np->path = pfp->path;
	np->map_path = pfp->map_path;
	np->proc = pfp->proc;
	np->proc_pid = pfp->proc_pid;
	np->crefs = pfp->crefs;
	np->leases = pfp->leases;
	memcpy(np->ccwd, pfp->ccwd, sizeof(np->ccwd));
	memcpy(pfp, np, sizeof(*pfp));
	pool_zfree(np, sizeof(*np));
	pfp->local_pid = share_self();
	lease_drop_all(pfp);
	pins_remake(pfp);
	keeper_take_over(pfp);
	if (strcmp(pfp->ccwd, "/") != 0)
		(void)pmemfile_chdir(pfp, pfp->ccwd);
	keeper_start(pfp);
	return 0;
}

PMEMfilepool *pmemfile_pool_open(const char *pathname)
{
	if (!pathname) {
		errno = EFAULT;
		return NULL;
	}
	struct stat st;
	bool have_st;
	int fr = pool_file_check(pathname, &st, &have_st);
	if (fr) {
		errno = -fr;
		return NULL;
	}
	share_process_init();
	PMEMfilepool *pfp = remote_pool_new(pathname, have_st ? &st : NULL);
	/*
	 * A segment this process cannot size (a file size limit below it):
	 * not alone either, which would lock the others out (EIO) and leave
	 * its own children contending for a pool it keeps.
	 */
	if (!pfp && errno == EFBIG)
		return NULL;
	if (!pfp) {
		/* no segment (e.g. no /dev/shm): this process alone */
		int why = errno;
		pfp = pool_open_local(pathname);
		/* a full /dev/shm: no way to share it with its holder */
		if (!pfp && why == ENOSPC &&
		    (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pf_set_errormsg("%s: in use by another process, and "
					"/dev/shm has no room for the segment "
					"to share it through",
					pathname);
			errno = ENOSPC;
		}
		return pfp;
	}
	/*
	 * A holder is trusted to be alive: a dead one is found out when it
	 * does not answer (remote.c), which is rare, and the check costs a
	 * process start a few system calls.
	 */
	pid_t h = atomic_load(&pfp->share->holder);
	/*
	 * A holder that died with this process's pid (pids are reused) is
	 * dead: its place is taken as any dead holder's is.
	 */
	if (h && h == share_self() &&
	    atomic_load(&pfp->share->holder_start) != share_self_start())
		h = 0;
	/*
	 * Nor does a vfork child take it: the pool's mapping and libpmemobj's
	 * lock on the pool file would stay in the memory it shares with its
	 * parent after its execve (no process could open the pool again).
	 * Its first call starts a keeper process (remote.c, may_hold).
	 */
	int r = h || pf_vfork_pid ? 0 : share_elect(pfp, true);
	if (h == share_self()) {
		/* as libpmemobj's lock says: one handle per process */
		pf_set_errormsg("%s: the pool is open in this process already",
				pathname);
		r = -EAGAIN;
	}
	if (r == 1) {
		r = pool_take_over(pfp);
		share_elected(pfp, r);
	}
	if (r < 0) {
		share_detach(pfp);
		cred_fini(pfp);
		pool_handle_free(pfp);
		errno = -r;
		return NULL;
	}
	share_register(pfp);
	return pfp;
}

/* The pool is closed here; pfp goes on as a handle of a client. */
static void pool_close_local(PMEMfilepool *pfp)
{
	PMEMobjpool *pop = pfp->pop;
	keeper_stop(pfp);
	/* a hand-over is a sync point; the next holder goes on from the image
	 */
	bool journal = pfp->jmode != NULL;
	jmode_close(pfp, false);
	ofds_mark_stale(pfp);
	pool_unmount(pfp);
	struct cred c = pfp->cred;
	pfp->cred.groups = NULL;
	pool_fini(pfp);
	pfp->cred = c;
	pthread_rwlock_init(&pfp->cred_lock, NULL);
	pmemobj_close(pop);
	if (journal)
		jmode_left_clean(pfp->share);
	share_pool_closed(pfp->share);
	pfp->pop = NULL;
	pfp->local_pid = -1;
}

int pmemfile_pool_handover(PMEMfilepool *pfp)
{
	if (!pfp) {
		errno = EFAULT;
		return -1;
	}
	if (pf_remote(pfp) || !pfp->share || pf_vfork_pid)
		return 0;
	share_order_flush(pfp);
	keeper_handover(pfp, true);
	share_resign(pfp);
	pool_close_local(pfp);
	return 0;
}

void pmemfile_pool_close(PMEMfilepool *pfp)
{
	if (!pfp)
		return;
	if (pf_vfork_pid)
		return; /* a vfork child's memory is its parent's */
	mmap_pool_closed(pfp);
	if (pf_remote(pfp))
		remote_leave(pfp);
	/*
	 * A client whose holder left while it was leaving took the pool over
	 * to say so (and started a keeper thread): it closes as a holder.
	 */
	if (!pf_remote(pfp)) {
		if (pfp->share) {
			share_order_flush(pfp);
			keeper_handover(pfp, false);
			share_resign(pfp);
		}
		/* the segment's last user removes the image with it */
		bool journal = pfp->jmode != NULL;
		jmode_close(pfp, pfp->share == NULL);
		PMEMobjpool *pop = pfp->pop;
		pool_unmount(pfp);
		pool_fini(pfp);
		pmemobj_close(pop);
		pfp->pop = NULL;
		if (journal)
			jmode_left_clean(pfp->share);
		share_pool_closed(pfp->share);
	}
	share_unregister(pfp);
	share_detach(pfp);
	if (pfp->pop == NULL) {
		lease_client_free(pfp);
		pool_handle_free(pfp);
	}
}

void pmemfile_pool_set_device(PMEMfilepool *pfp, pmemfile_dev_t dev)
{
	if (pfp)
		pfp->dev = dev;
}

int pmemfile_pool_suspend(PMEMfilepool *pfp)
{
	if (!pfp)
		return (int)pf_ret(-EFAULT);
	if (pfp->suspended)
		return (int)pf_ret(-EINVAL);
	pfp->suspended = 1;
	return 0;
}

int pmemfile_pool_resume(PMEMfilepool *pfp, const char *pathname)
{
	struct stat st;

	if (!pfp || !pathname)
		return (int)pf_ret(-EFAULT);
	if (!pfp->suspended)
		return (int)pf_ret(-EINVAL);
	if (stat(pathname, &st))
		return -1;
	if (st.st_dev != pfp->file_dev || st.st_ino != pfp->file_ino) {
		pf_set_errormsg("%s: not the file of the suspended pool",
				pathname);
		return (int)pf_ret(-EINVAL);
	}
	pfp->suspended = 0;
	return 0;
}

unsigned pmemfile_pool_root_count(PMEMfilepool *pfp)
{
	if (pf_remote(pfp))
		return remote_root_count(pfp);
	if (!pfp)
		return 0;
	unsigned n = 1;
	while (n <= PMEMFILE_EXTRA_ROOTS && pfp->super->roots[n - 1])
		n++;
	return n;
}
