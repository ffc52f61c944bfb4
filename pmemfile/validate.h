/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * validate.h -- checks of what an inode points to, before it is followed.
 */
#ifndef PMEMFILE_VALIDATE_H
#define PMEMFILE_VALIDATE_H

#include "internal.h"

/*
 * 0 if ino is an inode slot in use whose offsets (extents, extent blocks,
 * directory tables and blocks, symlink target) lie inside the pool, else
 * -EIO with pmemfile_errormsg naming the inode.
 */
int inode_validate(PMEMfilepool *pfp, uint64_t ino);

#endif
