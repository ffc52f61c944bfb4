// SPDX-License-Identifier: BSD-3-Clause
/*
 * attr.c -- chmod, chown and the utime families.
 */
#include <sys/stat.h>

#include "gate.h"
#include "cred.h"
#include "file.h"
#include "walk.h"
#include "remote.h"
#include "share.h"

/* The target of a *at attribute call: a path, or the file (AT_EMPTY_PATH,
 * or a NULL path for utimensat). */
static int attr_target(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		       int flags, struct vinode **v)
{
	if (!path || (path[0] == '\0' && (flags & AT_EMPTY_PATH))) {
		if (dir == PMEMFILE_AT_CWD) {
			if (!path)
				return -EFAULT;
			pthread_rwlock_rdlock(&pfp->cred_lock);
			*v = vinode_ref(pfp, pfp->cwd);
			pthread_rwlock_unlock(&pfp->cred_lock);
			return 0;
		}
		if (!dir)
			return -EBADF;
		*v = vinode_ref(pfp, dir->vinode);
		return 0;
	}
	return walk_path(pfp, dir, path, !(flags & AT_SYMLINK_NOFOLLOW), v);
}

/* The new permission bits: set-group-ID needs the group (or FSETID). */
static mode_t chmod_bits(PMEMfilepool *pfp, struct pmemfile_inode *in,
			 mode_t mode)
{
	mode &= 07777;
	if ((mode & S_ISGID) && !cred_in_group(pfp, in->gid) &&
	    !cred_has_cap(pfp, PMEMFILE_CAP_FSETID))
		mode &= ~(mode_t)S_ISGID;
	return mode;
}

static int chmod_vinode(PMEMfilepool *pfp, struct vinode *v, mode_t bits)
{
	vinode_wrlock(v);
	struct pmemfile_inode *in = v->inode;
	int r = cred_is_owner(pfp, in) ? 0 : -EPERM;
	const volatile mode_t mode = chmod_bits(pfp, in, bits);
	volatile int err = 0;
	if (r == 0) {
		PF_TX_BEGIN(pfp)
		{
			tx_add(pfp, &in->mode, sizeof(in->mode));
			in->mode = (in->mode & S_IFMT) | mode;
			vinode_touch_ctime(pfp, v);
		}
		TX_ONABORT
		{
			err = tx_error();
		}
		TX_END
		r = -err;
	}
	vinode_unlock(v);
	return r;
}

int pmemfile_fchmodat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		      pmemfile_mode_t mode, int flags)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(
	    pf_route_at(pfp, dir, pathname),
	    remote_path_op(pfp, OP_FCHMODAT, dir, pathname, mode, flags, 0));
	int r = pool_check(pfp);
	/* AT_EMPTY_PATH as fchmodat2 (Linux 6.6) takes it */
	if (r == 0 && (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
		r = -EINVAL;
	if (r == 0 && !pathname)
		r = -EFAULT;
	struct vinode *v = NULL;
	if (r == 0)
		r = attr_target(pfp, dir, pathname, flags, &v);
	if (r == 0 && vinode_is_lnk(v))
		r = -EOPNOTSUPP;
	if (r == 0)
		r = chmod_vinode(pfp, v, mode);
	vinode_put(pfp, v);
	return (int)pf_ret(r);
}

int pmemfile_chmod(PMEMfilepool *pfp, const char *path, pmemfile_mode_t mode)
{
	GATE_PASS();
	return pmemfile_fchmodat(pfp, PMEMFILE_AT_CWD, path, mode, 0);
}

int pmemfile_fchmod(PMEMfilepool *pfp, PMEMfile *file, pmemfile_mode_t mode)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(pf_route(pfp, file),
		       remote_file_op(pfp, OP_FCHMOD, file, mode, 0, 0));
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0 && (file->ofd->flags & O_PATH))
		r = -EBADF;
	if (r == 0)
		r = chmod_vinode(pfp, file->vinode, mode);
	return (int)pf_ret(r);
}

static int chown_allowed(PMEMfilepool *pfp, struct pmemfile_inode *in,
			 uid_t uid, gid_t gid)
{
	if (cred_has_cap(pfp, PMEMFILE_CAP_CHOWN))
		return 0;
	uid_t me = cred_fsuid(pfp);
	if (uid != (uid_t)-1 && uid != in->uid)
		return -EPERM;
	if (gid != (gid_t)-1 && gid != in->gid &&
	    (me != in->uid || !cred_in_group(pfp, gid)))
		return -EPERM;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && me != in->uid)
		return -EPERM;
	return 0;
}

static int chown_vinode(PMEMfilepool *pfp, struct vinode *v, uid_t uid,
			gid_t gid)
{
	vinode_wrlock(v);
	struct pmemfile_inode *in = v->inode;
	int r = chown_allowed(pfp, in, uid, gid);
	volatile int err = 0;
	if (r == 0) {
		PF_TX_BEGIN(pfp)
		{
			tx_add(pfp, in, 16);
			if (uid != (uid_t)-1)
				in->uid = uid;
			if (gid != (gid_t)-1)
				in->gid = gid;
			/* as the kernel: any chown of a non-directory */
			if (!S_ISDIR(in->mode)) {
				in->mode &= ~(uint32_t)S_ISUID;
				if (in->mode & S_IXGRP)
					in->mode &= ~(uint32_t)S_ISGID;
			}
			vinode_touch_ctime(pfp, v);
		}
		TX_ONABORT
		{
			err = tx_error();
		}
		TX_END
		r = -err;
	}
	vinode_unlock(v);
	return r;
}

int pmemfile_fchownat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		      pmemfile_uid_t owner, pmemfile_gid_t group, int flags)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(pf_route_at(pfp, dir, pathname),
		       remote_path_op(pfp, OP_FCHOWNAT, dir, pathname, owner,
				      group, flags));
	int r = pool_check(pfp);
	if (r == 0 && (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
		r = -EINVAL;
	if (r == 0 && !pathname)
		r = -EFAULT;
	struct vinode *v = NULL;
	if (r == 0)
		r = attr_target(pfp, dir, pathname, flags, &v);
	if (r == 0)
		r = chown_vinode(pfp, v, owner, group);
	vinode_put(pfp, v);
	return (int)pf_ret(r);
}

int pmemfile_chown(PMEMfilepool *pfp, const char *pathname,
		   pmemfile_uid_t owner, pmemfile_gid_t group)
{
	GATE_PASS();
	return pmemfile_fchownat(pfp, PMEMFILE_AT_CWD, pathname, owner, group,
				 0);
}

int pmemfile_lchown(PMEMfilepool *pfp, const char *pathname,
		    pmemfile_uid_t owner, pmemfile_gid_t group)
{
	GATE_PASS();
	return pmemfile_fchownat(pfp, PMEMFILE_AT_CWD, pathname, owner, group,
				 AT_SYMLINK_NOFOLLOW);
}

int pmemfile_fchown(PMEMfilepool *pfp, PMEMfile *file, pmemfile_uid_t owner,
		    pmemfile_gid_t group)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(pf_route(pfp, file),
		       remote_file_op(pfp, OP_FCHOWN, file, owner, group, 0));
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0 && (file->ofd->flags & O_PATH))
		r = -EBADF;
	if (r == 0)
		r = chown_vinode(pfp, file->vinode, owner, group);
	return (int)pf_ret(r);
}
