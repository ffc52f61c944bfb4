// SPDX-License-Identifier: BSD-3-Clause
/*
 * mmap.c -- the mapping calls of the API (declared in
 * libpmemfile-posix-stubs.h, where the discontinued library had them as
 * stubs).
 *
 * A shared map shows the pool file's own pages of the file: they are
 * pinned (pmemfile_pin_pages) so that they stay where they are while
 * mapped, and mapped from the pool file (pagemap.c).
 * Stores through the map are the file's bytes as read and write see them.
 * Pages past the end of the file raise SIGBUS until the file grows over
 * them: the calls that grow a file end with mmap_follow, which maps them
 * from the pool file. A private map is a copy of the file's bytes in
 * anonymous memory.
 *
 * The shared maps are tracked by address range: pmemfile_munmap, a
 * pmemfile_mmap with MAP_FIXED and pmemfile_mremap's target end them,
 * partly or wholly, and a pin goes when the last page of its map is gone.
 * An munmap(2) behind the library's back leaves the pages pinned until the
 * pool is closed. libpmemfile.so's mmap, munmap and mremap are these
 * calls (mmap.h), so that its maps are tracked here too.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gate.h"
#include "flush.h"
#include "internal.h"
#include "info.h"
#include "mmap.h"
#include "mmap_sync.h"
#include "pagemap.h"

#define PG PAGEMAP_PAGE

/*
 * One shared map as made: its pin and its own handle of the file. Its
 * pages [0, valid) map the pool file, those from valid to npages were past
 * the end of the file and map the empty memfd until the file grows over
 * them (mmap_follow).
 */
struct mapping {
	PMEMfilepool *pfp;
	PMEMfilepin *pin;
	PMEMfile *file;
	pid_t pid;   /* the process that pinned (a fork child has a copy) */
	long ranges; /* live map_range entries of it */
	uintptr_t base;
	pmemfile_off_t off; /* file offset at base */
	int prot, piece;    /* the pieces' protection and flags */
	bool writable;
	size_t npages, valid;
};

struct map_range {
	uintptr_t start, end;
	struct mapping *m;
	struct map_range *next;
};

static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct map_range *maps;
static _Atomic long maps_count;	   /* entries in maps */
static _Atomic long maps_past_end; /* mappings with valid < npages */

/* Under maps_lock: one range fewer for m; the last one unpins it. */
static void mapping_drop(struct mapping *m)
{
	if (--m->ranges > 0)
		return;
	/* a fork child's copy: the pin and the handle are its parent's */
	if (m->pid == pf_pid()) {
		pmemfile_unpin_pages(m->pfp, m->pin);
		pmemfile_close(m->pfp, m->file);
	}
	if (m->valid < m->npages)
		atomic_fetch_sub(&maps_past_end, 1);
	free(m);
}

/* Under maps_lock: [start, end) is no longer mapped by the library. */
static void maps_forget(uintptr_t start, uintptr_t end)
{
	for (struct map_range **pr = &maps; *pr != NULL;) {
		struct map_range *r = *pr;
		if (r->end <= start || r->start >= end) {
			pr = &r->next;
			continue;
		}
		if (r->start < start && r->end > end) {
			/* a hole in the middle: two ranges of one map */
			struct map_range *tail = malloc(sizeof(*tail));
			if (tail != NULL) {
				*tail = *r;
				tail->start = end;
				r->next = tail;
				r->m->ranges++;
				atomic_fetch_add(&maps_count, 1);
			}
			r->end = start;
			pr = &r->next;
		} else if (r->start < start) {
			r->end = start;
			pr = &r->next;
		} else if (r->end > end) {
			r->start = end;
			pr = &r->next;
		} else {
			*pr = r->next;
			mapping_drop(r->m);
			free(r);
			atomic_fetch_sub(&maps_count, 1);
		}
	}
}

/* Under maps_lock: the range of a tracked map holding [start, end). */
static struct map_range *maps_find(uintptr_t start, uintptr_t end)
{
	for (struct map_range *r = maps; r != NULL; r = r->next)
		if (r->start <= start && end <= r->end && r->start < end)
			return r;
	return NULL;
}

