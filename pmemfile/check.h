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

/* What pmemfile_salvage_pool made, and what it could not. */
struct pmemfile_salvage_counts {
	unsigned dirs, files, symlinks, specials;
	unsigned links;	  /* names of a file made before under another name */
	unsigned found;	  /* inodes no name reached, put in /lost+found */
	unsigned lost;	  /* names whose inode could not be read or made */
	unsigned damaged; /* files and directories copied in part */
};

/*
 * Whether the pool at path is refused for damage of libpmemobj's own
 * metadata (objcheck.h, or pmemobj_open's own checks, its pool header's
 * among them when the file still leads to a pmemfile superblock): 1 if
 * so, else 0.
 * It opens the pool (libpmemobj's recovery runs) when nothing is damaged.
 */
__attribute__((visibility("default"))) int
pmemfile_pool_refused(const char *path);

/*
 * Copies what can be read of the pool at path, which libpmemobj may
 * refuse, into a new pool at newpath of the same size (its space taken
 * at once: -ENOSPC if there is none): every directory, file, symlink and
 * special file the root directories reach, with its mode, owner and
 * times, then the intact inodes nothing reached into /lost+found. The
 * old pool file is only read. Each thing not copied, or copied in part,
 * is printed on a line of report. 0 with counts set, or -errno (newpath
 * is then removed, if it was made).
 */
__attribute__((visibility("default"))) int
pmemfile_salvage_pool(const char *path, const char *newpath, FILE *report,
		      struct pmemfile_salvage_counts *counts);

#ifdef __cplusplus
}
#endif

#endif
