/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check.h -- the consistency checker of pmemfile pools, for the crash
 * tests and `pmemfile check` (linked from the static library).
 */
#ifndef PMEMFILE_CHECK_H
#define PMEMFILE_CHECK_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Opens the pool at path (which must not be open elsewhere) and checks all
 * of it: the superblock, every inode reachable from the root or the orphan
 * list, link counts, directory records and hash tables, extents, and that
 * each object of the pool's allocator is owned exactly once (no leaks, no
 * doubly-owned blocks). Each problem is printed on a line of report (if
 * not NULL). Returns 0 if the pool is consistent, the number of problems
 * found if not, or -errno if the pool cannot be opened (-EWOULDBLOCK: in
 * use by another process).
 */
__attribute__((visibility("default"))) int pmemfile_check_pool(const char *path,
							       FILE *report);

/* pmemfile_repair_pool: fix what can be fixed (else check only) */
#define PMEMFILE_REPAIR_FIX 1

/*
 * pmemfile check [--repair]: checks the pool at path as
 * pmemfile_check_pool does and, with PMEMFILE_REPAIR_FIX, fixes what can
 * be fixed safely, each fix printed on a line of report, then checks
 * again and prints what is left. *fixed gets the number of fixes made
 * (each orphan freed is one), *left the problems left (orphans are none:
 * they are listed, as the next open frees them); progress (if not
 * NULL) is called during each check with the inodes done and in all.
 * Returns 0, or -errno if the pool cannot be opened (damage libpmemobj
 * finds at the open is a problem left, not an error).
 */
__attribute__((visibility("default"))) int
pmemfile_repair_pool(const char *path, FILE *report, int flags,
		     void (*progress)(uint64_t done, uint64_t total),
		     unsigned *fixed, unsigned *left);

#ifdef __cplusplus
}
#endif

#endif
