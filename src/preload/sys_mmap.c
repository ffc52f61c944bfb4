/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_mmap.c -- mmap of pool files, and the calls that end such maps.
 *
 * A shared map shows the pool file's own pages of the file, mapped in
 * place: the library pins them (pmemfile_pin_pages) so that they stay
 * where they are while mapped, and the shim maps each run of them from
 * the pool file (pmemfile_pagemap_map, which pmemfile_mmap uses too).
 * Stores through the map are the file's bytes, as read and write see
 * them, and msync makes them persistent as for any file map. Pages past
 * the end of the file map an empty memfd, so that touching them raises
 * SIGBUS as the kernel's map would. A private map is a copy of the file's
 * bytes in anonymous memory.
 *
 * The shim tracks the address ranges of shared maps: munmap, an mmap with
 * MAP_FIXED and mremap's target end them, partly or wholly; the pin goes
 * when the last page of its map is gone. A map that reaches past the end
 * of its file follows the file's growth: after each routed call, pages the
 * file grew over are mapped from the pool file (map_refresh), as the
 * kernel's map would show them.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "mount.h"
#include "preload.h"
#include "path.h"
#include "sys.h"
#include "../../pmemfile/pagemap.h"

#define PG PAGEMAP_PAGE

static inline size_t page_up(long len)
{
	return ((size_t)len + PG - 1) & ~(PG - 1);
}

/*
 * One shared map as made: its pages [0, valid) map the pool file, those
 * from valid to npages were past the end of the file and map the empty
 * memfd until the file grows over them (map_refresh).
 */
struct map_pin {
	PMEMfilepin *pin;
	struct preload_mount *mnt;
	pid_t pid;	/* the process that pinned (a fork child has a copy) */
	long ranges;	/* live map_range entries of it */
	PMEMfile *file; /* a handle of its own, for growing the map */
	uintptr_t base;
	uint64_t off; /* file offset at base */
	size_t npages, valid;
	int prot, piece; /* the pieces' protection and flags */
	bool writable;
};

struct map_range {
	uintptr_t start, end;
	struct map_pin *pin;
	struct map_range *next;
};

static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
static struct map_range *map_ranges;
static _Atomic long map_count;	  /* entries in map_ranges */
static _Atomic long map_eof_pins; /* pins with pages past the end */

/* Under map_lock: one range fewer for pin p; the last one unpins it. */
static void map_pin_drop(struct map_pin *p)
{
	if (--p->ranges > 0)
		return;
	struct preload_mount *m = p->mnt;
	PMEMfilepool *pfp = atomic_load(&m->pfp);
	/*
	 * A fork child's copy of the list: the pin is its parent's, which
	 * unpins it; the child drops its reference to the description.
	 */
	if (pfp != NULL && p->pid == preload_pid && !preload_in_vfork)
		pmemfile_unpin_pages(pfp, p->pin);
	if (pfp != NULL && !preload_in_vfork)
		pmemfile_close(pfp, p->file);
	if (p->valid < p->npages)
		atomic_fetch_sub(&map_eof_pins, 1);
	free(p);
}

