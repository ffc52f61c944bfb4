// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_kernel.c -- the reference backend: plain system calls in a process
 * chrooted into a fresh directory, so that "/", absolute symlink targets and
 * getcwd mean the same as in a pool. Runs in a forked child of the harness.
 */
#include "ref_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's own value; glibc defines O_LARGEFILE as 0 on x86_64. */
#define KERNEL_O_LARGEFILE 0100000L

static char kernel_root[4096];

static long kret(long r)
{
	return r < 0 ? -errno : r;
}

static int kernel_setup(unsigned n)
{
	snprintf(kernel_root, sizeof(kernel_root), "%s/kernel.%u.XXXXXX",
		 ref_tmpdir(), n);
	if (!mkdtemp(kernel_root) || chmod(kernel_root, REF_ROOT_MODE))
		return -errno;
	if (chroot(kernel_root) || chdir("/"))
		return -errno;
	umask(022);
	return 0;
}

static int kernel_teardown(unsigned n)
{
	(void)n;
	return 0;
}

static long k_openat(ref_handle dir, const char *path, int flags, mode_t mode,
		     ref_handle *out)
{
	int fd = openat((int)dir, path, flags, mode);
	if (fd < 0)
		return -errno;
	*out = fd;
	return 0;
}

static long k_close(ref_handle h)
{
	return kret(close((int)h));
}

static long k_dup(ref_handle h, ref_handle *out)
{
	int fd = dup((int)h);
	if (fd < 0)
		return -errno;
	*out = fd;
	return 0;
}

static long k_read(ref_handle h, void *buf, size_t n)
{
	return kret(read((int)h, buf, n));
}

static long k_write(ref_handle h, const void *buf, size_t n)
{
	return kret(write((int)h, buf, n));
}

static long k_pread(ref_handle h, void *buf, size_t n, off_t off)
{
	return kret(pread((int)h, buf, n, off));
}

static long k_pwrite(ref_handle h, const void *buf, size_t n, off_t off)
{
	return kret(pwrite((int)h, buf, n, off));
}

static long k_readv(ref_handle h, const struct iovec *iov, int cnt)
{
	return kret(readv((int)h, iov, cnt));
}

static long k_writev(ref_handle h, const struct iovec *iov, int cnt)
{
	return kret(writev((int)h, iov, cnt));
}

static long k_preadv(ref_handle h, const struct iovec *iov, int cnt, off_t off)
{
	return kret(preadv((int)h, iov, cnt, off));
}

static long k_pwritev(ref_handle h, const struct iovec *iov, int cnt, off_t off)
{
	return kret(pwritev((int)h, iov, cnt, off));
}

static long k_lseek(ref_handle h, off_t off, int whence)
{
	return kret(lseek((int)h, off, whence));
}

static long k_fstatat(ref_handle dir, const char *path, struct stat *st,
		      int flags)
{
	return kret(fstatat((int)dir, path, st, flags));
}

static long k_fstat(ref_handle h, struct stat *st)
{
	return kret(fstat((int)h, st));
}

static long k_getdents(ref_handle h, void *buf, unsigned n)
{
	return kret(syscall(SYS_getdents, (int)h, buf, n));
}

static long k_getdents64(ref_handle h, void *buf, unsigned n)
{
	return kret(syscall(SYS_getdents64, (int)h, buf, n));
}

static long k_mkdirat(ref_handle dir, const char *path, mode_t mode)
{
	return kret(mkdirat((int)dir, path, mode));
}

static long k_unlinkat(ref_handle dir, const char *path, int flags)
{
	return kret(unlinkat((int)dir, path, flags));
}

static long k_rmdir(const char *path)
{
	return kret(rmdir(path));
}

static long k_linkat(ref_handle d1, const char *p1, ref_handle d2,
		     const char *p2, int flags)
{
	return kret(linkat((int)d1, p1, (int)d2, p2, flags));
}

static long k_symlinkat(const char *target, ref_handle dir, const char *path)
{
	return kret(symlinkat(target, (int)dir, path));
}

static long k_readlinkat(ref_handle dir, const char *path, char *buf, size_t n)
{
	return kret(readlinkat((int)dir, path, buf, n));
}

static long k_renameat2(ref_handle d1, const char *p1, ref_handle d2,
			const char *p2, unsigned flags)
{
	return kret(renameat2((int)d1, p1, (int)d2, p2, flags));
}

static long k_chdir(const char *path)
{
	return kret(chdir(path));
}

static long k_fchdir(ref_handle h)
{
	return kret(fchdir((int)h));
}

