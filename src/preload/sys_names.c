/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_names.c -- calls that add or remove names: mkdir, rmdir, unlink,
 * rename, link, symlink, mknod. A call with two paths is served by the
 * pool only when both are in the same mount; a mix of a pool and something
 * else is EXDEV, as between two kernel file systems.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>

#include "cred.h"
#include "fd_table.h"
#include "libsyscall_intercept_hook_point.h"
#include "path.h"
#include "sys.h"

/* Directory paths kept by the shim may name something else now. */
static long names_moved(long ret)
{
	if (ret == 0)
		path_names_changed();
	return ret;
}

static long mkdir_op(struct path_res *r, const long a[6])
{
	return sys_result(
	    pmemfile_mkdirat(r->pfp, path_at(r), r->path, (mode_t)a[1]));
}

static long mkdirat_op(struct path_res *r, const long a[6])
{
	return sys_result(
	    pmemfile_mkdirat(r->pfp, path_at(r), r->path, (mode_t)a[2]));
}

static long rmdir_op(struct path_res *r, const long a[6])
{
	(void)a;
	return names_moved(sys_result(
	    pmemfile_unlinkat(r->pfp, path_at(r), r->path, AT_REMOVEDIR)));
}

static long unlink_op(struct path_res *r, const long a[6])
{
	(void)a;
	return sys_result(pmemfile_unlinkat(r->pfp, path_at(r), r->path, 0));
}

static long unlinkat_op(struct path_res *r, const long a[6])
{
	if (a[2] & ~AT_REMOVEDIR)
		return -EINVAL;
	if (a[2] & AT_REMOVEDIR)
		return names_moved(sys_result(pmemfile_unlinkat(
		    r->pfp, path_at(r), r->path, AT_REMOVEDIR)));
	return sys_result(pmemfile_unlinkat(r->pfp, path_at(r), r->path, 0));
}

static long mknod_op(struct path_res *r, mode_t mode, dev_t dev)
{
	long ret = sys_result(
	    pmemfile_mknodat(r->pfp, path_at(r), r->path, mode, dev));
	if (ret == 0 && S_ISFIFO(mode))
		special_made(r);
	return ret;
}

static long mknod_op1(struct path_res *r, const long a[6])
{
	return mknod_op(r, (mode_t)a[1], (dev_t)a[2]);
}

static long mknodat_op(struct path_res *r, const long a[6])
{
	return mknod_op(r, (mode_t)a[2], (dev_t)a[3]);
}

SYS_HANDLER(mkdir)
{
	return path_call(SYS_mkdir, a, -1, 0, PATH_CREATES_NAME, mkdir_op);
}

SYS_HANDLER(mkdirat)
{
	return path_call(SYS_mkdirat, a, 0, 1, PATH_CREATES_NAME, mkdirat_op);
}

SYS_HANDLER(rmdir)
{
	return path_call(SYS_rmdir, a, -1, 0, PATH_NAME_LAST, rmdir_op);
}

SYS_HANDLER(unlink)
{
	return path_call(SYS_unlink, a, -1, 0, PATH_NAME_LAST, unlink_op);
}

SYS_HANDLER(unlinkat)
{
	return path_call(SYS_unlinkat, a, 0, 1, PATH_NAME_LAST, unlinkat_op);
}

SYS_HANDLER(mknod)
{
	return path_call(SYS_mknod, a, -1, 0, PATH_CREATES_NAME, mknod_op1);
}

SYS_HANDLER(mknodat)
{
	return path_call(SYS_mknodat, a, 0, 1, PATH_CREATES_NAME, mknodat_op);
}

/*
 * symlink: the target is only a string; the new name is what is routed.
 */
static long symlink_op(struct path_res *r, const long a[6])
{
	char target[PMEMFILE_PATH_MAX];
	int ret = path_copy_in((const char *)a[0], target);
	if (ret)
		return ret;
	return sys_result(
	    pmemfile_symlinkat(r->pfp, target, path_at(r), r->path));
}

SYS_HANDLER(symlink)
{
	return path_call(SYS_symlink, a, -1, 1, PATH_CREATES_NAME, symlink_op);
}

SYS_HANDLER(symlinkat)
{
	return path_call(SYS_symlinkat, a, 1, 2, PATH_CREATES_NAME, symlink_op);
}

/*
 * Two paths: old is argument oi (dirfd odi), new ni (dirfd ndi). Returns
 * PRELOAD_PASS when both stay in the kernel untouched.
 */
struct two_paths {
	struct path_res old, new;
	int old_kind, new_kind;
};

/*
 * The error the kernel finds in a path of link or rename before it looks
 * at the other one: the file it names must exist (whole), or the
 * directory it is in. 0 when there is none. kind and r are the path's
 * resolution; user and dirfd the caller's arguments.
 */
