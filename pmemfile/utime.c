// SPDX-License-Identifier: BSD-3-Clause
/*
 * utime.c -- the utime family: utimensat is the one implementation.
 */
#include <sys/stat.h>

#include "gate.h"
#include "cred.h"
#include "file.h"
#include "walk.h"
#include "remote.h"
#include "share.h"

/* A time beyond what the words hold is stored as the nearest one (words.h),
 * as the kernel stores a time out of a file system's range. */
static void ts_store(PMEMfilepool *pfp, struct pmemfile_itime *dst,
		     const struct timespec *t, const struct pmemfile_time *now)
{
	if (t->tv_nsec == UTIME_OMIT)
		return;
	if (t->tv_nsec == UTIME_NOW) {
		inode_time_store(pfp, dst, *now);
		return;
	}
	inode_time_store(pfp, dst,
			 (struct pmemfile_time){t->tv_sec, t->tv_nsec});
}

static int utimens_vinode(PMEMfilepool *pfp, struct vinode *v,
			  const struct timespec times[2])
{
	struct timespec now2[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	const struct timespec *volatile ts = times ? times : now2;
	if (!pf_utimes_valid(ts))
		return -EINVAL;
	if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	bool to_now =
	    (ts[0].tv_nsec == UTIME_NOW || ts[0].tv_nsec == UTIME_OMIT) &&
	    (ts[1].tv_nsec == UTIME_NOW || ts[1].tv_nsec == UTIME_OMIT);
	vinode_wrlock(v);
	struct pmemfile_inode *in = v->inode;
	int r = 0;
	if (!cred_is_owner(pfp, in)) {
		if (!to_now)
			r = -EPERM;
		else
			r = perm_check(pfp, in, PERM_W, false);
	}
	volatile int err = 0;
	if (r == 0) {
		struct pmemfile_time now;
		pf_time_now(&now);
		PF_TX_BEGIN(pfp)
		{
			tx_add(pfp, &in->mtime, sizeof(in->mtime) * 2);
			tx_add(pfp, &in->atime, sizeof(in->atime));
			ts_store(pfp, &in->atime, &ts[0], &now);
			ts_store(pfp, &in->mtime, &ts[1], &now);
			inode_time_store(pfp, &in->ctime, now);
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

static int do_utimensat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			const struct timespec ts[2], int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct vinode *v;
	int r;
	if (!path || (path[0] == '\0' && (flags & AT_EMPTY_PATH))) {
		if (dir == PMEMFILE_AT_CWD)
			return path ? -EINVAL : -EFAULT;
		if (!dir)
			return -EBADF;
		v = vinode_ref(pfp, dir->vinode);
	} else {
		r = walk_path(pfp, dir, path, !(flags & AT_SYMLINK_NOFOLLOW),
			      &v);
		if (r)
			return r;
	}
	r = utimens_vinode(pfp, v, ts);
	vinode_put(pfp, v);
	return r;
}

int pmemfile_utimensat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		       const pmemfile_timespec_t times[2], int flags)
{
	GATE_PASS();
	if (pf_route_at(pfp, dir, pathname))
		return remote_utimens(pfp, dir, pathname, times, flags, false);
	int r = pool_check(pfp);
	if (r == 0)
		r = do_utimensat(pfp, dir, pathname, times, flags);
	return (int)pf_ret(r);
}

int pmemfile_futimens(PMEMfilepool *pfp, PMEMfile *file,
		      const pmemfile_timespec_t times[2])
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_utimens(pfp, file, NULL, times, 0, true);
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0 && (file->ofd->flags & O_PATH))
		r = -EBADF;
	if (r == 0)
		r = utimens_vinode(pfp, file->vinode, times);
	return (int)pf_ret(r);
}

/* timeval pairs to timespec pairs; NULL stays NULL ("now"). */
static int tv_to_ts(const struct timeval *tv, struct timespec ts[2],
		    const struct timespec **out)
{
	*out = NULL;
	if (!tv)
		return 0;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	*out = ts;
	return 0;
}

static int utimes_at(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		     const struct timeval tv[2], int flags)
{
	struct timespec ts[2];
	const struct timespec *p;
	int r = pool_check(pfp);
	if (r == 0 && !path)
		r = -EFAULT;
	if (r == 0)
		r = tv_to_ts(tv, ts, &p);
	if (r == 0 && pf_route_at(pfp, dir, path))
		return remote_utimens(pfp, dir, path, p, flags, false);
	if (r == 0)
		r = do_utimensat(pfp, dir, path, p, flags);
	return (int)pf_ret(r);
}

int pmemfile_utimes(PMEMfilepool *pfp, const char *filename,
		    const pmemfile_timeval_t times[2])
{
	GATE_PASS();
	return utimes_at(pfp, PMEMFILE_AT_CWD, filename, times, 0);
}

int pmemfile_futimesat(PMEMfilepool *pfp, PMEMfile *dir, const char *pathname,
		       const pmemfile_timeval_t tv[2])
{
	GATE_PASS();
	return utimes_at(pfp, dir, pathname, tv, 0);
}

int pmemfile_lutimes(PMEMfilepool *pfp, const char *filename,
		     const pmemfile_timeval_t tv[2])
{
	GATE_PASS();
	return utimes_at(pfp, PMEMFILE_AT_CWD, filename, tv,
			 AT_SYMLINK_NOFOLLOW);
}

int pmemfile_futimes(PMEMfilepool *pfp, PMEMfile *file,
		     const pmemfile_timeval_t tv[2])
{
	GATE_PASS();
	struct timespec ts[2];
	const struct timespec *p;
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0)
		r = tv_to_ts(tv, ts, &p);
	if (r == 0 && pf_route(pfp, file))
		return remote_utimens(pfp, file, NULL, p, 0, true);
	if (r == 0)
		r = utimens_vinode(pfp, file->vinode, p);
	return (int)pf_ret(r);
}

int pmemfile_utime(PMEMfilepool *pfp, const char *filename,
		   const pmemfile_utimbuf_t *times)
{
	GATE_PASS();
	struct timespec ts[2];
	const struct timespec *p = NULL;
	if (times) {
		ts[0] = (struct timespec){times->actime, 0};
		ts[1] = (struct timespec){times->modtime, 0};
		p = ts;
	}
	int r = pool_check(pfp);
	if (r == 0 && !filename)
		r = -EFAULT;
	if (r == 0 && pf_remote(pfp))
		return remote_utimens(pfp, PMEMFILE_AT_CWD, filename, p, 0,
				      false);
	if (r == 0)
		r = do_utimensat(pfp, PMEMFILE_AT_CWD, filename, p, 0);
	return (int)pf_ret(r);
}
