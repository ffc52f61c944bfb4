// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_pmemfile.c -- the backend under test: libpmemfile-posix on a fresh
 * pool per case. At teardown the pool is closed and the consistency checker
 * must accept it.
 */
#include "ref_backend.h"

#include "check.h"
#include "procid.h"

#include <errno.h>
#include <libpmemfile-posix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define REF_POOL_SIZE (64UL << 20)

static PMEMfilepool *pool;
static char pool_path[4096];

static long pret(long r)
{
	return r < 0 ? -errno : r;
}

static PMEMfile *file(ref_handle h)
{
	return (PMEMfile *)h;
}

static int pmemfile_setup(unsigned n)
{
	snprintf(pool_path, sizeof(pool_path), "%s/pool.%u", ref_tmpdir(), n);
	unlink(pool_path);
	pool = pmemfile_pool_create(pool_path, REF_POOL_SIZE, 0600);
	if (!pool) {
		int err = errno;
		fprintf(stderr, "pmemfile_pool_create(%s): %s\n", pool_path,
			pmemfile_errormsg());
		return -err;
	}
	pmemfile_umask(pool, 022);
	/* the kernel's side runs as this process: so does the pool's */
	if (pmemfile_cred_of_process(pool))
		return -errno;
	/*
	 * The root's mode is chosen when a pool is made; both backends start
	 * from the same one. A failure shows in the first comparison of "/".
	 */
	pmemfile_chmod(pool, "/", REF_ROOT_MODE);
	return 0;
}

static int pmemfile_teardown(unsigned n)
{
	(void)n;
	pmemfile_pool_close(pool);
	pool = NULL;
	if (pmemfile_check_pool(pool_path, stderr)) {
		fprintf(stderr, "pmemfile_check_pool(%s) failed\n", pool_path);
		return -1;
	}
	unlink(pool_path);
	return 0;
}

static long p_openat(ref_handle dir, const char *path, int flags, mode_t mode,
		     ref_handle *out)
{
	PMEMfile *f = pmemfile_openat(pool, file(dir), path, flags, mode);
	if (!f)
		return -errno;
	*out = (ref_handle)f;
	return 0;
}

static long p_close(ref_handle h)
{
	pmemfile_close(pool, file(h));
	return 0;
}

static long p_dup(ref_handle h, ref_handle *out)
{
	PMEMfile *f = pmemfile_dup(pool, file(h));
	if (!f)
		return -errno;
	*out = (ref_handle)f;
	return 0;
}

static long p_read(ref_handle h, void *buf, size_t n)
{
	return pret(pmemfile_read(pool, file(h), buf, n));
}

static long p_write(ref_handle h, const void *buf, size_t n)
{
	return pret(pmemfile_write(pool, file(h), buf, n));
}

static long p_pread(ref_handle h, void *buf, size_t n, off_t off)
{
	return pret(pmemfile_pread(pool, file(h), buf, n, off));
}

static long p_pwrite(ref_handle h, const void *buf, size_t n, off_t off)
{
	return pret(pmemfile_pwrite(pool, file(h), buf, n, off));
}

static long p_readv(ref_handle h, const struct iovec *iov, int cnt)
{
	return pret(pmemfile_readv(pool, file(h), iov, cnt));
}

static long p_writev(ref_handle h, const struct iovec *iov, int cnt)
{
	return pret(pmemfile_writev(pool, file(h), iov, cnt));
}

static long p_preadv(ref_handle h, const struct iovec *iov, int cnt, off_t off)
{
	return pret(pmemfile_preadv(pool, file(h), iov, cnt, off));
}

static long p_pwritev(ref_handle h, const struct iovec *iov, int cnt, off_t off)
{
	return pret(pmemfile_pwritev(pool, file(h), iov, cnt, off));
}

static long p_lseek(ref_handle h, off_t off, int whence)
{
	return pret(pmemfile_lseek(pool, file(h), off, whence));
}

static long p_fstatat(ref_handle dir, const char *path, struct stat *st,
		      int flags)
{
	return pret(pmemfile_fstatat(pool, file(dir), path, st, flags));
}

static long p_fstat(ref_handle h, struct stat *st)
{
	return pret(pmemfile_fstat(pool, file(h), st));
}

static long p_getdents(ref_handle h, void *buf, unsigned n)
{
	return pret(pmemfile_getdents(pool, file(h), buf, n));
}

static long p_getdents64(ref_handle h, void *buf, unsigned n)
{
	return pret(pmemfile_getdents64(pool, file(h), buf, n));
}

static long p_mkdirat(ref_handle dir, const char *path, mode_t mode)
{
	return pret(pmemfile_mkdirat(pool, file(dir), path, mode));
}

static long p_unlinkat(ref_handle dir, const char *path, int flags)
{
	return pret(pmemfile_unlinkat(pool, file(dir), path, flags));
}

static long p_rmdir(const char *path)
{
	return pret(pmemfile_rmdir(pool, path));
}

static long p_linkat(ref_handle d1, const char *p1, ref_handle d2,
		     const char *p2, int flags)
{
	return pret(pmemfile_linkat(pool, file(d1), p1, file(d2), p2, flags));
}

static long p_symlinkat(const char *target, ref_handle dir, const char *path)
{
	return pret(pmemfile_symlinkat(pool, target, file(dir), path));
}

static long p_readlinkat(ref_handle dir, const char *path, char *buf, size_t n)
{
	return pret(pmemfile_readlinkat(pool, file(dir), path, buf, n));
}

