/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_dir.c -- directories: getdents, and the current directory (chdir,
 * fchdir, getcwd). The cwd inside a mount is the shim's own; the kernel's
 * cwd stays where it was and is used again once the program leaves.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cwd.h"
#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "path.h"
#include "sys.h"

SYS_HANDLER(getdents)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_getdents(
				 u.pfp, u.f->file, (struct linux_dirent *)a[1],
				 (unsigned)a[2])));
}

SYS_HANDLER(getdents64)
{
	SYS_ON_POOL_FD(
	    a[0], sys_result(pmemfile_getdents64(u.pfp, u.f->file,
						 (struct linux_dirent64 *)a[1],
						 (unsigned)a[2])));
}

/* A pool directory the process may enter: a directory it may search. */
static long dir_enterable(PMEMfilepool *pfp, const char *path)
{
	struct stat st;

	if (pmemfile_stat(pfp, path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return sys_result(pmemfile_access(pfp, path, X_OK));
}

/*
 * Enters the pool directory path, one the process may search: the pool's
 * own chdir checks it (a client's is one call to the holder), and the
 * process's cwd is set to it (cwd_enter). A vfork child, whose memory is
 * its parent's, gets a directory of its own (posix_spawn's addchdir,
 * Python's subprocess with cwd).
 */
static long dir_enter(struct preload_mount *m, PMEMfilepool *pfp,
		      const char *path)
{
	if (preload_in_vfork) {
		long ret = dir_enterable(pfp, path);
		return ret ? ret : cwd_vfork_set(m, path);
	}
	return cwd_enter(m, path, pfp);
}

/* After a chdir to a kernel directory: the cwd is the kernel's. */
static void dir_left_mounts(void)
{
	if (preload_in_vfork)
		(void)cwd_vfork_set(NULL, NULL);
	else
		cwd_set(NULL, NULL);
}

/*
 * Enters the pool directory dir, by its path, or when it was removed and
 * has none, by dir itself (cwd_enter_removed), its old path kept as old.
 */
static long dir_enter_file(struct preload_mount *m, PMEMfilepool *pfp,
			   PMEMfile *dir, const char *old)
{
	char path[PMEMFILE_PATH_MAX];
	pmemfile_stat_t st;

	if (pmemfile_get_dir_path(pfp, dir, path, sizeof(path)) != NULL)
		return dir_enter(m, pfp, path);
	if (pmemfile_fstat(pfp, dir, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_nlink != 0)
		return -ENOENT;
	if (preload_in_vfork)
		return preload_not_supported("chdir into a removed directory "
					     "of a mount in a vfork child");
	return cwd_enter_removed(m, old, pfp, dir);
}

/* chdir to a path that ends in a removed directory (path_res.at) */
static long dir_enter_at(struct path_res *r)
{
	PMEMfile *dir =
	    pmemfile_openat(r->pfp, r->at, r->path, O_PATH | O_DIRECTORY, 0);
	if (dir == NULL)
		return -errno;
	long ret = dir_enter_file(r->mnt, r->pfp, dir, path_at_old(r));
	pmemfile_close(r->pfp, dir);
	return ret;
}

SYS_HANDLER(chdir)
{
	struct path_res r;
	long ret;

	if (path_route(SYS_chdir, a, -1, 0, PATH_FOLLOW, &r, &ret) !=
	    PATH_POOL) {
		if (ret == 0)
			dir_left_mounts();
		return ret;
	}
	/* the cwd is kept as a path from the root */
	if (r.at != NULL)
		ret = dir_enter_at(&r);
	else if (r.cwd_relative)
		ret = -ENAMETOOLONG;
	else
		ret = dir_enter(r.mnt, r.pfp, r.path);
	path_done(&r);
	return ret;
}

SYS_HANDLER(fchdir)
{
	struct fd_use u;
	int is_pool = fd_use_begin(a[0], &u);

	if (is_pool < 0)
		return is_pool;
	if (is_pool == 0) {
		long ret = syscall_no_intercept(SYS_fchdir, a[0]);
		if (ret == 0)
			dir_left_mounts();
		return ret;
	}
	char path[PMEMFILE_PATH_MAX];
	long ret = u.f->is_dir ? path_of_dir(u.f, u.pfp, path) : -ENOTDIR;
	if (ret == -ENOENT)
		ret = dir_enter_file(u.f->mnt, u.pfp, u.f->file, u.f->path);
	else if (ret == 0)
		ret = dir_enter(u.f->mnt, u.pfp, path);
	fd_use_end(&u);
	return ret;
}

SYS_HANDLER(getcwd)
{
	char path[PMEMFILE_PATH_MAX];
	bool busy;
	struct preload_mount *m = cwd_get(path, &busy);

	if (m == NULL)
		return busy ? -EDEADLK : PRELOAD_PASS;
	/* the gate, as for a relative path: EIO while the pool is held */
	PMEMfilepool *pfp;
	int err = pool_acquire(m, &pfp);
	if (err)
		return err;
	err = cwd_check(m, pfp, path);
	pool_release(m);
	if (err)
		return err;
	size_t mlen = m->path_len;
	size_t plen = path[1] ? strlen(path) : 0;
	size_t need = mlen + plen + 1;
	if ((size_t)a[1] < need)
		return -ERANGE;
	char *buf = (char *)a[0];
	memcpy(buf, m->path, mlen);
	memcpy(buf + mlen, path, plen);
	buf[mlen + plen] = '\0';
	return (long)need;
}
