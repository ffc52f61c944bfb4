/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check.h -- the consistency checker of pmemfile pools, for the crash
 * tests and `pmemfile check` (linked from the static library).
 */
#ifndef PMEMFILE_CHECK_H
#define PMEMFILE_CHECK_H

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

#ifdef __cplusplus
}
#endif

#endif
