// SPDX-License-Identifier: BSD-3-Clause
/*
 * pagemap.c -- pinned pages of a file mapped from the pool file
 * (pagemap.h). Inside libpmemfile.so its calls to the kernel are made
 * from the hook, which sends them straight to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pagemap.h"

#define PG PAGEMAP_PAGE

/* The pool file and the empty memfd, or -errno. */
static int pagemap_open(const char *pool_path, bool writable, int *eof_fd)
{
	int pool_fd =
	    open(pool_path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (pool_fd < 0)
		return -errno;
	*eof_fd = memfd_create("pmemfile-eof", MFD_CLOEXEC);
	if (*eof_fd < 0) {
		int e = errno;
		close(pool_fd);
		return -e;
	}
	return pool_fd;
}

static void pagemap_close(int pool_fd, int eof_fd)
{
	close(pool_fd);
	close(eof_fd);
}

/* Maps each run of offs over [addr, addr + npages pages); 0 or -errno. */
static long pagemap_runs(uintptr_t addr, const uint64_t *offs, size_t npages,
			 int prot, int piece, int pool_fd, int eof_fd)
{
	for (size_t i = 0; i < npages;) {
		size_t n = 1;
		if (offs[i] != 0)
			while (i + n < npages &&
			       offs[i + n] == offs[i] + n * PG)
				n++;
		else
			while (i + n < npages && offs[i + n] == 0)
				n++;
		void *p = mmap((void *)(addr + i * PG), n * PG, prot,
			       piece | MAP_FIXED, offs[i] ? pool_fd : eof_fd,
			       offs[i] ? (off_t)offs[i] : 0);
		if (p == MAP_FAILED)
			return -errno;
		i += n;
	}
	return 0;
}

long pagemap_over(const char *pool_path, bool writable, uintptr_t addr,
		  const uint64_t *offs, size_t npages, int prot, int piece)
{
	int eof_fd;
	int pool_fd = pagemap_open(pool_path, writable, &eof_fd);
	if (pool_fd < 0)
		return pool_fd;
	long r = pagemap_runs(addr, offs, npages, prot, piece, pool_fd, eof_fd);
	pagemap_close(pool_fd, eof_fd);
	return r;
}

long pagemap_map(const char *pool_path, bool writable, uintptr_t addr,
		 int fixed, const uint64_t *offs, size_t npages, int prot,
		 int piece)
{
	size_t len = npages * PG;
	int eof_fd;
	int pool_fd = pagemap_open(pool_path, writable, &eof_fd);
	if (pool_fd < 0)
		return pool_fd;
	/* the range reserved first, so that the pieces land side by side */
	void *p = mmap((void *)addr, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
	long r = p == MAP_FAILED ? -errno : (long)p;
	/* a kernel before 4.17 takes MAP_FIXED_NOREPLACE for a hint */
	if (p != MAP_FAILED && (fixed & MAP_FIXED_NOREPLACE) &&
	    (uintptr_t)p != addr) {
		munmap(p, len);
		r = -EEXIST;
	}
	if (r >= 0) {
		long e = pagemap_runs((uintptr_t)p, offs, npages, prot, piece,
				      pool_fd, eof_fd);
		if (e) {
			munmap(p, len);
			r = e;
		}
	}
	pagemap_close(pool_fd, eof_fd);
	return r;
}