static long p_renameat2(ref_handle d1, const char *p1, ref_handle d2,
			const char *p2, unsigned flags)
{
	return pret(
	    pmemfile_renameat2(pool, file(d1), p1, file(d2), p2, flags));
}

static long p_chdir(const char *path)
{
	return pret(pmemfile_chdir(pool, path));
}

static long p_fchdir(ref_handle h)
{
	return pret(pmemfile_fchdir(pool, file(h)));
}

static long p_getcwd(char *buf, size_t n)
{
	char *r = pmemfile_getcwd(pool, buf, n);
	if (!r)
		return -errno;
	if (r != buf)
		return -EFAULT; /* the caller's buffer must be used */
	return (long)strnlen(buf, n);
}

static long p_truncate(const char *path, off_t len)
{
	return pret(pmemfile_truncate(pool, path, len));
}

static long p_ftruncate(ref_handle h, off_t len)
{
	return pret(pmemfile_ftruncate(pool, file(h), len));
}

static long p_fallocate(ref_handle h, int mode, off_t off, off_t len)
{
	return pret(pmemfile_fallocate(pool, file(h), mode, off, len));
}

static long p_posix_fallocate(ref_handle h, off_t off, off_t len)
{
	/* like posix_fallocate(3): the error number is the return value */
	int r = pmemfile_posix_fallocate(pool, file(h), off, len);
	if (r == -1)
		return -errno;
	return -r;
}

static long p_fcntl(ref_handle h, int cmd, long arg, ref_handle *out)
{
	(void)out;
	return pret(pmemfile_fcntl(pool, file(h), cmd, arg));
}

static long p_umask(mode_t mask)
{
	return pmemfile_umask(pool, mask);
}

static long p_fchmodat(ref_handle dir, const char *path, mode_t mode, int flags)
{
	return pret(pmemfile_fchmodat(pool, file(dir), path, mode, flags));
}

static long p_fchmod(ref_handle h, mode_t mode)
{
	return pret(pmemfile_fchmod(pool, file(h), mode));
}

static long p_fchownat(ref_handle dir, const char *path, uid_t uid, gid_t gid,
		       int flags)
{
	return pret(pmemfile_fchownat(pool, file(dir), path, uid, gid, flags));
}

static long p_fchown(ref_handle h, uid_t uid, gid_t gid)
{
	return pret(pmemfile_fchown(pool, file(h), uid, gid));
}

static long p_faccessat(ref_handle dir, const char *path, int mode, int flags)
{
	return pret(pmemfile_faccessat(pool, file(dir), path, mode, flags));
}

static long p_utimensat(ref_handle dir, const char *path,
			const struct timespec ts[2], int flags)
{
	return pret(pmemfile_utimensat(pool, file(dir), path, ts, flags));
}

static long p_futimens(ref_handle h, const struct timespec ts[2])
{
	return pret(pmemfile_futimens(pool, file(h), ts));
}

/*
 * The pool's identity. Like a process, a pool that dropped root cannot take
 * it back (there is no saved set-user-ID); the identity is per open pool, so
 * the pool is closed and opened again as root first. The harness allows a
 * change of identity only while no handle is open.
 */
static long p_creds(uid_t ruid, uid_t euid, gid_t gid, int ngroups,
		    const gid_t *groups)
{
	if (pmemfile_geteuid(pool) != 0) {
		pmemfile_pool_close(pool);
		pool = pmemfile_pool_open(pool_path);
		if (!pool || pmemfile_cred_of_process(pool))
			return -errno;
		pmemfile_umask(pool, 022);
	}
	if (pmemfile_setgroups(pool, (size_t)ngroups, groups))
		return -errno;
	if (pmemfile_setregid(pool, gid, gid) ||
	    pmemfile_setreuid(pool, ruid, euid))
		return -errno;
	return 0;
}

const struct ref_backend ref_pmemfile = {
    .name = "pmemfile",
    .at_cwd = (ref_handle)PMEMFILE_AT_CWD,
    .setup = pmemfile_setup,
    .teardown = pmemfile_teardown,
    .openat = p_openat,
    .close = p_close,
    .dup = p_dup,
    .read = p_read,
    .write = p_write,
    .pread = p_pread,
    .pwrite = p_pwrite,
    .readv = p_readv,
    .writev = p_writev,
    .preadv = p_preadv,
    .pwritev = p_pwritev,
    .lseek = p_lseek,
    .fstatat = p_fstatat,
    .fstat = p_fstat,
    .getdents = p_getdents,
    .getdents64 = p_getdents64,
    .mkdirat = p_mkdirat,
    .unlinkat = p_unlinkat,
    .rmdir = p_rmdir,
    .linkat = p_linkat,
    .symlinkat = p_symlinkat,
    .readlinkat = p_readlinkat,
    .renameat2 = p_renameat2,
    .chdir = p_chdir,
    .fchdir = p_fchdir,
    .getcwd = p_getcwd,
    .truncate = p_truncate,
    .ftruncate = p_ftruncate,
    .fallocate = p_fallocate,
    .posix_fallocate = p_posix_fallocate,
    .fcntl = p_fcntl,
    .umask = p_umask,
    .fchmodat = p_fchmodat,
    .fchmod = p_fchmod,
    .fchownat = p_fchownat,
    .fchown = p_fchown,
    .faccessat = p_faccessat,
    .utimensat = p_utimensat,
    .futimens = p_futimens,
    .creds = p_creds,
};
