/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * file.h -- open files: a handle (what pmemfile_open returns) points to an
 * open file description, which dup shares.
 */
#ifndef PMEMFILE_FILE_H
#define PMEMFILE_FILE_H

#include "lease.h"
#include "vinode.h"

struct ofd {
	struct vinode *vinode;
	pthread_mutex_t mutex; /* offset, flags, flock */
	uint64_t offset;       /* byte offset, or directory position */
	int flags;	       /* open flags (O_ACCMODE, O_APPEND, O_PATH...) */
	int flock;	       /* LOCK_SH or LOCK_EX held, or 0 */
	unsigned long ref;     /* handles sharing this description */
	/*
	 * Its id in the pool's segment once another process refers to it
	 * (share.h), else 0; it lives while a handle or a process refers
	 * to it.
	 */
	uint32_t desc;
	uint32_t desc_epoch; /* share_seg.epoch when desc was given */
	/*
	 * A copy of a description of another process's state (a fork child's,
	 * or this process's before it let the pool go): used by its id.
	 */
	bool stale;
	/*
	 * Made by the keeper for another process: no handle of this one
	 * refers to it but the keeper's own while it is made (file_new).
	 */
	bool for_others;
	bool freeing; /* out of the list, being freed: under ofds_lock */
	struct ofd *next, *prev; /* the pool's list, under ofds_lock */
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
PMEMfile *file_new(PMEMfilepool *pfp, struct vinode *v, int flags);

/* Frees a description no handle or process refers to any more. */
void ofd_free(PMEMfilepool *pfp, struct ofd *o);
/*
 * Frees description o (id) if no handle or process refers to it any more
 * and this process's last close has not (the keeper's release of another
 * process's last reference).
 */
void ofd_release(PMEMfilepool *pfp, uint32_t id, struct ofd *o);
/* Drops a handle of the keeper's without dropping its description. */
void file_forget(PMEMfilepool *pfp, PMEMfile *f);

/*
 * The pool argument check of every entry point run here. A call of this
 * process's own (not one its keeper runs for another) first lets the
 * calls other processes posted be made (struct share_order): a client
 * was told they were. Where this process holds the pool: a client's
 * calls that look here first (pmemfile_syncfs, fsync) leave them to the
 * holder, whose memory they are made in.
 */
static inline int pool_check(PMEMfilepool *pfp)
{
	if (!pfp)
		return -EFAULT;
	if (!pf_caller && share_order_due(pfp->order) && !pf_remote(pfp))
		keeper_order(pfp);
	if (!pf_caller && atomic_load(&lease_trims_later) > 0 &&
	    !pf_remote(pfp) && !pf_vfork_pid)
		lease_trims_flush();
	return 0;
}

/*
 * Validates a handle argument; AT_CWD is not a file, nor is the id a
 * process that does not hold the pool has for a file (remote.h): both
 * have the top bit set.
 */
static inline int file_check(PMEMfile *f)
{
	/*
	 * A client's handle reaches a call run here only when this process
	 * became the holder after the one that kept its description died:
	 * the description is lost (share.h), as EIO, not a bad descriptor.
	 */
	if ((intptr_t)f < 0 && f != PMEMFILE_AT_CWD)
		return -EIO;
	return (!f || f == PMEMFILE_AT_CWD) ? -EBADF : 0;
}

#endif
