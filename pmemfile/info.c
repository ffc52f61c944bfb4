// SPDX-License-Identifier: BSD-3-Clause
/* info.c -- the superblock's facts for `pmemfile info`. */
#include <errno.h>
#include <string.h>

#include "info.h"
#include "inode.h"
#include "internal.h"

int pmemfile_pool_info(PMEMfilepool *pfp, struct pmemfile_pool_info *info)
{
	memset(info, 0, sizeof(*info));
	if (!pfp || pf_remote(pfp))
		return -ENOTSUP;
	struct pmemfile_super *s = pfp->super;
	info->layout_version = s->version;
	info->pool_size = pfp->pool_size;
	/*
	 * bounded by the inodes the pool can hold (not by ninode_arrays,
	 * which damage may make huge), so that a cycle ends
	 */
	uint64_t bound = pfp->pool_size / sizeof(struct pmemfile_inode);
	for (uint64_t off = s->orphans; off; info->orphans++) {
		if (info->orphans >= bound || !inode_off_valid(pfp, off))
			return pf_damaged(pfp, off, "the orphan list");
		struct pmemfile_inode *in = pf_ptr(pfp, off);
		off = in->orphan_next;
	}
	return 0;
}
