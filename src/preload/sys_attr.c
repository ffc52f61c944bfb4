/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_attr.c -- permissions, owners and times: the access family, chmod
 * and chown families, utime/utimes/futimesat/utimensat.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <utime.h>

#include "libsyscall_intercept_hook_point.h"
#include "path.h"
#include "sys.h"

/* The flags of an *at call as path flags. */
static int attr_flags(long flags)
{
	return ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : PATH_FOLLOW) |
	       ((flags & AT_EMPTY_PATH) ? PATH_EMPTY : 0);
}

static long access_op(struct path_res *r, long mode, long flags)
{
	return sys_result(pmemfile_faccessat(
	    r->pfp, path_at(r), r->path, (int)mode, (int)(flags & AT_EACCESS)));
}

static long access_op1(struct path_res *r, const long a[6])
{
	return access_op(r, a[1], 0);
}

static long access_op2(struct path_res *r, const long a[6])
{
	return access_op(r, a[2], 0);
}

static long access_op3(struct path_res *r, const long a[6])
{
	return access_op(r, a[2], a[3]);
}

SYS_HANDLER(access)
{
	return path_call(SYS_access, a, -1, 0, PATH_FOLLOW, access_op1);
}

SYS_HANDLER(faccessat)
{
	return path_call(SYS_faccessat, a, 0, 1, PATH_FOLLOW, access_op2);
}

SYS_HANDLER(faccessat2)
{
	return path_call(SYS_faccessat2, a, 0, 1, attr_flags(a[3]), access_op3);
}

/*
 * r->file (AT_EMPTY_PATH, /proc/self/fd/N): the file itself, by the *at
 * call with AT_EMPTY_PATH, which an O_PATH description takes too (glibc's
 * fchmodat with AT_SYMLINK_NOFOLLOW chmods /proc/self/fd/N of one).
 */
static long chmod_op(struct path_res *r, mode_t mode)
{
	if (r->file != NULL)
		return sys_result(pmemfile_fchmodat(r->pfp, r->file->file, "",
						    mode, AT_EMPTY_PATH));
	return sys_result(
	    pmemfile_fchmodat(r->pfp, path_at(r), r->path, mode, 0));
}

static long chmod_op1(struct path_res *r, const long a[6])
{
	return chmod_op(r, (mode_t)a[1]);
}

static long chmod_op2(struct path_res *r, const long a[6])
{
	return chmod_op(r, (mode_t)a[2]);
}

SYS_HANDLER(chmod)
{
	return path_call(SYS_chmod, a, -1, 0, PATH_FOLLOW, chmod_op1);
}

SYS_HANDLER(fchmod)
{
	SYS_ON_POOL_FD(
	    a[0], sys_result(pmemfile_fchmod(u.pfp, u.f->file, (mode_t)a[1])));
}

SYS_HANDLER(fchmodat)
{
	return path_call(SYS_fchmodat, a, 0, 1, PATH_FOLLOW, chmod_op2);
}

/* fchmodat2 (Linux 6.6): chmod of a symlink itself is EOPNOTSUPP there */
SYS_HANDLER(fchmodat2)
{
	return path_call(SYS_fchmodat2, a, 0, 1, attr_flags(a[3]), chmod_op2);
}

static long chown_op(struct path_res *r, const long a[6], int i, bool follow)
{
	uid_t uid = (uid_t)a[i];
	gid_t gid = (gid_t)a[i + 1];

	if (r->file != NULL)
		return sys_result(pmemfile_fchownat(r->pfp, r->file->file, "",
						    uid, gid, AT_EMPTY_PATH));
	return sys_result(pmemfile_fchownat(r->pfp, path_at(r), r->path, uid,
					    gid,
					    follow ? 0 : AT_SYMLINK_NOFOLLOW));
}

static long chown_op1(struct path_res *r, const long a[6])
{
	return chown_op(r, a, 1, true);
}

static long lchown_op1(struct path_res *r, const long a[6])
{
	return chown_op(r, a, 1, false);
}

static long chownat_op(struct path_res *r, const long a[6])
{
	return chown_op(r, a, 2, !(a[4] & AT_SYMLINK_NOFOLLOW));
}

SYS_HANDLER(chown)
{
	return path_call(SYS_chown, a, -1, 0, PATH_FOLLOW, chown_op1);
}

SYS_HANDLER(lchown)
{
	return path_call(SYS_lchown, a, -1, 0, 0, lchown_op1);
}

SYS_HANDLER(fchown)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_fchown(
				 u.pfp, u.f->file, (uid_t)a[1], (gid_t)a[2])));
}

SYS_HANDLER(fchownat)
{
	return path_call(SYS_fchownat, a, 0, 1, attr_flags(a[4]), chownat_op);
}

/* Times: every form becomes a utimensat on the resolved path. */
static long times_set(struct path_res *r, const struct timespec *ts, int flags)
{
	if (r->file != NULL)
		return sys_result(pmemfile_utimensat(r->pfp, r->file->file, "",
						     ts, AT_EMPTY_PATH));
	return sys_result(
	    pmemfile_utimensat(r->pfp, path_at(r), r->path, ts, flags));
}

static long times_from_timeval(struct path_res *r, const struct timeval *tv)
{
	struct timespec ts[2];

	if (tv == NULL)
		return times_set(r, NULL, 0);
	for (int i = 0; i < 2; ++i) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return times_set(r, ts, 0);
}

static long utime_op(struct path_res *r, const long a[6])
{
	const struct utimbuf *ub = (const struct utimbuf *)a[1];
	struct timespec ts[2];

	if (ub == NULL)
		return times_set(r, NULL, 0);
	ts[0].tv_sec = ub->actime;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = ub->modtime;
	ts[1].tv_nsec = 0;
	return times_set(r, ts, 0);
}

static long utimes_op(struct path_res *r, const long a[6])
{
	return times_from_timeval(r, (const struct timeval *)a[1]);
}

static long futimesat_op(struct path_res *r, const long a[6])
{
	return times_from_timeval(r, (const struct timeval *)a[2]);
}

static long utimensat_op(struct path_res *r, const long a[6])
{
	return times_set(r, (const struct timespec *)a[2],
			 (int)(a[3] & AT_SYMLINK_NOFOLLOW));
}

SYS_HANDLER(utime)
{
	return path_call(SYS_utime, a, -1, 0, PATH_FOLLOW, utime_op);
}

SYS_HANDLER(utimes)
{
	return path_call(SYS_utimes, a, -1, 0, PATH_FOLLOW, utimes_op);
}

SYS_HANDLER(futimesat)
{
	return path_call(SYS_futimesat, a, 0, 1, PATH_FOLLOW, futimesat_op);
}

SYS_HANDLER(utimensat)
{
	/* a NULL path: the times of dirfd itself (futimens) */
	if (a[1] == 0)
		SYS_ON_POOL_FD(a[0], sys_result(pmemfile_futimens(
					 u.pfp, u.f->file,
					 (const struct timespec *)a[2])));
	return path_call(SYS_utimensat, a, 0, 1, attr_flags(a[3]),
			 utimensat_op);
}
