// SPDX-License-Identifier: BSD-3-Clause
/*
 * create.c -- new inodes.
 *
 * A creation is one transaction: the inode slot (inode_alloc.c), the
 * record in the directory and the directory's counters and times.
 */
#include <libpmem.h>
#include <string.h>
#include <sys/stat.h>

#include "csum.h"
#include "create.h"
#include "cred.h"
#include "dir.h"
#include "inode.h"

int may_change_dir(PMEMfilepool *pfp, struct vinode *dir)
{
	if (dir->inode->nlink == 0)
		return -ENOENT;
	return perm_check(pfp, dir->inode, 3, false);
}

mode_t create_mode(PMEMfilepool *pfp, mode_t mode)
{
	pthread_rwlock_rdlock(&pfp->cred_lock);
	mode_t m = mode & ~(pf_caller ? pf_caller->umask : pfp->umask) & 07777;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return m;
}

/* In a transaction: the target of a new symlink. */
static void symlink_store(PMEMfilepool *pfp, struct pmemfile_inode *in,
			  const char *target)
{
	size_t len = strlen(target);
	inode_size_store(pfp, in, len);
	if (len < PMEMFILE_SYMLINK_INLINE) {
		memcpy(in->target, target, len + 1);
		return;
	}
	PMEMoid o = pf_tx_xalloc(pfp, len + 1, PMEMFILE_T_SYMLINK, 0);
	memcpy(pmemobj_direct(o), target, len + 1);
	*(uint64_t *)in->target = o.off;
	csum_symlink_put(in, csum_symlink(o.off, target, len + 1));
}

/* Fills a fresh inode of dir; in a transaction. */
static void inode_setup(PMEMfilepool *pfp, struct vinode *dir,
			struct pmemfile_inode *in, dev_t rdev,
			const char *target)
{
	struct pmemfile_inode *d = dir->inode;
	if (d->mode & S_ISGID) {
		in->gid = d->gid;
		if (S_ISDIR(in->mode))
			in->mode |= S_ISGID;
	}
	in->rdev = rdev;
	if (S_ISDIR(in->mode))
		dir_init(in, dir->off);
	else
		in->nlink = 1;
	if (S_ISLNK(in->mode))
		symlink_store(pfp, in, target);
}

int create_locked(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		  size_t len, mode_t mode, dev_t rdev, const char *target,
		  struct vinode **out)
{
	volatile uint64_t ino = 0;
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		struct pmemfile_inode *in = inode_new(pfp, mode);
		ino = pf_off(pfp, in);
		inode_setup(pfp, dir, in, rdev, target);
		dir_add(pfp, dir, name, len, ino, inode_dtype(mode));
		if (S_ISDIR(mode))
			dir->inode->nlink++;
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	if (err) {
		dir_abort(dir);
		return -err;
	}
	if (out) {
		*out = vinode_get_new(pfp, ino);
		if (!*out)
			return -errno;
	}
	return 0;
}

int create_tmpfile(PMEMfilepool *pfp, struct vinode *dir, mode_t mode,
		   bool linkable, struct vinode **out)
{
	volatile uint64_t ino = 0;
	volatile int err = 0;
	pthread_mutex_lock(&pfp->orphan_lock);
	PF_TX_BEGIN(pfp)
	{
		struct pmemfile_inode *in = inode_new(pfp, mode);
		ino = pf_off(pfp, in);
		inode_setup(pfp, dir, in, 0, "");
		in->nlink = 0;
		in->flags = linkable ? PMEMFILE_I_LINKABLE : 0;
		orphan_add(pfp, ino);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	pthread_mutex_unlock(&pfp->orphan_lock);
	if (err)
		return -err;
	*out = vinode_get_new(pfp, ino);
	return *out ? 0 : -errno;
}
