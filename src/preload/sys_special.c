/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_special.c -- FIFOs and Unix sockets whose names are in a mount.
 *
 * The pool holds the name (an inode of type FIFO or socket, made by mknod,
 * mkfifo or bind); the kernel object that processes open or connect to
 * lives in a runtime directory beside the pool, named by the pool file's
 * device and inode, under the pool inode's number:
 * /dev/shm/pmemfile-run.DEV.INO/NUMBER. The directory has the pool file's
 * owner and only its permissions (who may open the pool may reach the
 * objects), so the pool's own permission checks decide the rest, as they
 * do for files. getsockname and getpeername show the runtime path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "mount.h"
#include "path.h"
#include "sys.h"

#define RUN_DIR "/dev/shm"
#define RUN_PREFIX "pmemfile-run."
/* In each runtime directory: the path of its pool file, for the sweep. */
#define RUN_POOL_NAME ".pool"

/* Calls fn for each name in the directory open as dfd but "." and "..". */
static void
dir_each(long dfd, void (*fn)(long dfd, const char *name, void *arg), void *arg)
{
	char buf[8192];
	long n;
	while ((n = syscall_no_intercept(SYS_getdents64, dfd, buf,
					 sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			/* the kernel's record, as glibc declares it */
			const struct dirent64 *d = (void *)(buf + at);
			at += d->d_reclen;
			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0)
				fn(dfd, d->d_name, arg);
		}
	}
}

static void name_remove(long dfd, const char *name, void *arg)
{
	(void)arg;
	syscall_no_intercept(SYS_unlinkat, dfd, name, 0);
}

/*
 * Whether runtime directory name (in RUN_DIR, dfd open on it) is of a
 * pool file that is gone: the path it recorded names no file, or one with
 * another device and inode than its name says. A directory that recorded
 * nothing (made by an older version) is left alone.
 */
