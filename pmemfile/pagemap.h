/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagemap.h -- pinned pages of a file mapped from the pool file, for
 * pmemfile_mmap (mmap.c).
 *
 * offs[i] is the pool file offset of page i of the range, as
 * pmemfile_pin_pages gives it, or 0 for a page past the end of the file:
 * such pages map an empty memfd, so that touching one raises SIGBUS as the
 * kernel's map of a file does. Runs of consecutive pool offsets are mapped
 * in one piece each. The caller keeps the pages pinned while they are
 * mapped.
 */
#ifndef PMEMFILE_PAGEMAP_H
#define PMEMFILE_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGEMAP_PAGE 4096ul

/*
 * Maps the npages pages of offs at a new range: at addr when fixed is
 * MAP_FIXED or MAP_FIXED_NOREPLACE, else where the kernel puts a map with
 * that hint. Each piece is mapped with prot and piece (MAP_SHARED or
 * MAP_SHARED_VALIDATE and the flags kept of the caller's) from the pool
 * file opened for reading, and writing if writable. Returns the address,
 * or -errno (nothing stays mapped; with MAP_FIXED what was there is gone).
 */
long pagemap_map(const char *pool_path, bool writable, uintptr_t addr,
		 int fixed, const uint64_t *offs, size_t npages, int prot,
		 int piece);

/* Maps the npages pages of offs over [addr, addr + npages pages); 0 or
 * -errno. */
long pagemap_over(const char *pool_path, bool writable, uintptr_t addr,
		  const uint64_t *offs, size_t npages, int prot, int piece);

#endif
