/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cwd.h -- the current directory when it is inside a mount. The kernel's
 * own current directory is used whenever this one is not set.
 */
#ifndef PRELOAD_CWD_H
#define PRELOAD_CWD_H

#include <stdbool.h>

#include "libpmemfile-posix.h"

struct preload_mount;

/*
 * Copies the current directory if it is in a mount: returns the mount and
 * fills path (in the pool, absolute); NULL when the cwd is the kernel's.
 * Returns NULL and sets *busy when called from a signal handler that
 * interrupted cwd_set on the same thread.
 */
struct preload_mount *cwd_get(char path[PMEMFILE_PATH_MAX], bool *busy);

/*
 * Sets the current directory to path in m, or to the kernel's (m NULL),
 * without the pool (its inode is noted at the first use, cwd_check).
 */
void cwd_set(struct preload_mount *m, const char *path);
/*
 * The current directory set to the pool directory path of m, which the
 * pool's chdir checks (a directory the process may search) and whose
 * inode is noted: 0, or -errno and nothing changed.
 */
long cwd_enter(struct preload_mount *m, const char *path, PMEMfilepool *pfp);

/*
 * The current directory set to dir, a handle of a removed directory of m
 * (which has no path): the pool's cwd is set to it (fchdir), path is kept
 * as its old path, which cwd_check never takes for it. 0 or -errno.
 */
long cwd_enter_removed(struct preload_mount *m, const char *path,
		       PMEMfilepool *pfp, PMEMfile *dir);

/*
 * After path (copied by cwd_get) was renamed in m's pool, acquired as
 * pfp: the directory's path now, into path. Returns 0, or -ENOENT when
 * the directory cannot be found any more (removed, or renamed by another
 * process).
 */
int cwd_check(struct preload_mount *m, PMEMfilepool *pfp,
	      char path[PMEMFILE_PATH_MAX]);

/*
 * In a vfork child: its current directory set to path in m, or to the
 * kernel's (m NULL), for its own calls and its execve (the parent's stays):
 * 0 or -ENOMEM. The parent forgets it when it resumes (cwd_vfork_done).
 */
long cwd_vfork_set(struct preload_mount *m, const char *path);
void cwd_vfork_done(void);
/* Whether this thread has the page; unmaps it (the thread ends). */
bool cwd_vfork_mapped(void);
void cwd_vfork_free(void);
/*
 * The cwd's path made right again where a directory was renamed since it
 * was last looked at (cwd_check), before a fork or an exec passes it on.
 */
void cwd_refresh(void);

/* pthread_atfork handlers: the writers' lock around fork */
void cwd_fork_prepare(void);
void cwd_fork_done(void);

#endif
