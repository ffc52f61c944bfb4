/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * direct.h -- pool pages this process has not mapped yet: big reads go
 * through a descriptor of the pool file instead of the mapping, writes
 * map them sixteen pages at a time.
 */
#ifndef PMEMFILE_DIRECT_H
#define PMEMFILE_DIRECT_H

#include <stdbool.h>

#include "internal.h"

/* Reads under this size always copy from the mapping. */
#define DIRECT_READ_MIN (64ULL << 10)

/*
 * A descriptor of the pool file at path, numbered high (*writable: opened
 * for writing); -1 with errno.
 */
int direct_open(const char *path, bool *writable);

/* Opens the descriptor of the pool file at path (nothing if it fails). */
void direct_init(PMEMfilepool *pfp, const char *path);
void direct_fini(PMEMfilepool *pfp);

/*
 * Copies the n bytes at src (in the pool) to dst with a read of the pool
 * file if none of them was touched through the mapping before; false if
 * it did not (the caller copies from the mapping).
 */
bool direct_read(PMEMfilepool *pfp, void *dst, const char *src, uint64_t n);

/*
 * Before n bytes are written at dst (in the pool): maps the 64 KiB chunks
 * under them that no write of this process mapped yet, by a read fault
 * (a chunk of a journal mode's image that direct_back allocated: by one
 * madvise for its sixteen pages).
 */
void direct_map_for_write(PMEMfilepool *pfp, const char *dst, uint64_t n);

/*
 * Before the new extent of len bytes at p (in the pool) is used, in a pool
 * in memory: allocates its pages in the pool file and maps those that were
 * holes. Returns 1 if it mapped them, or allocated them for a journal
 * mode's image (where they are mapped when written through the mapping),
 * 0 if not (a pool on a disk, pages that existed, a kernel without
 * MADV_POPULATE_WRITE), -ENOSPC if the file system has no space for them.
 */
int direct_back(PMEMfilepool *pfp, char *p, uint64_t len);

/*
 * Set by a thread of the holder while it allocates storage that another
 * process writes (a writer's lease asked for by a write through its
 * descriptor of the pool file, or with an open): direct_back allocates
 * the pages (a full file system still fails the allocation, not a write
 * later) but neither clears nor maps them here, and the extent is not
 * mapped here either.
 */
extern __thread bool direct_for_other
    __attribute__((tls_model("initial-exec")));
/*
 * Set with direct_for_other where that process writes the storage through
 * its descriptor of the pool file only (LEASE_UNBACKED): direct_back
 * leaves the pages alone, and its writes allocate them as they go, where
 * a file system that is full fails the write with ENOSPC.
 */
extern __thread bool direct_unbacked __attribute__((tls_model("initial-exec")));
/*
 * Whether storage may be left so: the pool is memory, and its file system
 * has room to spare.
 */
bool direct_room_for_other(PMEMfilepool *pfp);

/*
 * In journal mode, from a thread of its own (jmode_back_ahead): the holes
 * among the image's pages of the 64 KiB chunks of [off, off + len) that
 * are not backed yet allocated by fallocate and mapped for writing, so
 * that the small extents placed there later need no call (direct_back),
 * and the chunks marked so that the first one placed in each asks for the
 * chunks after it.
 */
void direct_back_ahead(PMEMfilepool *pfp, uint64_t off, uint64_t len);
/*
 * Writes the n bytes at src into the pool at dst with a write of the pool
 * file (the image in journal mode), which neither maps the pages nor
 * clears new ones first; false if it did not write them all (the caller
 * copies them through the mapping). Stores through the mapping's tracking
 * do not see it: the caller counts the pages as written itself.
 */
bool direct_write(PMEMfilepool *pfp, char *dst, const void *src, uint64_t n);
/*
 * All n bytes of src into the file of fd at off, through EINTR and short
 * writes: how many went (less: errno says why, ENOSPC for a write of 0).
 */
size_t direct_pwrite_all(int fd, const void *src, size_t n, uint64_t off);

#endif
