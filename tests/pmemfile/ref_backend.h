/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ref_backend.h -- the operations table the harness drives: one instance
 * makes kernel system calls under a chroot, the other calls libpmemfile-posix
 * on a pool. Every function returns a value >= 0 on success or -errno.
 * Handles are opaque integers (a descriptor, or a PMEMfile pointer).
 */
#ifndef TESTS_PMEMFILE_REF_BACKEND_H
#define TESTS_PMEMFILE_REF_BACKEND_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

typedef intptr_t ref_handle;

/* The permissions of the root directory of each case. */
#define REF_ROOT_MODE 0755

struct ref_backend {
	const char *name;
	ref_handle at_cwd;
	/* Prepares a fresh, empty file system for case number n. */
	int (*setup)(unsigned n);
	/* Releases it; nonzero if it is left inconsistent (after a report). */
	int (*teardown)(unsigned n);

	long (*openat)(ref_handle dir, const char *path, int flags, mode_t mode,
		       ref_handle *out);
	long (*close)(ref_handle h);
	long (*dup)(ref_handle h, ref_handle *out);
	long (*read)(ref_handle h, void *buf, size_t n);
	long (*write)(ref_handle h, const void *buf, size_t n);
	long (*pread)(ref_handle h, void *buf, size_t n, off_t off);
	long (*pwrite)(ref_handle h, const void *buf, size_t n, off_t off);
	long (*readv)(ref_handle h, const struct iovec *iov, int cnt);
	long (*writev)(ref_handle h, const struct iovec *iov, int cnt);
	long (*preadv)(ref_handle h, const struct iovec *iov, int cnt,
		       off_t off);
	long (*pwritev)(ref_handle h, const struct iovec *iov, int cnt,
			off_t off);
	long (*lseek)(ref_handle h, off_t off, int whence);
	long (*fstatat)(ref_handle dir, const char *path, struct stat *st,
			int flags);
	long (*fstat)(ref_handle h, struct stat *st);
	long (*getdents)(ref_handle h, void *buf, unsigned n);
	long (*getdents64)(ref_handle h, void *buf, unsigned n);
	long (*mkdirat)(ref_handle dir, const char *path, mode_t mode);
	long (*unlinkat)(ref_handle dir, const char *path, int flags);
	long (*rmdir)(const char *path);
	long (*linkat)(ref_handle d1, const char *p1, ref_handle d2,
		       const char *p2, int flags);
	long (*symlinkat)(const char *target, ref_handle dir, const char *path);
	long (*readlinkat)(ref_handle dir, const char *path, char *buf,
			   size_t n);
	long (*renameat2)(ref_handle d1, const char *p1, ref_handle d2,
			  const char *p2, unsigned flags);
	long (*chdir)(const char *path);
	long (*fchdir)(ref_handle h);
	/* Returns the length of the path put in buf. */
	long (*getcwd)(char *buf, size_t n);
	long (*truncate)(const char *path, off_t len);
	long (*ftruncate)(ref_handle h, off_t len);
	long (*fallocate)(ref_handle h, int mode, off_t off, off_t len);
	long (*posix_fallocate)(ref_handle h, off_t off, off_t len);
	long (*fcntl)(ref_handle h, int cmd, long arg, ref_handle *out);
	long (*umask)(mode_t mask);
	long (*fchmodat)(ref_handle dir, const char *path, mode_t mode,
			 int flags);
	long (*fchmod)(ref_handle h, mode_t mode);
	long (*fchownat)(ref_handle dir, const char *path, uid_t uid, gid_t gid,
			 int flags);
	long (*fchown)(ref_handle h, uid_t uid, gid_t gid);
	long (*faccessat)(ref_handle dir, const char *path, int mode,
			  int flags);
	long (*utimensat)(ref_handle dir, const char *path,
			  const struct timespec ts[2], int flags);
	long (*futimens)(ref_handle h, const struct timespec ts[2]);
	/*
	 * Takes the identity: real uid ruid, effective euid, gid for both,
	 * the groups given (may be 0).
	 */
	long (*creds)(uid_t ruid, uid_t euid, gid_t gid, int ngroups,
		      const gid_t *groups);
};

extern const struct ref_backend ref_kernel;
extern const struct ref_backend ref_pmemfile;

/* A directory for the scratch files of this test ($TMPDIR or /dev/shm). */
const char *ref_tmpdir(void);

#endif
