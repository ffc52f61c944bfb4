/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * info.h -- what `pmemfile info` shows of a pool beyond pmemfile_stats and
 * pmemfile_statfs (linked from the static library; not in the C API).
 */
#ifndef PMEMFILE_INFO_H
#define PMEMFILE_INFO_H

#include <stdint.h>

#include "libpmemfile-posix.h"

struct pmemfile_pool_info {
	uint64_t layout_version; /* of the superblock */
	uint64_t orphans;	 /* inodes with no name still kept */
	uint64_t pool_size;	 /* bytes of the pool */
};

/*
 * Fills info from the superblock of a pool this process holds; -ENOTSUP
 * when another process holds it, -EIO when the orphan list is damaged
 * (the count so far is kept). 0 on success.
 */
__attribute__((visibility("default"))) int
pmemfile_pool_info(PMEMfilepool *pfp, struct pmemfile_pool_info *info);

/*
 * How durable a pool's stores are, from where its file lives (found at
 * open; sync.c):
 *  - VOLATILE: the file is in memory (tmpfs): stores are at memory speed
 *    and the pool is gone at a reboot;
 *  - PMEM: persistent memory (device DAX, or a file system that maps it
 *    with MAP_SYNC): each call's stores are durable when it returns;
 *  - MSYNC: an ordinary file: libpmemobj msyncs each flush, so each call's
 *    stores are durable when it returns, at the disk's speed;
 *  - UNSAFE: an ordinary file that PMEM_IS_PMEM_FORCE=1 has libpmemobj
 *    treat as pmem: stores stay in the page cache, which the kernel writes
 *    back in any order, so a power cut may leave the pool inconsistent;
 *  - JOURNAL: an ordinary file whose attribute chose the journal
 *    (jmode.h): memory speed, durable at each sync point (fsync, sync,
 *    close, a hand-over, every 5 s), consistent after a power cut.
 */
enum pmemfile_durability {
	PMEMFILE_DURABILITY_UNKNOWN,
	PMEMFILE_DURABILITY_VOLATILE,
	PMEMFILE_DURABILITY_PMEM,
	PMEMFILE_DURABILITY_MSYNC,
	PMEMFILE_DURABILITY_UNSAFE,
	PMEMFILE_DURABILITY_JOURNAL,
};

/* The durability of the pool pfp, held here or by another process. */
__attribute__((visibility("default"))) enum pmemfile_durability
pmemfile_pool_durability(PMEMfilepool *pfp);

/* The durability a pool at path would have here, without opening it. */
__attribute__((visibility("default"))) enum pmemfile_durability
pmemfile_path_durability(const char *path);

/*
 * Chooses the durability of the pool file at path, which no process may
 * hold: "journal" or "msync" (its extended attribute user.pmemfile.
 * durability; before msync, the journal is written into the pool file).
 * Only a pool on an ordinary file of a disk has the choice. 0, or -errno
 * with a message (pmemfile_errormsg): -EWOULDBLOCK if the pool is in use,
 * -EINVAL for another mode or another kind of file.
 */
__attribute__((visibility("default"))) int
pmemfile_pool_set_durability(const char *path, const char *mode);

/* A short name of d ("pmem", "msync", ...) and a line saying what it means. */
__attribute__((visibility("default"))) const char *
pmemfile_durability_name(enum pmemfile_durability d);
__attribute__((visibility("default"))) const char *
pmemfile_durability_text(enum pmemfile_durability d);

#endif
