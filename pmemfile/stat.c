// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat.c -- the stat family.
 */
#include <string.h>
#include <sys/stat.h>

#include "cred.h"
#include "dir.h"
#include "extent.h"
#include "file.h"
#include "inode.h"
#include "namei.h"
#include "walk.h"

/* tmpfs's directory size: 20 bytes per entry, "." and ".." included. */
#define BOGO_DIRENT_SIZE 20

static void fill_inode(PMEMfilepool *pfp, uint64_t ino,
		       const struct pmemfile_inode *in, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = pfp->dev;
	st->st_ino = ino;
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
	if (S_ISREG(in->mode))
		st->st_blocks = (blkcnt_t)(extent_bytes(pfp, in) / 512);
	st->st_atim.tv_sec = in->atime.sec;
	st->st_atim.tv_nsec = in->atime.nsec;
	st->st_mtim.tv_sec = in->mtime.sec;
	st->st_mtim.tv_nsec = in->mtime.nsec;
	st->st_ctim.tv_sec = in->ctime.sec;
	st->st_ctim.tv_nsec = in->ctime.nsec;
}

static void fill_stat(PMEMfilepool *pfp, struct vinode *v, struct stat *st)
{
	vinode_rdlock(v);
	fill_inode(pfp, v->off, v->inode, st);
	vinode_unlock(v);
}

/*
 * The last component of a stat, looked up under its directory's lock. An
 * inode without a cached vinode is read right there: nothing changes an
 * inode but through its vinode, and the lock keeps the name (so the inode)
 * alive. Returns 1 when the slow path must do it (symlinks to follow,
 * ".", "..", many extents).
 */
static int stat_last(PMEMfilepool *pfp, struct walk *w, bool follow,
		     struct stat *st)
{
	if (w->trailing_slash || name_is_dot(w->name, w->namelen) ||
	    name_is_dotdot(w->name, w->namelen))
		return 1;
	int r = perm_check(pfp, w->dir->inode, PERM_X, false);
	if (r)
		return r;
	vinode_rdlock(w->dir);
	uint64_t ino = dir_lookup_inode(pfp, w->dir, w->name, w->namelen);
	bool valid = ino && inode_off_valid(pfp, ino);
	const struct pmemfile_inode *in = valid ? pf_ptr(pfp, ino) : NULL;
	struct vinode *v = NULL;
	if (!ino)
		r = -ENOENT;
	else if (!in || in->mode == 0)
		r = pf_damaged(pfp, ino, "a record names no inode");
	else if ((follow && S_ISLNK(in->mode)) ||
		 (S_ISREG(in->mode) &&
		  in->file.nextents > PMEMFILE_INLINE_EXTENTS))
		r = 1;
	else if ((v = vinode_peek(pfp, ino)) == NULL)
		fill_inode(pfp, ino, in, st);
	vinode_unlock(w->dir);
	if (v) {
		fill_stat(pfp, v, st);
		vinode_put(pfp, v);
	}
	return r;
}

static int stat_path(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     bool follow, struct stat *st)
{
	struct vinode *start;
	int r = walk_start(pfp, dir, path, &start);
	if (r)
		return r;
	struct walk w;
	w.stop_at_root = false;
	r = walk_parent(&w, pfp, start, path);
	if (r == 0)
		r = stat_last(pfp, &w, follow, st);
	if (r == 1) {
		struct vinode *v;
		r = walk_last(&w, follow, &v);
		if (r == 0 && !v)
			r = -ENOENT;
		if (r == 0) {
			fill_stat(pfp, v, st);
			vinode_put(pfp, v);
		}
	}
	walk_done(&w);
	return r;
}

static int do_fstatat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		      struct stat *buf, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      AT_STATX_SYNC_TYPE))
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
	return stat_path(pfp, dir, path, !(flags & AT_SYMLINK_NOFOLLOW), buf);
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