static bool maps_overlap(uintptr_t start, uintptr_t end)
{
	for (struct map_range *r = maps; r != NULL; r = r->next)
		if (r->start < end && r->end > start)
			return true;
	return false;
}

/* Under maps_lock: tracks [start, end) as m's only range. */
static int maps_track(uintptr_t start, uintptr_t end, struct mapping *m)
{
	struct map_range *r = malloc(sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->start = start;
	r->end = end;
	r->m = m;
	r->next = maps;
	maps = r;
	m->ranges = 1;
	atomic_fetch_add(&maps_count, 1);
	return 0;
}

void mmap_fork_prepare(void)
{
	pthread_mutex_lock(&maps_lock);
}

void mmap_fork_done(void)
{
	pthread_mutex_unlock(&maps_lock);
}

void mmap_pool_closed(PMEMfilepool *pfp)
{
	pthread_mutex_lock(&maps_lock);
	for (struct map_range **pr = &maps; *pr != NULL;) {
		struct map_range *r = *pr;
		if (r->m->pfp != pfp) {
			pr = &r->next;
			continue;
		}
		*pr = r->next;
		mapping_drop(r->m);
		free(r);
		atomic_fetch_sub(&maps_count, 1);
	}
	pthread_mutex_unlock(&maps_lock);
}

static size_t page_up(size_t len)
{
	return len > SIZE_MAX - (PG - 1) ? 0 : (len + PG - 1) & ~(PG - 1);
}

/* The status flags of file (F_GETFL), with its type in *type; or -errno. */
static int file_mode(PMEMfilepool *pfp, PMEMfile *file, mode_t *type)
{
	int fl = pmemfile_fcntl(pfp, file, PMEMFILE_F_GETFL);
	pmemfile_stat_t st;
	if (fl < 0 || pmemfile_fstat(pfp, file, &st) < 0)
		return -errno;
	*type = st.st_mode & S_IFMT;
	return fl;
}

static long mmap_private(PMEMfilepool *pfp, uintptr_t addr, size_t len,
			 int prot, int flags, PMEMfile *file,
			 pmemfile_off_t off)
{
	void *p =
	    mmap((void *)addr, len, PROT_READ | PROT_WRITE,
		 (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (size_t done = 0; done < len;) {
		pmemfile_ssize_t n = pmemfile_pread(
		    pfp, file, (char *)p + done, len - done, off + (long)done);
		if (n < 0) {
			long err = -errno;
			munmap(p, len);
			return err;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (prot != (PROT_READ | PROT_WRITE))
		mprotect(p, len, prot);
	return (long)p;
}

/* The flags of the caller's shared map that the pieces keep. */
#define MAP_KEPT (MAP_POPULATE | MAP_NONBLOCK | MAP_LOCKED | MAP_NORESERVE)

/*
 * Under maps_lock: pins npages pages of m's file from off and maps those
 * from the skip-th on at addr (fixed as for pagemap_map); returns the
 * address, or -errno. m holds the pin, and is not tracked yet
 * (mapping_track).
 */
static long mapping_make(struct mapping *m, uintptr_t addr, int fixed,
			 pmemfile_off_t off, size_t npages, size_t skip)
{
	uint64_t *offs = malloc(npages * sizeof(*offs));
	if (offs == NULL)
		return -ENOMEM;
	m->pin = pmemfile_pin_pages(m->pfp, m->file, off, npages * PG, offs);
	if (m->pin == NULL) {
		free(offs);
		/* no storage for a hole: the kernel's answer is ENOMEM */
		return errno == ENOSPC ? -ENOMEM : -errno;
	}
	long ret = pagemap_map(pool_map_path(m->pfp), m->writable, addr, fixed,
			       offs + skip, npages - skip, m->prot, m->piece);
	m->npages = npages;
	m->valid = 0;
	while (m->valid < npages && offs[m->valid] != 0)
		m->valid++;
	free(offs);
	/* a fixed map replaced what was there, maybe another of ours */
	if ((fixed & MAP_FIXED) && ret != -EINVAL)
		maps_forget(addr, addr + (npages - skip) * PG);
	if (ret < 0)
		pmemfile_unpin_pages(m->pfp, m->pin);
	return ret;
}

/* Under maps_lock: m maps [base, base + len), file offset off at base. */
static int mapping_track(struct mapping *m, uintptr_t base, size_t len,
			 pmemfile_off_t off)
{
	m->base = base;
	m->off = off;
	int r = maps_track(base, base + len, m);
	if (r) {
		munmap((void *)base, len);
		pmemfile_unpin_pages(m->pfp, m->pin);
	} else if (m->valid < m->npages) {
		atomic_fetch_add(&maps_past_end, 1);
	}
	return r;
}

/*
 * Under maps_lock: pages of m from valid to upto became part of the file:
 * m is pinned again over its whole range (pinned pages do not move, so
 * those mapped already stay right) and those pages, where they are still
 * mapped, are mapped from the pool file.
 */
static void mapping_grow(struct mapping *m, size_t upto)
{
	uint64_t *offs = malloc(m->npages * sizeof(*offs));
	PMEMfilepin *pin = NULL;
	if (offs != NULL)
		pin = pmemfile_pin_pages(m->pfp, m->file, m->off,
					 m->npages * PG, offs);
	if (pin == NULL) {
		free(offs);
		return; /* the pages stay past the end: SIGBUS */
	}
	uintptr_t from = m->base + m->valid * PG, to = m->base + upto * PG;
	for (struct map_range *r = maps; r != NULL; r = r->next) {
		uintptr_t s = r->start > from ? r->start : from;
		uintptr_t e = r->end < to ? r->end : to;
		if (r->m == m && s < e)
			(void)pagemap_over(pool_map_path(m->pfp), m->writable,
					   s, offs + (s - m->base) / PG,
					   (e - s) / PG, m->prot, m->piece);
	}
	pmemfile_unpin_pages(m->pfp, m->pin);
	m->pin = pin;
	m->valid = upto;
	if (upto == m->npages)
		atomic_fetch_sub(&maps_past_end, 1);
	free(offs);
}

/* mmap_follow for the maps of pfp, or of every pool for NULL. */
static void maps_follow(PMEMfilepool *pfp)
{
	if (atomic_load_explicit(&maps_past_end, memory_order_relaxed) == 0)
		return;
	int e = errno;
	pthread_mutex_lock(&maps_lock);
	for (struct map_range *r = maps; r != NULL; r = r->next) {
		struct mapping *m = r->m;
		pmemfile_stat_t st;
		if ((pfp && m->pfp != pfp) || m->valid == m->npages ||
		    m->pid != pf_pid() || pmemfile_fstat(m->pfp, m->file, &st))
			continue;
		uint64_t size = (uint64_t)st.st_size, off = (uint64_t)m->off;
		size_t upto = size > off ? (size - off + PG - 1) / PG : 0;
		if (upto > m->npages)
			upto = m->npages;
		if (upto > m->valid)
			mapping_grow(m, upto);
	}
	pthread_mutex_unlock(&maps_lock);
	errno = e;
}

void mmap_follow(PMEMfilepool *pfp)
{
	maps_follow(pfp);
}

void pmemfile_maps_follow_all(void)
{
	maps_follow(NULL);
}

/* Whether map m shows file (the same inode). */
static bool mapping_of(struct mapping *m, PMEMfile *file, ino_t ino)
{
	pmemfile_stat_t st;
	return m->file == file ||
	       (pmemfile_fstat(m->pfp, m->file, &st) == 0 && st.st_ino == ino);
}

void pmemfile_maps_msync(uintptr_t addr, size_t len)
{
	if (atomic_load(&maps_count) == 0 || addr + len < addr)
		return;
	int e = errno;
	bool flushed = false;
	/* pools in journal mode: the msync is a sync point of each */
	PMEMfilepool *journaled[8];
	int nj = 0;
	pthread_mutex_lock(&maps_lock);
	for (struct map_range *r = maps; r != NULL; r = r->next) {
		struct mapping *m = r->m;
		uintptr_t from = r->start > addr ? r->start : addr;
		uintptr_t to = r->end < addr + len ? r->end : addr + len;
		uintptr_t valid = m->base + m->valid * PG;
		if (to > valid)
			to = valid;
		if (from >= to || m->pid != pf_pid() || !m->writable)
			continue;
		if (pmemfile_pool_durability(m->pfp) ==
		    PMEMFILE_DURABILITY_JOURNAL) {
			int k = 0;
			while (k < nj && journaled[k] != m->pfp)
				k++;
			if (k == nj && nj < 8)
				journaled[nj++] = m->pfp;
			continue;
		}
		if (!pool_syncs_by_flush(m->pfp))
			continue;
		flush_lines((void *)from, to - from);
		flushed = true;
	}
	pthread_mutex_unlock(&maps_lock);
	if (flushed)
		flush_fence();
	for (int k = 0; k < nj; ++k)
		(void)pmemfile_syncfs(journaled[k]);
	errno = e;
}

int mmap_sync(PMEMfilepool *pfp, PMEMfile *file, bool by_flush)
{
	if (atomic_load(&maps_count) == 0)
		return 0;
	pmemfile_stat_t fst;
	if (file && pmemfile_fstat(pfp, file, &fst) != 0)
		return -errno;
	int e = errno, ret = 0;
	pthread_mutex_lock(&maps_lock);
	for (struct map_range *r = maps; r != NULL; r = r->next) {
		struct mapping *m = r->m;
		if (m->pfp != pfp || m->pid != pf_pid() || !m->writable ||
		    (file && !mapping_of(m, file, fst.st_ino)))
			continue;
		/* pages past the end of the file are not the pool's */
		uintptr_t end = m->base + m->valid * PG;
		if (r->end < end)
			end = r->end;
		if (r->start >= end)
			continue;
		if (by_flush)
			flush_lines((void *)r->start, end - r->start);
		/* not msync(), a cancellation point: maps_lock is held */
		else if (syscall(SYS_msync, r->start, end - r->start,
				 MS_SYNC) != 0 &&
			 ret == 0)
			ret = -errno;
	}
	pthread_mutex_unlock(&maps_lock);
	if (by_flush)
		flush_fence();
	errno = e;
	return ret;
}

static struct mapping *mapping_new(PMEMfilepool *pfp, PMEMfile *file, int prot,
				   int piece, bool writable)
{
	struct mapping *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->pfp = pfp;
	m->pid = pf_pid();
	m->prot = prot;
	m->piece = piece;
	m->writable = writable;
	m->file = pmemfile_dup(pfp, file);
	if (m->file == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

static void mapping_free(struct mapping *m)
{
	int e = errno;
	pmemfile_close(m->pfp, m->file);
	free(m);
	errno = e;
}

static int shared_piece(int flags)
{
	return (flags & MAP_TYPE) == MAP_SHARED_VALIDATE
		   ? MAP_SHARED_VALIDATE | (flags & (MAP_KEPT | MAP_SYNC))
		   : MAP_SHARED | (flags & MAP_KEPT);
}

static long mmap_file(PMEMfilepool *pfp, uintptr_t addr, size_t len, int prot,
		      int flags, PMEMfile *file, pmemfile_off_t off)
{
	int type = flags & MAP_TYPE;
	if (type != MAP_PRIVATE && type != MAP_SHARED &&
	    type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (len == 0 || (off & (long)(PG - 1)))
		return -EINVAL;
	size_t plen = page_up(len);
	if (plen == 0)
		return -ENOMEM;
	if (off < 0 || (uint64_t)off + plen < (uint64_t)off)
		return -EOVERFLOW;
	if (file == NULL)
		return -EBADF;
	mode_t ftype = 0;
	int fl = file_mode(pfp, file, &ftype);
	if (fl < 0)
		return fl;
	if (fl & O_PATH)
		return -EBADF;
	int acc = fl & O_ACCMODE;
	if (type != MAP_PRIVATE && (prot & PROT_WRITE) && acc != O_RDWR)
		return -EACCES;
	if (acc == O_WRONLY)
		return -EACCES;
	if (ftype != S_IFREG)
		return -ENODEV;
	if (type == MAP_PRIVATE)
		return mmap_private(pfp, addr, plen, prot, flags, file, off);
	struct mapping *m =
	    mapping_new(pfp, file, prot, shared_piece(flags), acc == O_RDWR);
	if (m == NULL)
		return -errno;
	pthread_mutex_lock(&maps_lock);
	long ret =
	    mapping_make(m, addr, flags & (MAP_FIXED | MAP_FIXED_NOREPLACE),
			 off, plen / PG, 0);
	if (ret >= 0) {
		int r = mapping_track(m, (uintptr_t)ret, plen, off);
		if (r)
			ret = r;
	}
	pthread_mutex_unlock(&maps_lock);
	if (ret < 0)
		mapping_free(m);
	return ret;
}

long pmemfile_map_call(PMEMfilepool *pfp, uintptr_t addr, size_t len, int prot,
		       int flags, PMEMfile *file, pmemfile_off_t off)
{
	GATE_PASS();
	long r;
	if (flags & MAP_ANONYMOUS) {
		void *p = mmap((void *)addr, len, prot, flags, -1, off);
		r = p == MAP_FAILED ? -errno : (long)p;
	} else {
		r = mmap_file(pfp, addr, len, prot, flags, file, off);
	}
	/* a fixed private map replaced what was there (a shared one forgot
	 * it when made) */
	if (r >= 0 && (flags & MAP_FIXED) &&
	    ((flags & MAP_ANONYMOUS) || (flags & MAP_TYPE) == MAP_PRIVATE))
		pmemfile_maps_unmapped((uintptr_t)r, len);
	return r;
}

void pmemfile_maps_unmapped(uintptr_t addr, size_t len)
{
	if (atomic_load_explicit(&maps_count, memory_order_acquire) == 0)
		return;
	pthread_mutex_lock(&maps_lock);
	maps_forget(addr, addr + page_up(len));
	pthread_mutex_unlock(&maps_lock);
}

bool pmemfile_maps_any(void)
{
	return atomic_load_explicit(&maps_count, memory_order_acquire) != 0;
}

void *pmemfile_mmap(PMEMfilepool *pfp, void *addr, size_t len, int prot,
		    int flags, PMEMfile *file, pmemfile_off_t off)
{
	GATE_PASS();
	long r = pfp ? pmemfile_map_call(pfp, (uintptr_t)addr, len, prot, flags,
					 file, off)
		     : -EFAULT;
	if (r < 0) {
		errno = (int)-r;
		return PMEMFILE_MAP_FAILED;
	}
	return (void *)r;
}

long pmemfile_munmap_call(uintptr_t addr, size_t len)
{
	size_t plen = page_up(len);
	if ((addr & (PG - 1)) || len == 0 || plen == 0)
		return -EINVAL;
	pthread_mutex_lock(&maps_lock);
	long ret = munmap((void *)addr, len) ? -errno : 0;
	if (ret == 0)
		maps_forget(addr, addr + plen);
	pthread_mutex_unlock(&maps_lock);
	return ret;
}

int pmemfile_munmap(PMEMfilepool *pfp, void *addr, size_t len)
{
	GATE_PASS();
	return (int)pf_ret(pfp ? pmemfile_munmap_call((uintptr_t)addr, len)
			       : -EFAULT);
}
/*
 * mremap of a shared map: the new range is pinned and mapped as a new map,
 * in place or elsewhere; the pages of the old range stay pinned by the old
 * map until it is forgotten, so those mapped already stay right. Under
 * maps_lock.
 */
static long mremap_shared(struct mapping *om, uintptr_t old, size_t old_len,
			  size_t new_len, int flags, uintptr_t new_addr)
{
	if (!(flags & MREMAP_FIXED) && new_len <= old_len) {
		if (new_len < old_len &&
		    munmap((void *)(old + new_len), old_len - new_len))
			return -errno;
		maps_forget(old + new_len, old + old_len);
		return (long)old;
	}
	if ((flags & MREMAP_FIXED) && new_addr < old + old_len &&
	    old < new_addr + new_len)
		return -EINVAL;
	struct mapping *m =
	    mapping_new(om->pfp, om->file, om->prot, om->piece, om->writable);
	if (m == NULL)
		return -errno;
	pmemfile_off_t foff = om->off + (pmemfile_off_t)(old - om->base);
	long ret;
	if (flags & MREMAP_FIXED) {
		ret =
		    mapping_make(m, new_addr, MAP_FIXED, foff, new_len / PG, 0);
	} else {
		/* in place: the part past the old range must be free */
		ret = mapping_make(m, old + old_len, MAP_FIXED_NOREPLACE, foff,
				   new_len / PG, old_len / PG);
		if (ret >= 0) {
			/* the old part keeps its pages: m maps it too */
			maps_forget(old, old + old_len);
			ret = (long)old;
		} else if (ret == -EEXIST && (flags & MREMAP_MAYMOVE)) {
			ret = mapping_make(m, 0, 0, foff, new_len / PG, 0);
		} else if (ret == -EEXIST) {
			ret = -ENOMEM;
		}
	}
	if (ret >= 0) {
		int r = mapping_track(m, (uintptr_t)ret, new_len, foff);
		if (r)
			ret = r;
	}
	if (ret < 0) {
		mapping_free(m);
		return ret;
	}
	if ((uintptr_t)ret != old && old_len != 0) {
		munmap((void *)old, old_len);
		maps_forget(old, old + old_len);
	}
	return ret;
}

/* The flags and addresses mremap_shared takes, as the kernel checks them. */
static bool mremap_args_ok(uintptr_t old, size_t new_size, int flags,
			   uintptr_t new_addr)
{
	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))
		return false;
	if ((flags & MREMAP_FIXED) &&
	    (!(flags & MREMAP_MAYMOVE) || (new_addr & (PG - 1))))
		return false;
	return !(old & (PG - 1)) && new_size != 0 && page_up(new_size) != 0;
}

long pmemfile_mremap_call(uintptr_t old, size_t old_size, size_t new_size,
			  int flags, uintptr_t new_addr)
{
	size_t old_len = page_up(old_size), new_len = page_up(new_size);
	long r;
	pthread_mutex_lock(&maps_lock);
	struct map_range *mr = maps_find(old, old + (old_len ? old_len : 1));
	if (mr != NULL && !mremap_args_ok(old, new_size, flags, new_addr)) {
		r = -EINVAL;
	} else if (mr != NULL) {
		r = mremap_shared(mr->m, old, old_len, new_len, flags,
				  new_addr);
	} else if (maps_overlap(old, old + old_len)) {
		/* parts of several maps, as the kernel says */
		r = -EFAULT;
	} else {
		/* not a map of ours: the kernel's, with all its flags */
		r = syscall(SYS_mremap, old, old_size, new_size, flags,
			    new_addr);
		r = r < 0 ? -errno : r;
		if (r >= 0 && (flags & MREMAP_FIXED))
			maps_forget((uintptr_t)r, (uintptr_t)r + new_len);
	}
	pthread_mutex_unlock(&maps_lock);
	return r;
}

void *pmemfile_mremap(PMEMfilepool *pfp, void *old_addr, size_t old_size,
		      size_t new_size, int flags, void *new_addr)
{
	GATE_PASS();
	long r =
	    pfp ? pmemfile_mremap_call((uintptr_t)old_addr, old_size, new_size,
				       flags, (uintptr_t)new_addr)
		: -EFAULT;
	if (r < 0) {
		errno = (int)-r;
		return PMEMFILE_MAP_FAILED;
	}
	return (void *)r;
}

int pmemfile_msync(PMEMfilepool *pfp, void *addr, size_t len, int flags)
{
	GATE_PASS();
	if (pfp == NULL)
		return (int)pf_ret(-EFAULT);
	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)) ||
	    ((uintptr_t)addr & (PG - 1)))
		return (int)pf_ret(-EINVAL);
	if (flags & MS_SYNC)
		pmemfile_maps_msync((uintptr_t)addr, len);
	return msync(addr, len, flags);
}

int pmemfile_mprotect(PMEMfilepool *pfp, void *addr, size_t len, int prot)
{
	GATE_PASS();
	if (pfp == NULL)
		return (int)pf_ret(-EFAULT);
	return mprotect(addr, len, prot);
}