static long name_error(int kind, const struct path_res *r, long dirfd,
		       const char *user, bool whole, bool follow)
{
	int nofollow = follow ? 0 : AT_SYMLINK_NOFOLLOW;
	char path[PMEMFILE_PATH_MAX + 8];
	const char *p = r->path;
	if (kind == PATH_ORIGINAL) {
		if (path_copy_in(user, path))
			return 0;
		p = path;
	} else {
		dirfd = AT_FDCWD;
	}
	if (!whole) {
		/* its directory: the path with its last name cut off */
		if (p != path) {
			snprintf(path, sizeof(path), "%s", p);
			p = path;
		}
		char *end = path + strlen(path);
		while (end > path + 1 && end[-1] == '/')
			*--end = '\0';
		char *slash = strrchr(path, '/');
		if (slash == NULL)
			return 0; /* the cwd or dirfd itself */
		slash[slash == path] = '\0';
		nofollow = 0;
	}
	if (kind == PATH_POOL) {
		pmemfile_stat_t st;
		if (pmemfile_fstatat(r->pfp, path_at(r), p, &st, nofollow))
			return -errno;
		return !whole && !S_ISDIR(st.st_mode) ? -ENOTDIR : 0;
	}
	struct stat kst;
	long ret =
	    syscall_no_intercept(SYS_newfstatat, dirfd, p, &kst, nofollow);
	if (ret == 0 && !whole && !S_ISDIR(kst.st_mode))
		ret = -ENOTDIR;
	return ret < 0 ? ret : 0;
}

/*
 * Whether the name a path (as name_error takes it) ends in exists, a
 * trailing "/" aside: the kernel's link looks the name up so before it
 * refuses "name/" (EEXIST before ENOENT).
 */
static bool name_exists(int kind, const struct path_res *r, long dirfd,
			const char *user)
{
	char path[PMEMFILE_PATH_MAX + 8];
	if (kind == PATH_ORIGINAL) {
		if (path_copy_in(user, path))
			return false;
	} else {
		snprintf(path, sizeof(path), "%s", r->path);
	}
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	struct path_res cut = *r;
	if (kind != PATH_ORIGINAL)
		snprintf(cut.path, sizeof(cut.path), "%s", path);
	return name_error(kind, &cut, dirfd, path, true, false) == 0;
}

/* Whether a path (as name_error takes it) ends with "/". */
static bool ends_in_slash(int kind, const struct path_res *r, const char *user)
{
	char path[PMEMFILE_PATH_MAX + 8];
	const char *p = r->path;
	if (kind == PATH_ORIGINAL) {
		if (path_copy_in(user, path))
			return false;
		p = path;
	}
	size_t n = strlen(p);
	return n > 1 && p[n - 1] == '/';
}

static long old_error(const struct two_paths *t, const long a[6], int odi,
		      int oi, int oflags, bool whole)
{
	return name_error(t->old_kind, &t->old, odi >= 0 ? a[odi] : AT_FDCWD,
			  (const char *)a[oi], whole, oflags & PATH_FOLLOW);
}

static long two_resolve(struct two_paths *t, const long a[6], int odi, int oi,
			int ndi, int ni, int oflags, bool whole_old)
{
	t->old_kind = path_resolve(odi >= 0 ? a[odi] : AT_FDCWD,
				   (const char *)a[oi], oflags, &t->old);
	if (t->old_kind < 0)
		return t->old_kind;
	t->new_kind =
	    path_resolve(ndi >= 0 ? a[ndi] : AT_FDCWD, (const char *)a[ni],
			 PATH_CREATES_NAME, &t->new);
	if (t->new_kind < 0) {
		long old = old_error(t, a, odi, oi, oflags, whole_old);
		path_done(&t->old);
		return old ? old : t->new_kind;
	}
	return 0;
}

