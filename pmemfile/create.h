/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * create.h -- making new inodes with a name (files, directories, nodes,
 * symlinks), all or nothing after a crash.
 */
#ifndef PMEMFILE_CREATE_H
#define PMEMFILE_CREATE_H

#include "vinode.h"

/*
 * Under dir's exclusive lock, with the name known to be absent and the
 * permission to add it checked: a new inode of that mode named name in
 * dir. For a symlink, target is its content. *out gets a reference when
 * out is not NULL.
 */
int create_locked(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		  size_t len, mode_t mode, dev_t rdev, const char *target,
		  struct vinode **out);

/* An unnamed regular file in the orphan list (O_TMPFILE). */
int create_tmpfile(PMEMfilepool *pfp, struct vinode *dir, mode_t mode,
		   bool linkable, struct vinode **out);

/* Whether the fs identity may add or remove names in dir. */
int may_change_dir(PMEMfilepool *pfp, struct vinode *dir);

/* The creation mode with the umask applied. */
mode_t create_mode(PMEMfilepool *pfp, mode_t mode);

#endif
