// SPDX-License-Identifier: BSD-3-Clause
/*
 * namei.c -- mkdir, rmdir, unlink, mknod and symlink.
 */
#include <string.h>
#include <sys/stat.h>

#include "gate.h"
#include "create.h"
#include "cred.h"
#include "dir.h"
#include "file.h"
#include "inode.h"
#include "namei.h"
#include "walk.h"
#include "remote.h"
#include "share.h"

int may_delete(PMEMfilepool *pfp, struct vinode *dir, struct vinode *child)
{
	int r = may_change_dir(pfp, dir);
	if (r)
		return r;
	if (!(dir->inode->mode & S_ISVTX))
		return 0;
	uid_t uid = cred_fsuid(pfp);
	if (uid == dir->inode->uid || uid == child->inode->uid ||
	    cred_has_cap(pfp, PMEMFILE_CAP_FOWNER))
		return 0;
	return -EPERM;
}

enum drop_result namei_drop_plan(PMEMfilepool *pfp, struct vinode *child)
{
	struct pmemfile_inode *in = child->inode;
	if (!S_ISDIR(in->mode) && in->nlink > 1)
		return DROP_KEEP;
	/* too many extents for one transaction: freed by the last put */
	if (S_ISREG(in->mode) && in->file.nextents > INODE_FREE_BATCH)
		return DROP_ORPHAN;
	return vinode_shared(pfp, child) ? DROP_ORPHAN : DROP_FREE;
}

void namei_drop_link(PMEMfilepool *pfp, struct vinode *dir,
		     struct vinode *child, enum drop_result plan)
{
	struct pmemfile_inode *in = child->inode;
	/* mode, nlink and ctime: one range */
	tx_add(pfp, in, offsetof(struct pmemfile_inode, dir));
	if (S_ISDIR(in->mode)) {
		/* the child's "." and the parent's ".." of it */
		in->nlink = 0;
		dir->inode->nlink--;
	} else {
		in->nlink--;
	}
	if (plan == DROP_FREE) {
		inode_free(pfp, child->off);
		return;
	}
	struct pmemfile_time now;
	pf_time_now(&now);
	inode_time_store(pfp, &in->ctime, now);
	if (plan == DROP_ORPHAN)
		orphan_add(pfp, child->off);
}

/* The parent of path's last component, for operations on names. */
static int name_walk(PMEMfilepool *pfp, PMEMfile *at, const char *path,
		     struct walk *w)
{
	struct vinode *start;
	w->dir = NULL; /* walk_done after a failed start puts nothing */
	int r = walk_start(pfp, at, path, &start);
	if (r)
		return r;
	w->stop_at_root = false;
	w->stop_at_missing = false;
	r = walk_parent(w, pfp, start, path);
	if (r == 0)
		r = perm_check(pfp, w->dir->inode, 1, false);
	return r;
}

static int remove_locked(PMEMfilepool *pfp, struct vinode *dir,
			 const struct walk *w, bool rmdir)
{
	uint64_t pos;
	if (w->namelen > PMEMFILE_NAME_MAX)
		return -ENAMETOOLONG;
	uint64_t ino = dir_lookup(pfp, dir, w->name, w->namelen, &pos);
	if (!ino)
		return -ENOENT;
	struct vinode *c = vinode_get(pfp, ino);
	if (!c)
		return -errno;
	int r = may_delete(pfp, dir, c);
	vinode_wrlock(c);
	if (r == 0 && rmdir && !vinode_is_dir(c))
		r = -ENOTDIR;
	else if (r == 0 && !rmdir && vinode_is_dir(c))
		r = -EISDIR;
	else if (r == 0 && !rmdir && w->trailing_slash)
		r = -ENOTDIR;
	else if (r == 0 && rmdir && c->inode->dir.nentries)
		r = -ENOTEMPTY;
	enum drop_result plan = namei_drop_plan(pfp, c);
	volatile int err = 0;
	if (r == 0) {
		if (plan == DROP_ORPHAN)
			pthread_mutex_lock(&pfp->orphan_lock);
		PF_TX_BEGIN(pfp)
		{
			dir_remove(pfp, dir, pos);
			namei_drop_link(pfp, dir, c, plan);
		}
		TX_ONABORT
		{
			err = tx_error();
		}
		TX_END
		if (plan == DROP_ORPHAN)
			pthread_mutex_unlock(&pfp->orphan_lock);
		if (err)
			dir_abort(dir);
		r = -err;
	}
	if (r == 0 && plan == DROP_FREE)
		vinode_forget(pfp, c);
	else if (r == 0 && plan == DROP_ORPHAN && rmdir)
		c->removed_from = vinode_ref(pfp, dir);
	if (r == 0 && rmdir)
		share_names_changed(pfp);
	vinode_unlock(c);
	vinode_put(pfp, c);
	return r;
}

static int do_remove(PMEMfilepool *pfp, PMEMfile *at, const char *path,
		     bool rmdir)
{
	struct walk w;
	int r = name_walk(pfp, at, path, &w);
	if (r == 0) {
		if (w.last_root)
			r = rmdir ? -EBUSY : -EISDIR;
		else if (name_is_dot(w.name, w.namelen))
			r = rmdir ? -EINVAL : -EISDIR;
		else if (name_is_dotdot(w.name, w.namelen))
			r = rmdir ? -ENOTEMPTY : -EISDIR;
	}
	if (r == 0) {
		vinode_wrlock(w.dir);
		r = remove_locked(pfp, w.dir, &w, rmdir);
		vinode_unlock(w.dir);
	}
	walk_done(&w);
	return r;
}