/* The kernel's call, with the paths the walk rewrote. */
static long two_kernel(long nr, const long a[6], struct two_paths *t, int odi,
		       int oi, int ndi, int ni)
{
	long b[6] = {a[0], a[1], a[2], a[3], a[4], a[5]};

	if (t->old_kind == PATH_ORIGINAL && t->new_kind == PATH_ORIGINAL)
		return PRELOAD_PASS;
	if (t->old_kind == PATH_KERNEL) {
		b[oi] = (long)t->old.path;
		if (odi >= 0)
			b[odi] = AT_FDCWD;
	}
	if (t->new_kind == PATH_KERNEL) {
		b[ni] = (long)t->new.path;
		if (ndi >= 0)
			b[ndi] = AT_FDCWD;
	}
	return syscall_no_intercept(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
}

typedef long (*two_op)(struct two_paths *t, const long a[6]);
static long link_op(struct two_paths *t, const long a[6]);

static long two_common(long nr, const long a[6], int odi, int oi, int ndi,
		       int ni, int oflags, two_op op)
{
	struct two_paths t;
	long ret = two_resolve(&t, a, odi, oi, ndi, ni, oflags, op == link_op);

	if (ret)
		return ret;
	bool opool = t.old_kind == PATH_POOL, npool = t.new_kind == PATH_POOL;
	if (!opool && !npool)
		ret = two_kernel(nr, a, &t, odi, oi, ndi, ni);
	else if (opool && npool && t.old.mnt == t.new.mnt)
		ret = op(&t, a);
	else {
		/* across file systems: what the kernel checks before that */
		ret = old_error(&t, a, odi, oi, oflags, op == link_op);
		if (ret == 0)
			ret = name_error(t.new_kind, &t.new,
					 ndi >= 0 ? a[ndi] : AT_FDCWD,
					 (const char *)a[ni], false, false);
		/*
		 * link makes the new name before it compares mounts: one that
		 * exists is EEXIST, "name/" ENOENT
		 */
		if (ret == 0 && op == link_op &&
		    name_exists(t.new_kind, &t.new,
				ndi >= 0 ? a[ndi] : AT_FDCWD,
				(const char *)a[ni]))
			ret = -EEXIST;
		if (ret == 0 && op == link_op &&
		    ends_in_slash(t.new_kind, &t.new, (const char *)a[ni]))
			ret = -ENOENT;
		if (ret == 0)
			ret = -EXDEV;
	}
	path_done(&t.old);
	path_done(&t.new);
	return ret;
}

static long rename_op(struct two_paths *t, const long a[6])
{
	(void)a;
	return names_moved(sys_result(
	    pmemfile_renameat(t->old.pfp, path_at(&t->old), t->old.path,
			      path_at(&t->new), t->new.path)));
}

static long renameat2_op(struct two_paths *t, const long a[6])
{
	return names_moved(sys_result(
	    pmemfile_renameat2(t->old.pfp, path_at(&t->old), t->old.path,
			       path_at(&t->new), t->new.path, (unsigned)a[4])));
}

/*
 * Whether linkat may give a name to the file of descriptor f, named by
 * AT_EMPTY_PATH: with CAP_DAC_READ_SEARCH, or (Linux 6.10 and later) when
 * this process opened it with the credentials it has now; the kernel
 * says ENOENT otherwise.
 */
static bool link_empty_allowed(const struct preload_file *f)
{
	static int relaxed = -1;
	if (relaxed < 0) {
		struct utsname u;
		int major = 0, minor = 0;
		relaxed = uname(&u) == 0 &&
			  sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
			  (major > 6 || (major == 6 && minor >= 10));
	}
	if (relaxed && f->opener == preload_pid &&
	    f->opener_cred == cred_generation())
		return true;
	return cred_capable(CAP_DAC_READ_SEARCH);
}

static long link_op(struct two_paths *t, const long a[6])
{
	/*
	 * The file of a descriptor, named or not (an O_TMPFILE file, one
	 * unlinked since): by AT_EMPTY_PATH ("" as the old path: linkat
	 * alone), or by /proc/self/fd/N with AT_SYMLINK_FOLLOW
	 */
	if (t->old.file != NULL) {
		const char *old = (const char *)a[1];
		if (old[0] == '\0' && !link_empty_allowed(t->old.file))
			return -ENOENT;
		return sys_result(pmemfile_linkat(t->old.pfp, t->old.file->file,
						  "", path_at(&t->new),
						  t->new.path, AT_EMPTY_PATH));
	}
	return sys_result(pmemfile_linkat(t->old.pfp, path_at(&t->old),
					  t->old.path, path_at(&t->new),
					  t->new.path, 0));
}

SYS_HANDLER(rename)
{
	return two_common(SYS_rename, a, -1, 0, -1, 1, PATH_NAME_LAST,
			  rename_op);
}

SYS_HANDLER(renameat)
{
	return two_common(SYS_renameat, a, 0, 1, 2, 3, PATH_NAME_LAST,
			  rename_op);
}

SYS_HANDLER(renameat2)
{
	return two_common(SYS_renameat2, a, 0, 1, 2, 3, PATH_NAME_LAST,
			  renameat2_op);
}

SYS_HANDLER(link)
{
	return two_common(SYS_link, a, -1, 0, -1, 1, 0, link_op);
}

SYS_HANDLER(linkat)
{
	if (a[4] & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return two_common(SYS_linkat, a, 0, 1, 2, 3,
			  ((a[4] & AT_SYMLINK_FOLLOW) ? PATH_FOLLOW : 0) |
			      ((a[4] & AT_EMPTY_PATH) ? PATH_EMPTY : 0),
			  link_op);
}
