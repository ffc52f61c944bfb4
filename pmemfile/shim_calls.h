/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * shim_calls.h -- calls of libpmemfile-posix for libpmemfile.so that the C
 * API has no word for. Linked from the static library; not in the C API.
 */
#ifndef PMEMFILE_SHIM_CALLS_H
#define PMEMFILE_SHIM_CALLS_H

#include <stdbool.h>
#include <stdint.h>

#include "libpmemfile-posix.h"

/*
 * An open flag for pmemfile_open and pmemfile_openat: a symlink as the
 * last component is refused (ELOOP) as with O_NOFOLLOW, but the
 * description's flags (F_GETFL) do not keep O_NOFOLLOW. The shim opens
 * so when it has not looked at the last component itself.
 */
#define PMEMFILE_O_LAST_NOFOLLOW 010000000000
/*
 * An open flag as well: a symlink before the last component is refused
 * (ELOOP) before anything else is done. The shim opens so when it has not
 * looked at the directories on the way (each look is a round trip in a
 * process that does not hold the pool), and walks again if refused.
 */
#define PMEMFILE_O_PARENTS_NOFOLLOW 004000000000
/*
 * An open flag too, with an empty path: a new description of the file the
 * handle dir is open on (or an O_PATH handle names), as an open of
 * /proc/self/fd/N makes one, whether the file has a name or not (an
 * O_TMPFILE file, one unlinked since). The open flags are checked against
 * the file as an open of it by name would check them (O_CREAT alone
 * changes nothing, O_CREAT | O_EXCL is EEXIST).
 */
#define PMEMFILE_O_REOPEN 002000000000

/*
 * pmemfile_chdir, and the directory's inode number (st_ino) into *ino:
 * in a process that is not the pool's holder, both in one round trip.
 */
__attribute__((visibility("default"))) int
pmemfile_chdir_ino(PMEMfilepool *pfp, const char *path, uint64_t *ino);
/*
 * The process's directory in the pool is path, absolute, without symlinks
 * (the shim's cwd when the process started). A process that does not hold
 * the pool takes it as it is, without a round trip: each call resolves
 * its relative paths against it, and fails there as the kernel's calls in
 * a directory removed meanwhile would; *ino is then 0 (unknown). The
 * holder enters it (pmemfile_chdir_ino).
 */
__attribute__((visibility("default"))) int
pmemfile_cwd_adopt(PMEMfilepool *pfp, const char *path, uint64_t *ino);

/*
 * pmemfile_openat, and the stat of the file opened into *st (the mode is
 * the shim's to know: a directory's descriptor keeps its path): in a
 * process that is not the pool's holder, both in one round trip. mode is
 * used as pmemfile_openat's.
 */
struct stat;
__attribute__((visibility("default"))) PMEMfile *
pmemfile_openat_stat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     int flags, pmemfile_mode_t mode, struct stat *st);

/*
 * A count that moves whenever a directory of the pool was renamed or
 * removed, by any process using it (0 for a pool no other process can
 * use): a directory path the shim keeps is looked at again then.
 */
__attribute__((visibility("default"))) uint64_t
pmemfile_names_generation(PMEMfilepool *pfp);

/*
 * Whether a process uses the pool of the file at path now (its shared
 * segment is there): a sync(2) of a process that has not used the pool
 * joins it then, to make its holder commit (journal mode).
 */
__attribute__((visibility("default"))) bool
pmemfile_pool_in_use(const char *path);

/*
 * The shim sees every call that could put another file at one of the
 * library's descriptors, and refuses a close of them: with
 * pmemfile_own_fds_watch (once, before any pool is used) it says so, and
 * after each dup2 or dup3 that succeeded it calls
 * pmemfile_own_fds_replaced. A descriptor of the library's is then
 * checked (fstat) only after such a call, not at each read and write.
 */
__attribute__((visibility("default"))) void pmemfile_own_fds_watch(void);
__attribute__((visibility("default"))) void pmemfile_own_fds_replaced(void);

#endif