static long k_getcwd(char *buf, size_t n)
{
	/* getcwd(3), whose errors (EINVAL for size 0) the API mirrors */
	if (!getcwd(buf, n))
		return -errno;
	return (long)strlen(buf);
}

static long k_truncate(const char *path, off_t len)
{
	return kret(truncate(path, len));
}

static long k_ftruncate(ref_handle h, off_t len)
{
	return kret(ftruncate((int)h, len));
}

static long k_fallocate(ref_handle h, int mode, off_t off, off_t len)
{
	return kret(fallocate((int)h, mode, off, len));
}

static long k_posix_fallocate(ref_handle h, off_t off, off_t len)
{
	/* posix_fallocate returns the error number rather than setting errno */
	return -posix_fallocate((int)h, off, len);
}

static long k_fcntl(ref_handle h, int cmd, long arg, ref_handle *out)
{
	long r = fcntl((int)h, cmd, arg);
	if (r < 0)
		return -errno;
	/*
	 * The kernel adds O_LARGEFILE to every open on x86_64; the API has no
	 * such flag (PMEMFILE_O_LARGEFILE is 0), so it is not compared.
	 */
	if (cmd == F_GETFL)
		r &= ~KERNEL_O_LARGEFILE;
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
		*out = r;
		return 0;
	}
	return r;
}

static long k_umask(mode_t mask)
{
	return umask(mask);
}

static long k_fchmodat(ref_handle dir, const char *path, mode_t mode, int flags)
{
	return kret(fchmodat((int)dir, path, mode, flags));
}

static long k_fchmod(ref_handle h, mode_t mode)
{
	return kret(fchmod((int)h, mode));
}

static long k_fchownat(ref_handle dir, const char *path, uid_t uid, gid_t gid,
		       int flags)
{
	return kret(fchownat((int)dir, path, uid, gid, flags));
}

static long k_fchown(ref_handle h, uid_t uid, gid_t gid)
{
	return kret(fchown((int)h, uid, gid));
}

static long k_faccessat(ref_handle dir, const char *path, int mode, int flags)
{
	return kret(faccessat((int)dir, path, mode, flags));
}

static long k_utimensat(ref_handle dir, const char *path,
			const struct timespec ts[2], int flags)
{
	return kret(utimensat((int)dir, path, ts, flags));
}

static long k_futimens(ref_handle h, const struct timespec ts[2])
{
	return kret(futimens((int)h, ts));
}

/*
 * The saved set-user-ID stays 0 so that the process can become root again;
 * the effective one decides the capabilities, as for any unprivileged user.
 */
static long k_creds(uid_t ruid, uid_t euid, gid_t gid, int ngroups,
		    const gid_t *groups)
{
	/* as the pool does when it becomes root again */
	umask(022);
	if (chdir("/"))
		return -errno;
	if (setresuid(0, 0, 0) || setresgid(0, 0, 0))
		return -errno;
	if (setgroups((size_t)ngroups, groups))
		return -errno;
	if (setresgid(gid, gid, 0) || setresuid(ruid, euid, 0))
		return -errno;
	return 0;
}

const struct ref_backend ref_kernel = {
    .name = "kernel",
    .at_cwd = AT_FDCWD,
    .setup = kernel_setup,
    .teardown = kernel_teardown,
    .openat = k_openat,
    .close = k_close,
    .dup = k_dup,
    .read = k_read,
    .write = k_write,
    .pread = k_pread,
    .pwrite = k_pwrite,
    .readv = k_readv,
    .writev = k_writev,
    .preadv = k_preadv,
    .pwritev = k_pwritev,
    .lseek = k_lseek,
    .fstatat = k_fstatat,
    .fstat = k_fstat,
    .getdents = k_getdents,
    .getdents64 = k_getdents64,
    .mkdirat = k_mkdirat,
    .unlinkat = k_unlinkat,
    .rmdir = k_rmdir,
    .linkat = k_linkat,
    .symlinkat = k_symlinkat,
    .readlinkat = k_readlinkat,
    .renameat2 = k_renameat2,
    .chdir = k_chdir,
    .fchdir = k_fchdir,
    .getcwd = k_getcwd,
    .truncate = k_truncate,
    .ftruncate = k_ftruncate,
    .fallocate = k_fallocate,
    .posix_fallocate = k_posix_fallocate,
    .fcntl = k_fcntl,
    .umask = k_umask,
    .fchmodat = k_fchmodat,
    .fchmod = k_fchmod,
    .fchownat = k_fchownat,
    .fchown = k_fchown,
    .faccessat = k_faccessat,
    .utimensat = k_utimensat,
    .futimens = k_futimens,
    .creds = k_creds,
};
