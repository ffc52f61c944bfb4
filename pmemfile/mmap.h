/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmap.h -- pmemfile_mmap and its family for libpmemfile.so, whose mmap,
 * munmap and mremap of pool files and of the ranges of their maps are
 * these (mmap.c): each returns what the kernel's system call would, a
 * result or -errno. Linked from the static library; not in the C API.
 */
#ifndef PMEMFILE_MMAP_H
#define PMEMFILE_MMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "libpmemfile-posix.h"

__attribute__((visibility("default"))) long
pmemfile_map_call(PMEMfilepool *pfp, uintptr_t addr, size_t len, int prot,
		  int flags, PMEMfile *file, pmemfile_off_t off);
__attribute__((visibility("default"))) long pmemfile_munmap_call(uintptr_t addr,
								 size_t len);
__attribute__((visibility("default"))) long
pmemfile_mremap_call(uintptr_t old, size_t old_size, size_t new_size, int flags,
		     uintptr_t new_addr);
/* Whether any map of pmemfile_mmap is tracked. */
__attribute__((visibility("default"))) bool pmemfile_maps_any(void);
/* [addr, addr + len) was unmapped or replaced by another call: the maps
 * there end. */
__attribute__((visibility("default"))) void
pmemfile_maps_unmapped(uintptr_t addr, size_t len);
/* The maps of every pool follow their files' growth (mmap_follow), by
 * this process or another. */
__attribute__((visibility("default"))) void pmemfile_maps_follow_all(void);
/*
 * msync of [addr, addr + len): the cache lines of the maps of pool files
 * there, on pools whose stores are made durable by flushes (pmem, or
 * treated as such), written back; the caller then gives the call to the
 * kernel, which syncs the pages of the other pools' maps.
 */
__attribute__((visibility("default"))) void pmemfile_maps_msync(uintptr_t addr,
								size_t len);

#endif
