/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_open.c -- opening and closing, and descriptor numbers: open family,
 * close, close_range, dup family, fcntl.
 *
 * The kernel does the numbering on the placeholders (dup, dup2 onto 0/1/2,
 * O_CLOEXEC, F_SETFD); the table then follows what the kernel did.
 */
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "../../pmemfile/shim_calls.h"
#include "cred.h"
#include "fd_table.h"
#include "preload.h"
#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "path.h"
#include "sys.h"

/* lib_flags: more flags for the library's open alone */
static long open_in_pool(struct path_res *r, long flags, long mode,
			 int lib_flags)
{
	PMEMfile *at = path_at(r);
	const char *path = r->path;
	/* /proc/self/fd/N of a pool descriptor: its file, named or not */
	if (r->file != NULL) {
		at = r->file->file;
		path = "";
		lib_flags = PMEMFILE_O_REOPEN;
	}
	struct stat st;
	PMEMfile *pf = pmemfile_openat_stat(
	    r->pfp, at, path, (int)(flags & ~O_CLOEXEC) | lib_flags,
	    (pmemfile_mode_t)mode, &st);
	if (pf == NULL && errno == ENXIO)
		return special_open(r, flags); /* a FIFO: a kernel one */
	if (pf == NULL)
		return -errno;
	/* a directory's description keeps its path from the root */
	if (r->cwd_relative && S_ISDIR(st.st_mode)) {
		pmemfile_close(r->pfp, pf);
		return -ENAMETOOLONG;
	}
	int fd = fd_placeholder(flags & O_CLOEXEC);
	if (fd < 0) {
		pmemfile_close(r->pfp, pf);
		return fd;
	}
	/*
	 * A path from a removed directory: the path of the one opened, or
	 * when it is removed too, its old path, which path_of_dir looks at
	 * before its first use
	 */
	char now[PMEMFILE_PATH_MAX];
	int ret;
	if (r->at == NULL || !S_ISDIR(st.st_mode))
		ret = fd_attach(fd, r->mnt, pf, (int)flags, S_ISDIR(st.st_mode),
				r->path);
	else if (pmemfile_get_dir_path(r->pfp, pf, now, sizeof(now)) != NULL)
		ret = fd_attach(fd, r->mnt, pf, (int)flags, true, now);
	else
		ret = fd_attach_removed(fd, r->mnt, pf, (int)flags,
					path_at_old(r));
	if (ret != 0) {
		pmemfile_close(r->pfp, pf);
		syscall_no_intercept(SYS_close, fd);
		return ret;
	}
	struct preload_file *f = fd_get(fd);
	if (f != NULL) {
		f->opener = preload_pid;
		f->opener_cred = cred_generation();
		fd_put(f);
	}
	return fd;
}

