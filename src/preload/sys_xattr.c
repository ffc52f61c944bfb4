/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_xattr.c -- extended attributes. A pool keeps none: its files answer
 * as those of a kernel file system without xattr support (get, set and
 * remove: EOPNOTSUPP; list: empty), once the file is known to exist.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "path.h"
#include "sys.h"

static long xattr_path(long nr, const long a[6], int pflags, long answer)
{
	struct path_res r;
	struct stat st;
	long ret;

	if (path_route(nr, a, -1, 0, pflags, &r, &ret) != PATH_POOL)
		return ret;
	ret = pmemfile_fstatat(r.pfp, path_at(&r), r.path, &st,
			       AT_SYMLINK_NOFOLLOW)
		  ? -errno
		  : answer;
	path_done(&r);
	return ret;
}

#define XATTR_PATH(name, pflags, answer)                          \
	SYS_HANDLER(name)                                         \
	{                                                         \
		return xattr_path(SYS_##name, a, pflags, answer); \
	}

#define XATTR_FD(name, answer)                \
	SYS_HANDLER(name)                     \
	{                                     \
		SYS_ON_POOL_FD(a[0], answer); \
	}

XATTR_PATH(getxattr, PATH_FOLLOW, -EOPNOTSUPP)
XATTR_PATH(lgetxattr, 0, -EOPNOTSUPP)
XATTR_PATH(setxattr, PATH_FOLLOW, -EOPNOTSUPP)
XATTR_PATH(lsetxattr, 0, -EOPNOTSUPP)
XATTR_PATH(removexattr, PATH_FOLLOW, -EOPNOTSUPP)
XATTR_PATH(lremovexattr, 0, -EOPNOTSUPP)
XATTR_PATH(listxattr, PATH_FOLLOW, 0)
XATTR_PATH(llistxattr, 0, 0)
XATTR_FD(fgetxattr, -EOPNOTSUPP)
XATTR_FD(fsetxattr, -EOPNOTSUPP)
XATTR_FD(fremovexattr, -EOPNOTSUPP)
XATTR_FD(flistxattr, 0)
