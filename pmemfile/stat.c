// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat.c -- the stat family.
 */
#include <string.h>
#include <sys/stat.h>

#include "extent.h"
#include "file.h"
#include "walk.h"

/* tmpfs's directory size: 20 bytes per entry, "." and ".." included. */
#define BOGO_DIRENT_SIZE 20

static void fill_stat(PMEMfilepool *pfp, struct vinode *v, struct stat *st)
{
	vinode_rdlock(v);
	const struct pmemfile_inode *in = v->inode;
	memset(st, 0, sizeof(*st));
	st->st_dev = pfp->dev;
	st->st_ino = v->off;
	st->st_mode = in->mode;
	st->st_nlink = in->nlink;
	st->st_uid = in->uid;
	st->st_gid = in->gid;
	st->st_rdev = in->rdev;
	st->st_blksize = 4096;
	if (S_ISDIR(in->mode)) {
		st->st_size = (off_t)(2 + in->dir.nentries) * BOGO_DIRENT_SIZE;
	} else {
		st->st_size = (off_t)in->size;
	}
	if (S_ISREG(in->mode) && extent_index_load(pfp, v) == 0)
		st->st_blocks = (blkcnt_t)(extent_allocated(v) / 512);
	st->st_atim.tv_sec = in->atime.sec;
	st->st_atim.tv_nsec = in->atime.nsec;
	st->st_mtim.tv_sec = in->mtime.sec;
	st->st_mtim.tv_nsec = in->mtime.nsec;
	st->st_ctim.tv_sec = in->ctime.sec;
	st->st_ctim.tv_nsec = in->ctime.nsec;
	vinode_unlock(v);
}

static int do_fstatat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		      struct stat *buf, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	if (!buf)
		return -EFAULT;
	if (path && path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		if (dir == PMEMFILE_AT_CWD) {
			pthread_rwlock_rdlock(&pfp->cred_lock);
			struct vinode *c = vinode_ref(pfp, pfp->cwd);
			pthread_rwlock_unlock(&pfp->cred_lock);
			fill_stat(pfp, c, buf);
			vinode_put(pfp, c);
			return 0;
		}
		if (!dir)
			return -EBADF;
		fill_stat(pfp, dir->vinode, buf);
		return 0;
	}
	struct vinode *v;
	int r = walk_path(pfp, dir, path, !(flags & AT_SYMLINK_NOFOLLOW), &v);
	if (r)
		return r;
	fill_stat(pfp, v, buf);
	vinode_put(pfp, v);
	return 0;
}

int pmemfile_fstatat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     pmemfile_stat_t *buf, int flags)
{
	int r = pool_check(pfp);
	if (r == 0)
		r = do_fstatat(pfp, dir, path, buf, flags);
	return (int)pf_ret(r);
}

int pmemfile_stat(PMEMfilepool *pfp, const char *path, pmemfile_stat_t *buf)
{
	return pmemfile_fstatat(pfp, PMEMFILE_AT_CWD, path, buf, 0);
}

int pmemfile_lstat(PMEMfilepool *pfp, const char *path, pmemfile_stat_t *buf)
{
	return pmemfile_fstatat(pfp, PMEMFILE_AT_CWD, path, buf,
				AT_SYMLINK_NOFOLLOW);
}

int pmemfile_fstat(PMEMfilepool *pfp, PMEMfile *file, pmemfile_stat_t *buf)
{
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0 && !buf)
		r = -EFAULT;
	if (r)
		return (int)pf_ret(r);
	fill_stat(pfp, file->vinode, buf);
	return 0;
}
