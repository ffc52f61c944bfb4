/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmap_sync.h -- the stores of this process's shared maps made durable
 * (mmap.c), for the fsync family (sync.c).
 */
#ifndef PMEMFILE_MMAP_SYNC_H
#define PMEMFILE_MMAP_SYNC_H

#include <stdbool.h>

#include "libpmemfile-posix.h"

/*
 * The maps this process made of file (of every file of pfp for NULL):
 * their cache lines written back (by_flush) or their pages msynced.
 * 0, or -errno.
 */
int mmap_sync(PMEMfilepool *pfp, PMEMfile *file, bool by_flush);

/* Whether the stores to pfp's maps are made durable by cache flushes. */
bool pool_syncs_by_flush(PMEMfilepool *pfp);

/*
 * Where the pool file at path lives (enum pmemfile_durability); journal
 * mode only if may_journal (a pool opened otherwise runs as the file is).
 */
int pool_durability_find(const char *path, bool is_pmem, bool may_journal);
/* Whether the file at path maps with MAP_SYNC: on pmem (a dax mount). */
bool pool_file_maps_sync(const char *path);

#endif
