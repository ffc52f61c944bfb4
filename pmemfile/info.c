// SPDX-License-Identifier: BSD-3-Clause
/* info.c -- the superblock's facts for `pmemfile info`. */
#include <errno.h>
#include <string.h>

#include "info.h"
#include "internal.h"

int pmemfile_pool_info(PMEMfilepool *pfp, struct pmemfile_pool_info *info)
{
	memset(info, 0, sizeof(*info));
	if (!pfp || pf_remote(pfp))
		return -ENOTSUP;
	struct pmemfile_super *s = pfp->super;
	info->layout_version = s->version;
	info->pool_size = pfp->pool_size;
	/* bounded by the slots there are, so that a cycle ends */
	uint64_t bound = s->ninode_arrays * PMEMFILE_INODES_PER_ARRAY;
	for (uint64_t off = s->orphans; off; info->orphans++) {
		if (info->orphans >= bound ||
		    !pf_in_pool(pfp, off, sizeof(struct pmemfile_inode)))
			return -EIO;
		struct pmemfile_inode *in = pf_ptr(pfp, off);
		off = in->orphan_next;
	}
	return 0;
}
