/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * file.h -- open files: a handle (what pmemfile_open returns) points to an
 * open file description, which dup shares.
 */
#ifndef PMEMFILE_FILE_H
#define PMEMFILE_FILE_H

#include "vinode.h"

struct ofd {
	struct vinode *vinode;
	pthread_mutex_t mutex; /* offset, flags, flock */
	uint64_t offset;       /* byte offset, or directory position */
	int flags;	       /* open flags (O_ACCMODE, O_APPEND, O_PATH...) */
	int flock;	       /* LOCK_SH or LOCK_EX held, or 0 */
	unsigned long ref;     /* handles sharing this description */
};

struct pmemfile_file {
	struct vinode *vinode; /* == ofd->vinode, for short paths */
	struct ofd *ofd;
	int fd_flags; /* FD_CLOEXEC */
};

static inline bool file_readable(const PMEMfile *f)
{
	int fl = f->ofd->flags;
	return !(fl & O_PATH) && (fl & O_ACCMODE) != O_WRONLY;
}

static inline bool file_writable(const PMEMfile *f)
{
	int fl = f->ofd->flags;
	return !(fl & O_PATH) &&
	       ((fl & O_ACCMODE) == O_WRONLY || (fl & O_ACCMODE) == O_RDWR);
}

/* A new handle with a new description of v (takes over the reference). */
PMEMfile *file_new(struct vinode *v, int flags);

/* Returns the pool argument check of every entry point. */
static inline int pool_check(PMEMfilepool *pfp)
{
	return pfp ? 0 : -EFAULT;
}

/* Validates a handle argument; AT_CWD is not a file. */
static inline int file_check(PMEMfile *f)
{
	return (!f || f == PMEMFILE_AT_CWD) ? -EBADF : 0;
}

#endif