/* Forgets [start, end) of the tracked maps (the kernel unmapped it). */
static void map_forget(uintptr_t start, uintptr_t end)
{
	if (atomic_load_explicit(&map_count, memory_order_acquire) == 0)
		return;
	pthread_mutex_lock(&map_lock);
	for (struct map_range **pr = &map_ranges; *pr != NULL;) {
		struct map_range *r = *pr;
		if (r->end <= start || r->start >= end) {
			pr = &r->next;
			continue;
		}
		if (r->start < start && r->end > end) {
			/* a hole in the middle: two ranges of one pin */
			struct map_range *tail = malloc(sizeof(*tail));
			if (tail != NULL) {
				*tail = *r;
				tail->start = end;
				r->next = tail;
				r->pin->ranges++;
				atomic_fetch_add(&map_count, 1);
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
			map_pin_drop(r->pin);
			free(r);
			atomic_fetch_sub(&map_count, 1);
		}
	}
	pthread_mutex_unlock(&map_lock);
}

static int map_track(uintptr_t start, uintptr_t end, struct map_pin *p)
{
	struct map_range *r = malloc(sizeof(*r));

	if (r == NULL)
		return -ENOMEM;
	r->start = start;
	r->end = end;
	r->pin = p;
	p->ranges = 1;
	pthread_mutex_lock(&map_lock);
	r->next = map_ranges;
	map_ranges = r;
	atomic_fetch_add(&map_count, 1);
	pthread_mutex_unlock(&map_lock);
	return 0;
}

static bool map_tracked(uintptr_t start, uintptr_t end)
{
	bool found = false;

	if (atomic_load_explicit(&map_count, memory_order_acquire) == 0)
		return false;
	pthread_mutex_lock(&map_lock);
	for (struct map_range *r = map_ranges; r != NULL && !found; r = r->next)
		found = r->start < end && r->end > start;
	pthread_mutex_unlock(&map_lock);
	return found;
}

/* The flags of the caller's shared map that the pieces keep. */
#define MAP_KEPT (MAP_POPULATE | MAP_NONBLOCK | MAP_LOCKED | MAP_NORESERVE)

/* Maps p's pinned pages offs over a new range; returns its address. */
static long map_pages(const long a[6], const struct map_pin *p,
		      const uint64_t *offs, size_t len)
{
	int fixed = (int)a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	long addr = pmemfile_pagemap_map(p->mnt->pool_path, p->writable,
					 (uintptr_t)a[0], fixed, offs, len / PG,
					 p->prot, p->piece);
	/* a fixed map replaced what was there, maybe another pool map */
	if (!syscall_error_code(addr) && ((int)a[3] & MAP_FIXED))
		map_forget((uintptr_t)addr, (uintptr_t)addr + len);
	return addr;
}

/* A new pin record for a shared map of a[] (len bytes) of u's file. */
static struct map_pin *map_pin_new(struct fd_use *u, const long a[6],
				   size_t len)
{
	int flags = (int)a[3];
	struct map_pin *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->file = pmemfile_dup(u->pfp, u->f->file);
	if (p->file == NULL) {
		free(p);
		return NULL;
	}
	p->mnt = u->f->mnt;
	p->pid = preload_pid;
	p->off = (uint64_t)a[5];
	p->npages = len / PG;
	p->prot = (int)a[2];
	p->piece = (flags & MAP_TYPE) == MAP_SHARED_VALIDATE
		       ? MAP_SHARED_VALIDATE | (flags & (MAP_KEPT | MAP_SYNC))
		       : MAP_SHARED | (flags & MAP_KEPT);
	p->writable = (u->f->flags & O_ACCMODE) == O_RDWR;
	return p;
}

static long mmap_shared(struct fd_use *u, const long a[6], size_t len)
{
	if (((int)a[2] & PROT_WRITE) && (u->f->flags & O_ACCMODE) != O_RDWR)
		return -EACCES;
	uint64_t *offs = malloc(len / PG * sizeof(*offs));
	struct map_pin *p = offs ? map_pin_new(u, a, len) : NULL;
	long ret = -ENOMEM;
	if (p == NULL)
		goto out;
	p->pin = pmemfile_pin_pages(u->pfp, p->file, a[5], len, offs);
	if (p->pin == NULL) {
		/* no storage for a hole: the kernel's answer is ENOMEM */
		ret = errno == ENOSPC ? -ENOMEM : -errno;
		goto out;
	}
	while (p->valid < p->npages && offs[p->valid] != 0)
		p->valid++;
	ret = map_pages(a, p, offs, len);
	if (!syscall_error_code(ret)) {
		p->base = (uintptr_t)ret;
		if (map_track((uintptr_t)ret, (uintptr_t)ret + len, p) == 0) {
			if (p->valid < p->npages)
				atomic_fetch_add(&map_eof_pins, 1);
			p = NULL;
		} else {
			syscall_no_intercept(SYS_munmap, ret, len);
			ret = -ENOMEM;
		}
	}
	if (p != NULL)
		pmemfile_unpin_pages(u->pfp, p->pin);
out:
	if (p != NULL && p->file != NULL)
		pmemfile_close(u->pfp, p->file);
	free(offs);
	free(p);
	return ret;
}

/*
 * Under map_lock: the pages of p from valid to upto became part of the
 * file: p is pinned again over its whole range (pinned pages do not move,
 * so the pages mapped already stay right) and those pages, where the
 * program still has them mapped, are mapped from the pool file.
 */
static void map_grow(PMEMfilepool *pfp, struct map_pin *p, size_t upto)
{
	uint64_t *offs = malloc(p->npages * sizeof(*offs));
	PMEMfilepin *pin = NULL;

	if (offs != NULL)
		pin = pmemfile_pin_pages(pfp, p->file, (long)p->off,
					 p->npages * PG, offs);
	if (pin == NULL) {
		log_printf("a shared map could not follow its file's growth");
		free(offs);
		return;
	}
	uintptr_t from = p->base + p->valid * PG, to = p->base + upto * PG;
	for (struct map_range *r = map_ranges; r != NULL; r = r->next) {
		uintptr_t s = r->start > from ? r->start : from;
		uintptr_t e = r->end < to ? r->end : to;
		if (r->pin != p || s >= e)
			continue;
		if (pmemfile_pagemap_over(p->mnt->pool_path, p->writable, s,
					  offs + (s - p->base) / PG,
					  (e - s) / PG, p->prot, p->piece))
			log_printf("a shared map could not follow its "
				   "file's growth");
	}
	pmemfile_unpin_pages(pfp, p->pin);
	p->pin = pin;
	p->valid = upto;
	if (upto == p->npages)
		atomic_fetch_sub(&map_eof_pins, 1);
	free(offs);
}

void map_refresh(void)
{
	if (atomic_load_explicit(&map_eof_pins, memory_order_relaxed) == 0)
		return;
	pthread_mutex_lock(&map_lock);
	for (struct map_range *r = map_ranges; r != NULL; r = r->next) {
		struct map_pin *p = r->pin;
		struct preload_mount *m = p->mnt;
		PMEMfilepool *pfp = atomic_load(&m->pfp);
		pmemfile_stat_t st;
		if (p->valid == p->npages || pfp == NULL ||
		    p->pid != preload_pid || preload_in_vfork ||
		    pmemfile_fstat(pfp, p->file, &st) != 0)
			continue;
		uint64_t size = (uint64_t)st.st_size;
		size_t upto = size > p->off ? (size - p->off + PG - 1) / PG : 0;
		if (upto > p->npages)
			upto = p->npages;
		if (upto > p->valid)
			map_grow(pfp, p, upto);
	}
	pthread_mutex_unlock(&map_lock);
}

static long mmap_private(struct fd_use *u, const long a[6], size_t len)
{
	int prot = (int)a[2];
	long off = a[5];
	long addr = syscall_no_intercept(
	    SYS_mmap, a[0], len, PROT_READ | PROT_WRITE,
	    ((int)a[3] & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (syscall_error_code(addr))
		return addr;
	if ((int)a[3] & MAP_FIXED)
		map_forget((uintptr_t)addr, (uintptr_t)addr + len);
	for (size_t done = 0; done < len;) {
		pmemfile_ssize_t n =
		    pmemfile_pread(u->pfp, u->f->file, (char *)addr + done,
				   len - done, off + (long)done);
		if (n < 0) {
			long err = -errno;
			syscall_no_intercept(SYS_munmap, addr, len);
			return err;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (prot != (PROT_READ | PROT_WRITE))
		syscall_no_intercept(SYS_mprotect, addr, len, prot);
	return addr;
}

static long mmap_pool(struct fd_use *u, const long a[6])
{
	size_t len = page_up(a[1]);
	int type = (int)a[3] & MAP_TYPE;

	if (a[1] == 0 || len == 0 || (a[5] & (long)(PG - 1)))
		return -EINVAL;
	if (u->f->is_dir)
		return -ENODEV;
	if ((u->f->flags & O_ACCMODE) == O_WRONLY || (u->f->flags & O_PATH))
		return (u->f->flags & O_PATH) ? -EBADF : -EACCES;
	if (type == MAP_PRIVATE)
		return mmap_private(u, a, len);
	if (type == MAP_SHARED || type == MAP_SHARED_VALIDATE)
		return mmap_shared(u, a, len);
	return -EINVAL;
}

SYS_HANDLER(mmap)
{
	if (a[3] & MAP_FIXED)
		path_maps_changed();
	if (!(a[3] & MAP_ANONYMOUS) && fd_table_used) {
		struct fd_use u;
		int is_pool = fd_use_begin((int)a[4], &u);
		if (is_pool < 0)
			return is_pool;
		if (is_pool > 0) {
			long ret = mmap_pool(&u, a);
			fd_use_end(&u);
			return ret;
		}
	}
	/* io_uring's queues: sys_refused.c looks at the requests */
	bool ring = !(a[3] & MAP_ANONYMOUS) && uring_is_ring((int)a[4]);
	if (!ring &&
	    (!(a[3] & MAP_FIXED) ||
	     atomic_load_explicit(&map_count, memory_order_relaxed) == 0))
		return PRELOAD_PASS;
	long ret =
	    syscall_no_intercept(SYS_mmap, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (syscall_error_code(ret))
		return ret;
	if (ring)
		uring_mapped((int)a[4], a[5], (void *)ret);
	/* a fixed map replaces what was there */
	if ((a[3] & MAP_FIXED) &&
	    atomic_load_explicit(&map_count, memory_order_relaxed) != 0)
		map_forget((uintptr_t)ret, (uintptr_t)ret + page_up(a[1]));
	return ret;
}

SYS_HANDLER(munmap)
{
	path_maps_changed();
	if (atomic_load_explicit(&map_count, memory_order_relaxed) == 0)
		return PRELOAD_PASS;
	long ret = syscall_no_intercept(SYS_munmap, a[0], a[1]);
	if (ret == 0)
		map_forget((uintptr_t)a[0], (uintptr_t)a[0] + page_up(a[1]));
	return ret;
}

/*
 * mremap of a shared pool map would move or grow pinned pages out of the
 * tracking: not supported. A target range that replaces other maps ends
 * them.
 */
SYS_HANDLER(mremap)
{
	path_maps_changed();
	if (atomic_load_explicit(&map_count, memory_order_relaxed) == 0)
		return PRELOAD_PASS;
	if (map_tracked((uintptr_t)a[0], (uintptr_t)a[0] + page_up(a[1])))
		return preload_not_supported("mremap of a shared map of a "
					     "pool file");
	long ret =
	    syscall_no_intercept(SYS_mremap, a[0], a[1], a[2], a[3], a[4]);
	if (!syscall_error_code(ret) && (a[3] & MREMAP_FIXED))
		map_forget((uintptr_t)ret, (uintptr_t)ret + page_up(a[2]));
	return ret;
}

void map_fork_prepare(void)
{
	pthread_mutex_lock(&map_lock);
}

void map_fork_done(void)
{
	pthread_mutex_unlock(&map_lock);
}

/* mprotect, brk, shmat, shmdt: the kernel's, after the paths' pages */
SYS_HANDLER(maps_change)
{
	(void)a;
	path_maps_changed();
	return PRELOAD_PASS;
}