int pmemfile_unlinkat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		      int flags)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(
	    pf_route_at(pfp, dir, pathname),
	    remote_path_op(pfp, OP_UNLINKAT, dir, pathname, flags, 0, 0));
	int r = pool_check(pfp);
	if (r == 0 && (flags & ~AT_REMOVEDIR))
		r = -EINVAL;
	if (r == 0)
		r = do_remove(pfp, dir, pathname, flags & AT_REMOVEDIR);
	return (int)pf_ret(r);
}

int pmemfile_unlink(PMEMfilepool *pfp, const char *pathname)
{
	GATE_PASS();
	return pmemfile_unlinkat(pfp, PMEMFILE_AT_CWD, pathname, 0);
}

int pmemfile_rmdir(PMEMfilepool *pfp, const char *path)
{
	GATE_PASS();
	return pmemfile_unlinkat(pfp, PMEMFILE_AT_CWD, path, AT_REMOVEDIR);
}

/* Creates the last component of path with that mode, failing if it
 * exists. */
static int do_create(PMEMfilepool *pfp, PMEMfile *at, const char *path,
		     mode_t mode, dev_t rdev, const char *target)
{
	struct walk w;
	int r = name_walk(pfp, at, path, &w);
	if (r == 0 && (name_is_dot(w.name, w.namelen) ||
		       name_is_dotdot(w.name, w.namelen)))
		r = -EEXIST;
	if (r == 0 && w.namelen > PMEMFILE_NAME_MAX)
		r = -ENAMETOOLONG;
	if (r == 0 && w.trailing_slash && !S_ISDIR(mode)) {
		/* "a/" names a directory: EEXIST if a exists */
		vinode_rdlock(w.dir);
		bool exists = dir_lookup(pfp, w.dir, w.name, w.namelen, NULL);
		vinode_unlock(w.dir);
		r = exists ? -EEXIST : -ENOENT;
	}
	if (r == 0) {
		vinode_wrlock(w.dir);
		if (dir_lookup(pfp, w.dir, w.name, w.namelen, NULL))
			r = -EEXIST;
		else
			r = may_change_dir(pfp, w.dir);
		if (r == 0)
			r = create_locked(pfp, w.dir, w.name, w.namelen, mode,
					  rdev, target, NULL);
		vinode_unlock(w.dir);
	}
	walk_done(&w);
	return r;
}

int pmemfile_mkdirat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     pmemfile_mode_t mode)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(pf_route_at(pfp, dir, path),
		       remote_path_op(pfp, OP_MKDIRAT, dir, path, mode, 0, 0));
	int r = pool_check(pfp);
	if (r == 0)
		r = do_create(pfp, dir, path,
			      S_IFDIR | (create_mode(pfp, mode) & 01777), 0,
			      NULL);
	return (int)pf_ret(r);
}

int pmemfile_mkdir(PMEMfilepool *pfp, const char *path, pmemfile_mode_t mode)
{
	GATE_PASS();
	return pmemfile_mkdirat(pfp, PMEMFILE_AT_CWD, path, mode);
}

int pmemfile_mknodat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     pmemfile_mode_t mode, pmemfile_dev_t dev)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(
	    pf_route_at(pfp, dir, path),
	    remote_path_op(pfp, OP_MKNODAT, dir, path, mode, (long)dev, 0));
	int r = pool_check(pfp);
	if (r)
		return (int)pf_ret(r);
	mode_t type = mode & S_IFMT;
	switch (type) {
	case 0:
		type = S_IFREG;
		dev = 0;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		dev = 0;
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (cred_fsuid(pfp) != 0)
			return (int)pf_ret(-EPERM);
		break;
	case S_IFDIR:
		return (int)pf_ret(-EPERM);
	default:
		return (int)pf_ret(-EINVAL);
	}
	r = do_create(pfp, dir, path, type | create_mode(pfp, mode), dev, NULL);
	return (int)pf_ret(r);
}

int pmemfile_symlinkat(PMEMfilepool *pfp, const char *path1, PMEMfile *at,
		       const char *path2)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(
	    pf_route_at(pfp, at, path2),
	    remote_two_paths(pfp, OP_SYMLINKAT, NULL, path1, at, path2, 0));
	int r = pool_check(pfp);
	if (r == 0 && (!path1 || !path2))
		r = -EFAULT;
	if (r == 0 && path1[0] == '\0')
		r = -ENOENT;
	if (r == 0 && strnlen(path1, PMEMFILE_PATH_MAX) >= PMEMFILE_PATH_MAX)
		r = -ENAMETOOLONG;
	if (r == 0)
		r = do_create(pfp, at, path2, S_IFLNK | 0777, 0, path1);
	return (int)pf_ret(r);
}

int pmemfile_symlink(PMEMfilepool *pfp, const char *path1, const char *path2)
{
	GATE_PASS();
	return pmemfile_symlinkat(pfp, path1, PMEMFILE_AT_CWD, path2);
}
