// SPDX-License-Identifier: BSD-3-Clause
/*
 * dirty.c -- written pages of a range (dirty.h), by userfaultfd's
 * asynchronous write protection and the PAGEMAP_SCAN ioctl of
 * /proc/self/pagemap. The constants and structures are the kernel's ABI
 * (include/uapi/linux/fs.h and userfaultfd.h of Linux 6.7), given here
 * for the headers of older distributions.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kcall.h"
#include "dirty.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

struct dirty_region {
	uint64_t start, end, categories;
};

struct dirty_scan {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages,
	    category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define DIRTY_PAGEMAP_SCAN _IOWR('f', 16, struct dirty_scan)
#define DIRTY_PAGE_IS_WRITTEN (1u << 1)
#define DIRTY_PAGE_IS_PRESENT (1u << 3)
#define DIRTY_PAGE_IS_SWAPPED (1u << 4)
#define DIRTY_SCAN_WP_MATCHING (1u << 0)
#define DIRTY_SCAN_CHECK_WPASYNC (1u << 1)

/* Runs reported by one ioctl; a longer list takes several. */
#define DIRTY_VEC 256

struct dirty {
	uintptr_t base, end;
	int uffd, pagemap;
	struct dirty_region vec[DIRTY_VEC];
};

int dirty_own_fds(const struct dirty *d, int *fds, int n)
{
	const int own[] = {d ? d->uffd : -1, d ? d->pagemap : -1};
	return k_fds_list(own, 2, fds, n);
}

static int dirty_open(struct dirty *d)
{
	/* user mode only: allowed without privilege where unprivileged
	 * userfaultfd is off; asynchronous faults never reach it anyway */
	d->uffd = k_fd_high((int)syscall(
	    SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY));
	if (d->uffd < 0)
		return errno == ENOSYS ? -ENOTSUP : -errno;
	struct uffdio_api api = {
	    .api = UFFD_API,
	    .features = UFFD_FEATURE_WP_ASYNC |
			UFFD_FEATURE_WP_HUGETLBFS_SHMEM |
			UFFD_FEATURE_WP_UNPOPULATED,
	};
	if (ioctl(d->uffd, UFFDIO_API, &api) != 0)
		return errno == EINVAL ? -ENOTSUP : -errno;
	struct uffdio_register reg = {
	    .range = {d->base, d->end - d->base},
	    .mode = UFFDIO_REGISTER_MODE_WP,
	};
	if (ioctl(d->uffd, UFFDIO_REGISTER, &reg) != 0)
		return -errno;
	d->pagemap =
	    k_fd_high(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	return d->pagemap < 0 ? -errno : 0;
}

int dirty_start(void *base, size_t len, struct dirty **out)
{
	uintptr_t b = (uintptr_t)base;
	if ((b | len) & 4095 || len == 0)
		return -EINVAL;
	struct dirty *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->base = b;
	d->end = b + len;
	d->pagemap = -1;
	int r = dirty_open(d);
	/* the first scan protects every page; what it reports is dropped */
	long c = r == 0 ? dirty_collect(d, NULL, NULL) : 0;
	if (c < 0)
		r = c == -ENOTTY || c == -EINVAL ? -ENOTSUP : (int)c;
	if (r) {
		dirty_stop(d);
		return r;
	}
	*out = d;
	return 0;
}

/*
 * Calls fn (if any) for each run of [start, end) that query's categories
 * select, found by PAGEMAP_SCAN through pagemap (query's flags apply: a
 * collect protects the pages it reports again). The number of pages
 * reported, -errno, or fn's nonzero result.
 */
static long scan(int pagemap, uintptr_t start, uintptr_t end,
		 struct dirty_scan query, struct dirty_region *vec, dirty_fn fn,
		 void *arg)
{
	long pages = 0;
	query.size = sizeof(query);
	query.end = end;
	query.vec = (uintptr_t)vec;
	query.vec_len = DIRTY_VEC;
	for (uintptr_t at = start; at < end;) {
		query.start = at;
		long n = ioctl(pagemap, DIRTY_PAGEMAP_SCAN, &query);
		if (n < 0)
			return -errno;
		for (long i = 0; i < n; ++i) {
			pages += (long)((vec[i].end - vec[i].start) >> 12);
			int r = fn ? fn(arg, vec[i].start, vec[i].end) : 0;
			if (r)
				return r;
		}
		/* the walk stops where the vector filled, or at the end */
		if (query.walk_end <= at)
			return -EIO;
		at = query.walk_end;
	}
	return pages;
}

long dirty_collect(struct dirty *d, dirty_fn fn, void *arg)
{
	return scan(
	    d->pagemap, d->base, d->end,
	    (struct dirty_scan){
		.flags = DIRTY_SCAN_WP_MATCHING | DIRTY_SCAN_CHECK_WPASYNC,
		.category_mask = DIRTY_PAGE_IS_WRITTEN,
		.return_mask = DIRTY_PAGE_IS_WRITTEN,
	    },
	    d->vec, fn, arg);
}

/* dirty_written's walk stops at the first run */
static int first_run(void *arg, uintptr_t start, uintptr_t end)
{
	(void)arg;
	(void)start;
	(void)end;
	return 1;
}

int dirty_written(struct dirty *d)
{
	return dirty_written_in(d, (const void *)d->base, d->end - d->base);
}

int dirty_written_in(struct dirty *d, const void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)addr + len + 4095) & ~(uintptr_t)4095;
	if (len == 0 || start < d->base || end > d->end || end <= start)
		return -EINVAL;
	long r = scan(d->pagemap, start, end,
		      (struct dirty_scan){
			  .category_mask = DIRTY_PAGE_IS_WRITTEN,
			  .return_mask = DIRTY_PAGE_IS_WRITTEN,
		      },
		      d->vec, first_run, NULL);
	return r < 0 ? (int)r : r > 0;
}

