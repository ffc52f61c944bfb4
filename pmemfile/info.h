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

#endif