static long open_common(long nr, const long a[6], int di, int pi, long flags,
			long mode, unsigned long long resolve)
{
	struct path_res r;
	long ret;
	int pflags = PATH_FOLLOW;

	if ((flags & O_NOFOLLOW) ||
	    (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		pflags = 0;
	if ((flags & O_CREAT) && nr != SYS_openat2)
		pflags |= PATH_CREATES;
	/*
	 * The directories on the way, and the last component when it is to
	 * be followed, are first left to the open, which refuses a symlink
	 * there: only then are they looked at (and followed) by the walk,
	 * which may lead out of the pool.
	 */
	if (!(flags & O_PATH) && resolve == 0) {
		bool follow = pflags & PATH_FOLLOW;
		int unchecked =
		    PATH_PARENTS_UNCHECKED | (follow ? PATH_LAST_UNCHECKED : 0);
		int refuse = PMEMFILE_O_PARENTS_NOFOLLOW |
			     (follow ? PMEMFILE_O_LAST_NOFOLLOW : 0);
		int k = path_route(nr, a, di, pi, pflags | unchecked, &r, &ret);
		if (k != PATH_POOL && ret != -ELOOP)
			return ret;
		if (k == PATH_POOL) {
			ret = open_in_pool(&r, flags, mode, refuse);
			path_done(&r);
			if (ret != -ELOOP)
				return ret;
		}
	}
	if (path_route(nr, a, di, pi, pflags, &r, &ret) != PATH_POOL)
		return ret;
	if (resolve != 0)
		ret = preload_not_supported("openat2 with RESOLVE_* flags");
	else
		ret = open_in_pool(&r, flags, mode, 0);
	path_done(&r);
	return ret;
}

SYS_HANDLER(open)
{
	return open_common(SYS_open, a, -1, 0, a[1], a[2], 0);
}

SYS_HANDLER(openat)
{
	return open_common(SYS_openat, a, 0, 1, a[2], a[3], 0);
}

SYS_HANDLER(creat)
{
	return open_common(SYS_creat, a, -1, 0, O_CREAT | O_WRONLY | O_TRUNC,
			   a[1], 0);
}

SYS_HANDLER(openat2)
{
	const struct open_how *how = (const struct open_how *)a[2];

	if (how == NULL || (size_t)a[3] < sizeof(*how))
		return PRELOAD_PASS;
	return open_common(SYS_openat2, a, 0, 1, (long)how->flags,
			   (long)how->mode, how->resolve);
}

SYS_HANDLER(close)
{
	/* the library's own are numbered high (share.c, direct.c) */
	if ((a[0] == log_fd() && a[0] >= 0) || fd_is_template(a[0]) ||
	    (a[0] >= 48 && mount_fd_is_own(a[0])))
		return -EBADF;
	if (!fd_table_used)
		return PRELOAD_PASS;
	struct preload_file *f = fd_remove(a[0]);
	if (f == NULL)
		return PRELOAD_PASS;
	syscall_no_intercept(SYS_close, a[0]);
	preload_routed = 1;
	fd_put(f);
	return 0;
}

/*
 * close_range of [first, last] but for the descriptors of the shim and the
 * library in it, which the program does not know it has: the kernel's
 * call on the stretches between them.
 */
static long close_range_around(unsigned long first, unsigned long last,
			       long flags)
{
	struct mount_own_fds o;
	mount_own_fds(&o);
	int lfd = log_fd();
	if (lfd >= 0 && o.n < MOUNT_OWN_FDS_MAX)
		o.fd[o.n++] = lfd;
	/* ascending */
	for (int i = 1; i < o.n; ++i)
		for (int j = i; j > 0 && o.fd[j - 1] > o.fd[j]; --j) {
			int t = o.fd[j];
			o.fd[j] = o.fd[j - 1];
			o.fd[j - 1] = t;
		}
	unsigned long from = first;
	for (int i = 0; i < o.n; ++i) {
		unsigned long fd = (unsigned long)o.fd[i];
		if (fd < from || fd > last)
			continue;
		if (fd > from) {
			long r = syscall_no_intercept(SYS_close_range, from,
						      fd - 1, flags);
			if (r != 0)
				return r;
		}
		from = fd + 1;
	}
	if (from > last || from == 0) /* past the end, or wrapped */
		return 0;
	return syscall_no_intercept(SYS_close_range, from, last, flags);
}

SYS_HANDLER(close_range)
{
	if (a[2] & CLOSE_RANGE_CLOEXEC)
		return PRELOAD_PASS;
	if ((unsigned long)a[0] > (unsigned long)a[1] ||
	    (a[2] & ~(long)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)))
		return PRELOAD_PASS; /* the kernel's EINVAL */
	/*
	 * A vfork child's descriptors are its own (Python's subprocess
	 * closes all but 0-2 before its execve): the ones of the pool it
	 * closes are forgotten by it alone (fd_remove keeps the parent's).
	 */
	long ret = preload_in_vfork
		       ? syscall_no_intercept(SYS_close_range, a[0], a[1], a[2])
		       : close_range_around((unsigned long)a[0],
					    (unsigned long)a[1], a[2]);
	if (ret != 0 || !fd_table_used)
		return ret;
	fd_template_gone(a[0], a[1]);
	unsigned long last = (unsigned long)a[1];
	unsigned long limit = (unsigned long)fd_table_limit();
	if (last >= limit)
		last = limit - 1;
	for (unsigned long fd = (unsigned long)a[0]; fd <= last && limit;
	     ++fd) {
		struct preload_file *f = fd_remove((long)fd);
		if (f != NULL)
			fd_put(f);
	}
	return 0;
}

/*
 * After the kernel made newfd a copy of oldfd (f, or NULL for a kernel
 * descriptor): newfd now refers to f, and what it referred to before is
 * released.
 */
static void dup_follow(long newfd, struct preload_file *f)
{
	struct preload_file *old =
	    f ? fd_install((int)newfd, f) : fd_remove(newfd);
	if (old != NULL)
		fd_put(old);
}

SYS_HANDLER(dup)
{
	struct preload_file *f = fd_get(a[0]);

	if (f == NULL)
		return PRELOAD_PASS;
	long fd = syscall_no_intercept(SYS_dup, a[0]);
	if (fd >= 0)
		dup_follow(fd, f);
	fd_put(f);
	return fd;
}

/*
 * The kernel's dup2 or dup3: newfd may have been a descriptor of the
 * library's own, whose check this makes stale (pmemfile_own_fds_watch).
 */
static long dup2_kernel(long nr, const long a[6])
{
	long ret = syscall_no_intercept(nr, a[0], a[1], a[2]);
	if (ret >= 0)
		pmemfile_own_fds_replaced();
	return ret;
}

static long dup2_common(long nr, const long a[6])
{
	if (a[0] == a[1])
		return PRELOAD_PASS;
	if (!fd_table_used)
		return dup2_kernel(nr, a);
	fd_template_gone(a[1], a[1]);
	struct preload_file *f = fd_get(a[0]);
	struct preload_file *target = fd_get(a[1]);
	if (f == NULL && target == NULL)
		return dup2_kernel(nr, a);
	if (target != NULL)
		fd_put(target);
	long ret = dup2_kernel(nr, a);
	if (ret >= 0)
		dup_follow(a[1], f);
	if (f != NULL)
		fd_put(f);
	return ret;
}

SYS_HANDLER(dup2)
{
	return dup2_common(SYS_dup2, a);
}

SYS_HANDLER(dup3)
{
	return dup2_common(SYS_dup3, a);
}

static long fcntl_dup(const long a[6], struct preload_file *f)
{
	long fd = syscall_no_intercept(SYS_fcntl, a[0], a[1], a[2]);

	if (fd >= 0)
		dup_follow(fd, f);
	return fd;
}

/*
 * The kernel's O_LARGEFILE: a 64-bit kernel sets it on every open file but
 * an O_PATH one and F_GETFL shows it, while the C library's O_LARGEFILE
 * is 0 on x86_64.
 */
#define FCNTL_KERNEL_O_LARGEFILE 0100000

static long fcntl_getfl(struct fd_use *u)
{
	long fl = sys_result(pmemfile_fcntl(u->pfp, u->f->file, F_GETFL));

	if (fl >= 0 && !(fl & O_PATH))
		fl |= FCNTL_KERNEL_O_LARGEFILE;
	return fl;
}

static long fcntl_pool(const long a[6], struct fd_use *u)
{
	switch (a[1]) {
	case F_GETFL:
		return fcntl_getfl(u);
	case F_SETFL:
		return sys_result(
		    pmemfile_fcntl(u->pfp, u->f->file, (int)a[1], (int)a[2]));
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return sys_result(pmemfile_fcntl(u->pfp, u->f->file, (int)a[1],
						 (struct flock *)a[2]));
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		return -EBADF;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return -EINVAL;
	default:
		return preload_not_supported("this fcntl command");
	}
}

SYS_HANDLER(fcntl)
{
	switch (a[1]) {
	case F_GETFD:
	case F_SETFD:
	case F_GETOWN:
	case F_SETOWN:
	case F_GETOWN_EX:
	case F_SETOWN_EX:
	case F_GETSIG:
	case F_SETSIG:
		/* the placeholder answers these as any file would */
		return PRELOAD_PASS;
	default:
		break;
	}
	struct fd_use u;
	int is_pool = fd_use_begin(a[0], &u);
	if (is_pool <= 0)
		return is_pool == 0 ? PRELOAD_PASS : is_pool;
	long ret = (a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC)
		       ? fcntl_dup(a, u.f)
		       : fcntl_pool(a, &u);
	fd_use_end(&u);
	return ret;
}
