/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_stat.c -- reading a file's attributes: the stat family, statx,
 * statfs, readlink (including /proc/self/fd/N of a pool descriptor).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "path.h"
#include "sys.h"

/*
 * stat of a resolved pool path. A symlink in the last component is
 * resolved only when it is one, which saves a lookup for every other file.
 */
static long stat_pool(struct path_res *r, struct stat *buf, bool follow,
		      int dirfd, const char *path)
{
	if (r->file != NULL)
		return sys_result(pmemfile_fstat(r->pfp, r->file->file, buf));
	if (pmemfile_fstatat(r->pfp, path_at(r), r->path, buf,
			     AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	if (!follow || !S_ISLNK(buf->st_mode))
		return 0;
	struct path_res t;
	int kind = path_resolve(dirfd, path, PATH_FOLLOW, &t);
	if (kind < 0)
		return kind;
	if (kind != PATH_POOL)
		return syscall_no_intercept(
		    SYS_stat, kind == PATH_KERNEL ? t.path : path, buf);
	long ret = sys_result(pmemfile_lstat(t.pfp, t.path, buf));
	path_done(&t);
	return ret;
}

/* Every stat-like call: kernel (nr with a) or pool. */
static long stat_common(long nr, const long a[6], int di, int pi, bool follow,
			int empty, struct stat *buf, bool *pool)
{
	struct path_res r;
	long ret;
	int dirfd = di >= 0 ? (int)a[di] : AT_FDCWD;

	*pool = false;
	if (path_route(nr, a, di, pi, empty | (follow ? PATH_PROC_FD : 0), &r,
		       &ret) != PATH_POOL)
		return ret;
	*pool = true;
	ret = stat_pool(&r, buf, follow, dirfd, (const char *)a[pi]);
	path_done(&r);
	return ret;
}

/*
 * Whether the call names its descriptor itself: AT_EMPTY_PATH and ""
 * (glibc's fstat is fstatat(fd, "", AT_EMPTY_PATH)). That needs no walk
 * of a path, nor the walk's buffers: some 8 KiB of stack, pages a
 * process's first fstat faulted in for nothing (2-4 us each on a virtual
 * machine).
 */
static bool names_fd(const long a[6], int flags)
{
	char c;
	return (flags & AT_EMPTY_PATH) && (int)a[0] != AT_FDCWD && a[1] != 0 &&
	       path_copy_user(&c, (const void *)a[1], 1) == 0 && c == '\0';
}

/* fstat of descriptor fd: the pool's, or PRELOAD_PASS. */
static long fd_fstat(long fd, struct stat *buf)
{
	SYS_ON_POOL_FD(fd, sys_result(pmemfile_fstat(u.pfp, u.f->file, buf)));
}

SYS_HANDLER(stat)
{
	bool pool;

	return stat_common(SYS_stat, a, -1, 0, true, 0, (struct stat *)a[1],
			   &pool);
}

SYS_HANDLER(lstat)
{
	bool pool;

	return stat_common(SYS_lstat, a, -1, 0, false, 0, (struct stat *)a[1],
			   &pool);
}

SYS_HANDLER(fstat)
{
	return fd_fstat(a[0], (struct stat *)a[1]);
}

SYS_HANDLER(newfstatat)
{
	int flags = (int)a[3];
	bool pool;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return PRELOAD_PASS;
	if (names_fd(a, flags))
		return fd_fstat(a[0], (struct stat *)a[2]);
	return stat_common(SYS_newfstatat, a, 0, 1,
			   !(flags & AT_SYMLINK_NOFOLLOW),
			   (flags & AT_EMPTY_PATH) ? PATH_EMPTY : 0,
			   (struct stat *)a[2], &pool);
}

static struct statx_timestamp stat_ts(struct timespec ts)
{
	struct statx_timestamp t = {.tv_sec = ts.tv_sec,
				    .tv_nsec = (__u32)ts.tv_nsec};
	return t;
}

static void stat_to_statx(const struct stat *st, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (__u32)st->st_blksize;
	sx->stx_nlink = (__u32)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (__u16)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (__u64)st->st_size;
	sx->stx_blocks = (__u64)st->st_blocks;
	sx->stx_atime = stat_ts(st->st_atim);
	sx->stx_mtime = stat_ts(st->st_mtim);
	sx->stx_ctime = stat_ts(st->st_ctim);
	sx->stx_rdev_major = major(st->st_rdev);
	sx->stx_rdev_minor = minor(st->st_rdev);
	sx->stx_dev_major = major(st->st_dev);
	sx->stx_dev_minor = minor(st->st_dev);
}

SYS_HANDLER(statx)
{
	int flags = (int)a[2];
	struct stat st;
	bool pool;

	if (a[1] == 0)
		return PRELOAD_PASS;
	if (names_fd(a, flags)) {
		long r = fd_fstat(a[0], &st);
		if (r == 0)
			stat_to_statx(&st, (struct statx *)a[4]);
		return r;
	}
	long ret =
	    stat_common(SYS_statx, a, 0, 1, !(flags & AT_SYMLINK_NOFOLLOW),
			(flags & AT_EMPTY_PATH) ? PATH_EMPTY : 0, &st, &pool);
	if (!pool || ret != 0)
		return ret;
	stat_to_statx(&st, (struct statx *)a[4]);
	return 0;
}

static long statfs_op(struct path_res *r, const long a[6])
{
	return sys_result(pmemfile_statfs(r->pfp, (struct statfs *)a[1]));
}

SYS_HANDLER(statfs)
{
	return path_call(SYS_statfs, a, -1, 0, PATH_FOLLOW, statfs_op);
}

SYS_HANDLER(fstatfs)
{
	SYS_ON_POOL_FD(
	    a[0], sys_result(pmemfile_statfs(u.pfp, (struct statfs *)a[1])));
}

/* readlink of /proc/self/fd/N: the pool file's path under its mount. */
static long readlink_proc(const char *path, char *buf, size_t size)
{
	char link[PMEMFILE_PATH_MAX + 64];
	long n = path_proc_fd_link(path, link, sizeof(link));

	if (n < 0)
		return PRELOAD_PASS;
	if ((size_t)n > size)
		n = (long)size;
	memcpy(buf, link, (size_t)n);
	return n;
}

static long readlink_common(long nr, const long a[6], int di, int pi)
{
	struct path_res r;
	long ret;
	char *buf = (char *)a[pi + 1];
	size_t size = (size_t)a[pi + 2];

	if ((long)size <= 0 || a[pi] == 0)
		return PRELOAD_PASS;
	ret = readlink_proc((const char *)a[pi], buf, size);
	if (ret != PRELOAD_PASS) {
		preload_routed = 1;
		return ret;
	}
	if (path_route(nr, a, di, pi, 0, &r, &ret) != PATH_POOL)
		return ret;
	ret = sys_result(
	    pmemfile_readlinkat(r.pfp, path_at(&r), r.path, buf, size));
	path_done(&r);
	return ret;
}

SYS_HANDLER(readlink)
{
	return readlink_common(SYS_readlink, a, -1, 0);
}

SYS_HANDLER(readlinkat)
{
	return readlink_common(SYS_readlinkat, a, 0, 1);
}
