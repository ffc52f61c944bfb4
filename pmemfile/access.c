// SPDX-License-Identifier: BSD-3-Clause
/*
 * access.c -- access, faccessat, euidaccess and umask.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "gate.h"
#include "cred.h"
#include "file.h"
#include "walk.h"
#include "remote.h"
#include "share.h"

static int do_faccessat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			int mode, int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!path)
		return -EFAULT;
	struct vinode *v;
	int r;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH) &&
	    dir != PMEMFILE_AT_CWD) {
		if (!dir)
			return -EBADF;
		v = vinode_ref(pfp, dir->vinode);
	} else {
		r = walk_path(pfp, dir, path, !(flags & AT_SYMLINK_NOFOLLOW),
			      &v);
		if (r)
			return r;
	}
	r = 0;
	if (mode != F_OK) {
		vinode_rdlock(v);
		r = perm_check(pfp, v->inode, mode, !(flags & AT_EACCESS));
		vinode_unlock(v);
	}
	vinode_put(pfp, v);
	return r;
}

int pmemfile_faccessat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		       int mode, int flags)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(
	    pf_route_at(pfp, dir, pathname),
	    remote_path_op(pfp, OP_FACCESSAT, dir, pathname, mode, flags, 0));
	int r = pool_check(pfp);
	if (r == 0)
		r = do_faccessat(pfp, dir, pathname, mode, flags);
	return (int)pf_ret(r);
}

int pmemfile_access(PMEMfilepool *pfp, const char *path, int mode)
{
	GATE_PASS();
	return pmemfile_faccessat(pfp, PMEMFILE_AT_CWD, path, mode, 0);
}

int pmemfile_euidaccess(PMEMfilepool *pfp, const char *pathname, int mode)
{
	GATE_PASS();
	return pmemfile_faccessat(pfp, PMEMFILE_AT_CWD, pathname, mode,
				  AT_EACCESS);
}

pmemfile_mode_t pmemfile_umask(PMEMfilepool *pfp, pmemfile_mode_t mask)
{
	GATE_PASS();
	if (!pfp)
		return 0;
	pthread_rwlock_wrlock(&pfp->cred_lock);
	mode_t old = pfp->umask;
	pfp->umask = mask & 0777;
	pthread_rwlock_unlock(&pfp->cred_lock);
	return old;
}