static bool run_dir_stale(const char *name, long dfd)
{
	unsigned long long dev, ino;
	int end = 0;
	if (sscanf(name, RUN_PREFIX "%llx.%llx%n", &dev, &ino, &end) != 2 ||
	    name[end] != '\0')
		return false;
	char pool[PMEMFILE_PATH_MAX];
	long fd = syscall_no_intercept(SYS_openat, dfd, RUN_POOL_NAME,
				       O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	long len = syscall_no_intercept(SYS_read, fd, pool, sizeof(pool) - 1);
	syscall_no_intercept(SYS_close, fd);
	if (len <= 0 || pool[0] != '/')
		return false;
	pool[len] = '\0';
	struct stat st;
	long r = syscall_no_intercept(SYS_stat, pool, &st);
	if (r == -ENOENT || r == -ENOTDIR)
		return true;
	return r == 0 && ((unsigned long long)st.st_dev != dev ||
			  (unsigned long long)st.st_ino != ino);
}

struct run_sweep {
	long uid;
	const char *keep;
};

/* One name of RUN_DIR: a stale runtime directory of the caller's goes. */
static void run_dir_sweep_one(long dfd, const char *name, void *arg)
{
	const struct run_sweep *w = arg;
	struct stat st;
	if (strncmp(name, RUN_PREFIX, strlen(RUN_PREFIX)) != 0 ||
	    strcmp(name, w->keep) == 0 ||
	    syscall_no_intercept(SYS_newfstatat, dfd, name, &st,
				 AT_SYMLINK_NOFOLLOW) ||
	    !S_ISDIR(st.st_mode) || st.st_uid != (uid_t)w->uid)
		return;
	long sub = syscall_no_intercept(SYS_openat, dfd, name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
	if (sub < 0)
		return;
	if (run_dir_stale(name, sub)) {
		char path[sizeof(RUN_DIR) + 256];
		snprintf(path, sizeof(path), RUN_DIR "/%s", name);
		log_printf("removed %s: its pool is gone", path);
		dir_each(sub, name_remove, NULL);
		syscall_no_intercept(SYS_rmdir, path);
	}
	syscall_no_intercept(SYS_close, sub);
}

/*
 * When a runtime directory is made: those of pool files removed since
 * (a test's, a scratch pool's) go, with the FIFOs and socket names left
 * in them. Only the caller's own are looked at.
 */
static void run_dirs_sweep(const char *keep)
{
	long dfd = syscall_no_intercept(SYS_open, RUN_DIR,
					O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	struct run_sweep w = {syscall_no_intercept(SYS_geteuid), keep};
	dir_each(dfd, run_dir_sweep_one, &w);
	syscall_no_intercept(SYS_close, dfd);
}

/* A new runtime directory out: its pool recorded, the stale ones swept. */
static void run_dir_made(const char *dir, const char *pool)
{
	char name[PMEMFILE_PATH_MAX + 32];
	snprintf(name, sizeof(name), "%s/" RUN_POOL_NAME, dir);
	long fd = syscall_no_intercept(
	    SYS_open, name,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd >= 0) {
		syscall_no_intercept(SYS_write, fd, pool, strlen(pool));
		syscall_no_intercept(SYS_close, fd);
	}
	run_dirs_sweep(strrchr(dir, '/') + 1);
}

/* The kernel path of the object of pool inode ino of m (made if needed). */
static int special_path(struct preload_mount *m, unsigned long long ino,
			char *out, size_t size)
{
	struct stat pool;
	if (syscall_no_intercept(SYS_stat, m->pool_path, &pool) != 0)
		return -EIO;
	int n = snprintf(out, size, RUN_DIR "/" RUN_PREFIX "%llx.%llx",
			 (unsigned long long)pool.st_dev,
			 (unsigned long long)pool.st_ino);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	long r = syscall_no_intercept(SYS_mkdir, out, 0700);
	if (r == 0) {
		mode_t mode = (pool.st_mode & 0066) ? 01777 : 0700;
		if (m->pool_path[0] == '/')
			run_dir_made(out, m->pool_path);
		syscall_no_intercept(SYS_chown, out, pool.st_uid, pool.st_gid);
		syscall_no_intercept(SYS_chmod, out, mode);
	} else if (r != -EEXIST) {
		return (int)r;
	}
	n = snprintf(out + n, size - (size_t)n, "/%llx", ino);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

long special_open(struct path_res *r, long flags)
{
	pmemfile_stat_t st;
	if (pmemfile_fstatat(r->pfp, PMEMFILE_AT_CWD, r->path, &st,
			     (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0))
		return -errno;
	if (!S_ISFIFO(st.st_mode))
		return -ENXIO; /* a socket cannot be opened, as the kernel says
				*/
	int acc = (int)(flags & O_ACCMODE);
	int want = acc == O_RDONLY   ? R_OK
		   : acc == O_WRONLY ? W_OK
				     : R_OK | W_OK;
	if (pmemfile_faccessat(r->pfp, PMEMFILE_AT_CWD, r->path, want,
			       AT_EACCESS))
		return -errno;
	char kpath[PMEMFILE_PATH_MAX];
	int ret = special_path(r->mnt, (unsigned long long)st.st_ino, kpath,
			       sizeof(kpath));
	if (ret)
		return ret;
	long mk = syscall_no_intercept(SYS_mknod, kpath, S_IFIFO | 0666, 0);
	if (mk == 0)
		syscall_no_intercept(SYS_chmod, kpath, 0666);
	else if (mk != -EEXIST)
		return mk;
	if (log_enabled())
		log_printf("FIFO %s is %s", r->path, kpath);
	return syscall_no_intercept(
	    SYS_open, kpath,
	    flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_DIRECTORY),
	    0);
}

/*
 * A node of pool inode ino of m was made: the kernel object a node of that
 * number removed before left in the runtime directory is stale, and goes.
 */
static void special_stale_remove(struct preload_mount *m,
				 unsigned long long ino)
{
	char kpath[PMEMFILE_PATH_MAX];
	if (special_path(m, ino, kpath, sizeof(kpath)) == 0)
		syscall_no_intercept(SYS_unlink, kpath);
}

void special_made(struct path_res *r)
{
	pmemfile_stat_t st;
	/*
	 * Processes that opened the old one keep it, as a removed FIFO's
	 * openers keep theirs on the kernel's file systems; the new name's
	 * first open makes its own.
	 */
	if (pmemfile_fstatat(r->pfp, path_at(r), r->path, &st,
			     AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISFIFO(st.st_mode))
		special_stale_remove(r->mnt, (unsigned long long)st.st_ino);
}

/*
 * The path of a sockaddr_un (not abstract), or NULL (for an address that
 * cannot be read too: the kernel's call says EFAULT).
 */
static const char *sun_path_of(const struct sockaddr_un *user, socklen_t len,
			       char *buf, size_t size)
{
	struct sockaddr_un sa;

	if (user == NULL || len <= offsetof(struct sockaddr_un, sun_path) ||
	    len > sizeof(sa) || path_copy_user(&sa, user, len) ||
	    sa.sun_family != AF_UNIX || sa.sun_path[0] == '\0')
		return NULL;
	size_t n = len - offsetof(struct sockaddr_un, sun_path);
	if (n >= size)
		return NULL;
	memcpy(buf, sa.sun_path, n);
	buf[n] = '\0';
	return buf;
}

/*
 * The call again with another address, argument ai (its length the next):
 * bind, connect, sendto.
 */
static long sock_call_with(long nr, const long a[6], int ai,
			   const struct sockaddr_un *sa)
{
	long b[6];

	memcpy(b, a, sizeof(b));
	b[ai] = (long)sa;
	b[ai + 1] = sizeof(*sa);
	return syscall_no_intercept(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
}

/* The call again, with the runtime path of the pool's socket ino. */
static long sock_call(long nr, const long a[6], int ai, struct preload_mount *m,
		      unsigned long long ino)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ret = special_path(m, ino, sa.sun_path, sizeof(sa.sun_path));
	if (ret)
		return ret;
	return sock_call_with(nr, a, ai, &sa);
}

/*
 * The pool path of the socket address in argument ai: PATH_POOL, or the
 * kind. PATH_KERNEL (a path resolved out of a mount, relative to a cwd in
 * one) has already been run by the kernel with that path absolute, its
 * result in *kret: the kernel's cwd is not the process's.
 */
static int sock_route(long nr, const long a[6], int ai, int flags,
		      struct path_res *r, long *kret)
{
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	if (sun_path_of((const struct sockaddr_un *)a[ai], (socklen_t)a[ai + 1],
			name, sizeof(name)) == NULL)
		return PATH_ORIGINAL;
	int kind = path_resolve(AT_FDCWD, name, flags, r);
	if (kind != PATH_KERNEL)
		return kind;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(r->path) >= sizeof(sa.sun_path)) {
		*kret = -ENAMETOOLONG;
		return PATH_KERNEL;
	}
	strcpy(sa.sun_path, r->path);
	*kret = sock_call_with(nr, a, ai, &sa);
	return PATH_KERNEL;
}

/*
 * The kernel's object of the pool's socket ino may be connected to by all
 * who reach it: the pool's mode of the name decides (connect checks it),
 * as it is now, and not the mode bind gave the object (the umask's), which
 * a chmod of the name does not change.
 */
static void sock_open_to_all(struct preload_mount *m, unsigned long long ino)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	if (special_path(m, ino, path, sizeof(path)) == 0)
		syscall_no_intercept(SYS_fchmodat, AT_FDCWD, path, 0777);
}

SYS_HANDLER(bind)
{
	struct path_res r;
	long ret = 0;
	int kind = sock_route(SYS_bind, a, 1, PATH_CREATES_NAME, &r, &ret);
	if (kind != PATH_POOL)
		return kind < 0		     ? kind
		       : kind == PATH_KERNEL ? ret
					     : PRELOAD_PASS;
	pmemfile_stat_t st;
	/* the name first: as the kernel's, an existing one is in use */
	if (pmemfile_mknodat(r.pfp, PMEMFILE_AT_CWD, r.path, S_IFSOCK | 0777,
			     0))
		ret = errno == EEXIST ? -EADDRINUSE : -errno;
	if (ret == 0 && pmemfile_fstatat(r.pfp, PMEMFILE_AT_CWD, r.path, &st,
					 AT_SYMLINK_NOFOLLOW))
		ret = -errno;
	if (ret == 0) {
		/* a name a socket once had in the runtime directory */
		special_stale_remove(r.mnt, (unsigned long long)st.st_ino);
		ret = sock_call(SYS_bind, a, 1, r.mnt,
				(unsigned long long)st.st_ino);
		if (ret != 0)
			pmemfile_unlinkat(r.pfp, PMEMFILE_AT_CWD, r.path, 0);
		else
			sock_open_to_all(r.mnt, (unsigned long long)st.st_ino);
	}
	path_done(&r);
	return ret;
}

long sock_name_route(const void *user, unsigned len, struct sockaddr_un *out)
{
	char name[sizeof(out->sun_path) + 1];
	struct path_res r;

	if (sun_path_of(user, len, name, sizeof(name)) == NULL)
		return 0;
	int kind = path_resolve(AT_FDCWD, name, PATH_FOLLOW, &r);
	if (kind < 0 || kind == PATH_ORIGINAL)
		return kind;
	memset(out, 0, sizeof(*out));
	out->sun_family = AF_UNIX;
	if (kind == PATH_KERNEL) {
		if (strlen(r.path) >= sizeof(out->sun_path))
			return -ENAMETOOLONG;
		strcpy(out->sun_path, r.path);
		return 1;
	}
	long ret = 0;
	pmemfile_stat_t st;
	if (pmemfile_fstatat(r.pfp, PMEMFILE_AT_CWD, r.path, &st, 0))
		ret = -errno;
	else if (!S_ISSOCK(st.st_mode))
		ret = -ECONNREFUSED;
	else if (pmemfile_faccessat(r.pfp, PMEMFILE_AT_CWD, r.path, W_OK,
				    AT_EACCESS))
		ret = -errno;
	if (ret == 0)
		ret = special_path(r.mnt, (unsigned long long)st.st_ino,
				   out->sun_path, sizeof(out->sun_path));
	path_done(&r);
	return ret ? ret : 1;
}

/* connect, sendto: to the socket named by the address in argument ai */
static long sock_to(long nr, const long a[6], int ai)
{
	struct sockaddr_un sa;
	long ret =
	    sock_name_route((const void *)a[ai], (socklen_t)a[ai + 1], &sa);

	if (ret <= 0)
		return ret == 0 ? PRELOAD_PASS : ret;
	return sock_call_with(nr, a, ai, &sa);
}

SYS_HANDLER(connect)
{
	return sock_to(SYS_connect, a, 1);
}

/* sendto: a datagram to a socket named in a mount */
SYS_HANDLER(sendto)
{
	if (a[4] == 0)
		return PRELOAD_PASS;
	return sock_to(SYS_sendto, a, 4);
}