/*
 * MADV_POPULATE_WRITE takes the write fault of each page inside one call
 * (the kernel's fault handler, without the trap and return of each): an
 * asynchronously protected page loses its mark there as on a store, and
 * becomes writable. About a third of the cost of the faults the stores
 * would take (256 MiB of tmpfs pages: 0.04 s against 0.10 s here).
 * UFFDIO_WRITEPROTECT without the protect mode would remove the marks
 * alone, but leaves the pages of a shared mapping read-only: each store
 * still faults.
 */
int dirty_unprotect(struct dirty *d, const void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)addr + len + 4095) & ~(uintptr_t)4095;
	if (len == 0 || start < d->base || end > d->end || end <= start)
		return -EINVAL;
	return madvise((void *)start, end - start, MADV_POPULATE_WRITE) ? -errno
									: 0;
}

void dirty_stop(struct dirty *d)
{
	if (!d)
		return;
	if (d->uffd >= 0) {
		struct uffdio_range range = {d->base, d->end - d->base};
		(void)ioctl(d->uffd, UFFDIO_UNREGISTER, &range);
	}
	dirty_forget(d);
}

void dirty_forget(struct dirty *d)
{
	if (!d)
		return;
	if (d->uffd >= 0)
		k_close(d->uffd);
	if (d->pagemap >= 0)
		k_close(d->pagemap);
	free(d);
}

bool dirty_supported(void)
{
	static _Atomic int known; /* 1 yes, -1 no, 0 not probed yet */
	int k = atomic_load(&known);
	if (k)
		return k > 0;
	/* shared anonymous memory is shmem, as an image in /dev/shm */
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct dirty *d = NULL;
	k = p != MAP_FAILED && dirty_start(p, 4096, &d) == 0 ? 1 : -1;
	dirty_stop(d);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	atomic_store(&known, k);
	return k > 0;
}

long dirty_present(void *base, size_t len, dirty_fn fn, void *arg)
{
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		return -errno;
	struct dirty_region vec[DIRTY_VEC];
	uint64_t kept = DIRTY_PAGE_IS_PRESENT | DIRTY_PAGE_IS_SWAPPED;
	long pages = scan(pagemap, (uintptr_t)base, (uintptr_t)base + len,
			  (struct dirty_scan){.category_anyof_mask = kept,
					      .return_mask = kept},
			  vec, fn, arg);
	close(pagemap);
	return pages == -ENOTTY || pages == -EINVAL ? -ENOTSUP : pages;
}
