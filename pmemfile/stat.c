// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat.c -- the stat family.
 */
#include <string.h>
#include <sys/stat.h>

#include "gate.h"
#include "cred.h"
#include "csum.h"
#include "dir.h"
#include "extent.h"
#include "file.h"
#include "inode.h"
#include "namei.h"
#include "walk.h"
#include "remote.h"
#include "share.h"

/* tmpfs's directory size: 20 bytes per entry, "." and ".." included. */
#define BOGO_DIRENT_SIZE 20

void stat_fill(const struct pmemfile_inode *in, uint64_t ino, uint64_t dev,
	       uint64_t bytes, struct stat *st)
{
	uint32_t mode = in->mode;
	struct pmemfile_time a = itime_value(&in->atime);
	struct pmemfile_time m = itime_value(&in->mtime);
	struct pmemfile_time c = itime_value(&in->ctime);
	off_t size = S_ISDIR(mode)
			 ? (off_t)(2 + in->dir.nentries) * BOGO_DIRENT_SIZE
			 : (off_t)inode_size(in);
	/* every field named: cheaper than clearing the whole struct first */
	*st = (struct stat){
	    .st_dev = dev,
	    .st_ino = ino,
	    .st_mode = mode,
	    .st_nlink = in->nlink,
	    .st_uid = in->uid,
	    .st_gid = in->gid,
	    .st_rdev = in->rdev,
	    .st_size = size,
	    .st_blksize = 4096,
	    .st_blocks = (blkcnt_t)(bytes / 512),
	    .st_atim = {.tv_sec = a.sec, .tv_nsec = a.nsec},
	    .st_mtim = {.tv_sec = m.sec, .tv_nsec = m.nsec},
	    .st_ctim = {.tv_sec = c.sec, .tv_nsec = c.nsec},
	};
}

static void fill_inode(PMEMfilepool *pfp, uint64_t ino,
		       const struct pmemfile_inode *in, struct stat *st)
{
	stat_fill(in, ino, pfp->dev,
		  S_ISREG(in->mode) ? extent_bytes(pfp, in) : 0, st);
}

static void fill_stat(PMEMfilepool *pfp, struct vinode *v, struct stat *st)
{
	vinode_rdlock(v);
	fill_inode(pfp, v->off, v->inode, st);
	vinode_unlock(v);
}

/*
 * The last component of a stat, name[0..len) in dir, looked up under the
 * directory's lock. An inode without a cached vinode is read right there:
 * nothing changes an inode but through its vinode, and the lock keeps the
 * name (so the inode) alive. Returns 1 when the slow path must do it
 * (symlinks to follow, ".", "..", many extents).
 */
static int stat_name(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		     size_t len, bool follow, struct stat *st)
{
	if (name_is_dot(name, len) || name_is_dotdot(name, len))
		return 1;
	/* the first miss of the lookup overlaps the permission check and
	 * the lock */
	uint64_t hash = dir_name_hash(name, len);
	dir_lookup_prefetch(dir, hash);
	int r = perm_check(pfp, dir->inode, PERM_X, false);
	if (r)
		return r;
	vinode_rdlock(dir);
	uint64_t ino = dir_lookup_inode(pfp, dir, name, len, hash);
	bool valid = ino && inode_off_valid(pfp, ino);
	const struct pmemfile_inode *in = valid ? pf_ptr(pfp, ino) : NULL;
	struct vinode *v = NULL;
	if (!ino)
		r = -ENOENT;
	else if (ino == PF_INO_DAMAGED)
		r = -EIO;
	else if (!in || in->mode == 0)
		r = pf_damaged(pfp, ino, "a record names no inode");
	else if ((follow && S_ISLNK(in->mode)) ||
		 (S_ISREG(in->mode) &&
		  in->file.nextents > PMEMFILE_INLINE_EXTENTS))
		r = 1;
	else if ((v = vinode_peek(pfp, ino)) == NULL) {
		/* a vinode's inode was checked when it was made */
		r = csum_inode_check(pfp, ino);
		if (r == 0)
			fill_inode(pfp, ino, in, st);
	}
	vinode_unlock(dir);
	if (v) {
		fill_stat(pfp, v, st);
		vinode_put(pfp, v);
	}
	return r;
}

/*
 * A single name in the directory of a handle: no walk, and no reference
 * taken, as the handle keeps its directory for the length of the call.
 * Returns 1 when the general path must do it.
 */
static int stat_in_handle(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			  bool follow, struct stat *st)
{
	if (!dir || dir == PMEMFILE_AT_CWD || !path || path[0] == '/' ||
	    !vinode_is_dir(dir->vinode))
		return 1;
	const char *end = strchrnul(path, '/');
	size_t len = (size_t)(end - path);
	if (len == 0 || len > PMEMFILE_NAME_MAX || *end != '\0')
		return 1;
	return stat_name(pfp, dir->vinode, path, len, follow, st);
}

static int stat_path(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     bool follow, struct stat *st)
{
	int r = stat_in_handle(pfp, dir, path, follow, st);
	if (r != 1)
		return r;
	struct vinode *start;
	r = walk_start(pfp, dir, path, &start);
	if (r)
		return r;
	struct walk w;
	w.stop_at_root = false;
	w.stop_at_missing = false;
	r = walk_parent(&w, pfp, start, path);
	if (r == 0)
		r = w.trailing_slash ? 1
		    : w.namelen > PMEMFILE_NAME_MAX
			? -ENAMETOOLONG
			: stat_name(pfp, w.dir, w.name, w.namelen, follow, st);
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
	GATE_PASS();
	if (pf_route_at(pfp, dir, path))
		return remote_fstatat(pfp, dir, path, buf, flags);
	int r = pool_check(pfp);
	if (r == 0)
		r = do_fstatat(pfp, dir, path, buf, flags);
	return (int)pf_ret(r);
}

int pmemfile_stat(PMEMfilepool *pfp, const char *path, pmemfile_stat_t *buf)
{
	GATE_PASS();
	return pmemfile_fstatat(pfp, PMEMFILE_AT_CWD, path, buf, 0);
}

int pmemfile_lstat(PMEMfilepool *pfp, const char *path, pmemfile_stat_t *buf)
{
	GATE_PASS();
	return pmemfile_fstatat(pfp, PMEMFILE_AT_CWD, path, buf,
				AT_SYMLINK_NOFOLLOW);
}

int pmemfile_fstat(PMEMfilepool *pfp, PMEMfile *file, pmemfile_stat_t *buf)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_fstat(pfp, file, buf);
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
