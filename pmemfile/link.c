// SPDX-License-Identifier: BSD-3-Clause
/*
 * link.c -- hard links and reading symlinks.
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

/* The source of linkat: a path, or the file itself with AT_EMPTY_PATH. */
static int link_source(PMEMfilepool *pfp, PMEMfile *olddir, const char *oldpath,
		       int flags, struct vinode **src)
{
	if (oldpath && oldpath[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		if (olddir == PMEMFILE_AT_CWD || !olddir)
			return -ENOENT;
		*src = vinode_ref(pfp, olddir->vinode);
		return 0;
	}
	return walk_path(pfp, olddir, oldpath, flags & AT_SYMLINK_FOLLOW, src);
}

/* In a transaction: the new name of src; an O_TMPFILE inode leaves the
 * orphan list. */
static void link_tx(PMEMfilepool *pfp, struct vinode *dir, struct walk *w,
		    struct vinode *src)
{
	struct pmemfile_inode *in = src->inode;
	dir_add(pfp, dir, w->name, w->namelen, src->off, inode_dtype(in->mode));
	if (in->nlink == 0) {
		orphan_remove(pfp, src->off);
		tx_add(pfp, &in->flags, sizeof(in->flags));
		in->flags &= ~PMEMFILE_I_LINKABLE;
	}
	tx_add(pfp, &in->nlink, sizeof(in->nlink));
	in->nlink++;
	vinode_touch_ctime(pfp, src);
}

static int link_locked(PMEMfilepool *pfp, struct walk *w, struct vinode *src)
{
	struct vinode *dir = w->dir;
	if (w->namelen > PMEMFILE_NAME_MAX)
		return -ENAMETOOLONG;
	if (dir_lookup(pfp, dir, w->name, w->namelen, NULL))
		return -EEXIST;
	if (w->trailing_slash)
		return -ENOENT;
	int r = may_change_dir(pfp, dir);
	if (r)
		return r;
	/* as the kernel's vfs_link: after the new name's checks */
	if (vinode_is_dir(src))
		return -EPERM;
	vinode_wrlock(src);
	struct pmemfile_inode *in = src->inode;
	if (in->nlink == 0 && !(in->flags & PMEMFILE_I_LINKABLE))
		r = -ENOENT;
	volatile int err = 0;
	if (r == 0) {
		pthread_mutex_lock(&pfp->orphan_lock);
		PF_TX_BEGIN(pfp)
		{
			link_tx(pfp, dir, w, src);
		}
		TX_ONABORT
		{
			err = tx_error();
		}
		TX_END
		pthread_mutex_unlock(&pfp->orphan_lock);
		if (err) {
			dir_abort(dir);
			r = -err;
		}
	}
	vinode_unlock(src);
	return r;
}

static int do_link(PMEMfilepool *pfp, PMEMfile *olddir, const char *oldpath,
		   PMEMfile *newdir, const char *newpath, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!oldpath || !newpath)
		return -EFAULT;
	struct vinode *src;
	int r = link_source(pfp, olddir, oldpath, flags, &src);
	if (r)
		return r;
	struct vinode *start;
	r = walk_start(pfp, newdir, newpath, &start);
	if (r) {
		vinode_put(pfp, src);
		return r;
	}
	struct walk w;
	w.stop_at_root = false;
	w.stop_at_missing = false;
	r = walk_parent(&w, pfp, start, newpath);
	if (r == 0)
		r = perm_check(pfp, w.dir->inode, PERM_X, false);
	if (r == 0 && (name_is_dot(w.name, w.namelen) ||
		       name_is_dotdot(w.name, w.namelen)))
		r = -EEXIST;
	if (r == 0) {
		vinode_wrlock(w.dir);
		r = link_locked(pfp, &w, src);
		vinode_unlock(w.dir);
	}
	walk_done(&w);
	vinode_put(pfp, src);
	return r;
}

int pmemfile_linkat(PMEMfilepool *pfp, PMEMfile *olddir, const char *oldpath,
		    PMEMfile *newdir, const char *newpath, int flags)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(pf_route_at(pfp, olddir, oldpath) ||
			   remote_handle(newdir),
		       remote_two_paths(pfp, OP_LINKAT, olddir, oldpath, newdir,
					newpath, (unsigned)flags));
	int r = pool_check(pfp);
	if (r == 0)
		r = do_link(pfp, olddir, oldpath, newdir, newpath, flags);
	return (int)pf_ret(r);
}

int pmemfile_link(PMEMfilepool *pfp, const char *oldpath, const char *newpath)
{
	GATE_PASS();
	return pmemfile_linkat(pfp, PMEMFILE_AT_CWD, oldpath, PMEMFILE_AT_CWD,
			       newpath, 0);
}

pmemfile_ssize_t pmemfile_readlinkat(PMEMfilepool *pfp, PMEMfile *dir,
				     const char *pathname, char *buf,
				     size_t bufsiz)
{
	GATE_PASS();
	if (pf_route_at(pfp, dir, pathname))
		return remote_readlinkat(pfp, dir, pathname, buf, bufsiz);
	int r = pool_check(pfp);
	if (r == 0 && (!buf || !pathname))
		r = -EFAULT;
	if (r == 0 && bufsiz == 0)
		r = -EINVAL;
	struct vinode *v = NULL;
	if (r == 0 && pathname[0] == '\0' && dir != PMEMFILE_AT_CWD && dir)
		v = vinode_ref(pfp, dir->vinode);
	else if (r == 0)
		r = walk_path(pfp, dir, pathname, false, &v);
	if (r)
		return pf_ret(r);
	int64_t n = -EINVAL;
	vinode_rdlock(v);
	if (vinode_is_lnk(v)) {
		const char *t = symlink_target(pfp, v->inode);
		size_t len = inode_size(v->inode);
		n = (int64_t)(len < bufsiz ? len : bufsiz);
		memcpy(buf, t, (size_t)n);
	}
	vinode_unlock(v);
	vinode_put(pfp, v);
	return pf_ret(n);
}

pmemfile_ssize_t pmemfile_readlink(PMEMfilepool *pfp, const char *path,
				   char *buf, size_t buf_len)
{
	GATE_PASS();
	return pmemfile_readlinkat(pfp, PMEMFILE_AT_CWD, path, buf, buf_len);
}
