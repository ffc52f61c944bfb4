/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kcall.h -- system calls the library makes on files of its own (the pool
 * file, its segment in /dev/shm, /proc): straight to the kernel where the
 * library runs inside the preload shim, whose hook would route their
 * paths first (some 10-20 us a call on a process's first use of a pool),
 * through the C library elsewhere. Results as the C library's: -1 with
 * errno set on failure.
 */
#ifndef PMEMFILE_KCALL_H
#define PMEMFILE_KCALL_H

#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>

long kcall(long nr, long a, long b, long c, long d);

static inline int k_open(const char *path, int flags, mode_t mode)
{
	return (int)kcall(SYS_open, (long)path, flags, mode, 0);
}

static inline int k_stat(const char *path, struct stat *st)
{
	return (int)kcall(SYS_newfstatat, AT_FDCWD, (long)path, (long)st, 0);
}

static inline int k_access(const char *path, int mode)
{
	return (int)kcall(SYS_faccessat, AT_FDCWD, (long)path, mode, 0);
}

static inline int k_close(int fd)
{
	return (int)kcall(SYS_close, fd, 0, 0, 0);
}

static inline long k_read(int fd, void *buf, size_t n)
{
	return kcall(SYS_read, fd, (long)buf, (long)n, 0);
}

/*
 * Whether the library's descriptor fd is still the file dev, ino: it is
 * the process's like any other, and a program may have closed it or put
 * another file at its number (dup2).
 */
static inline bool fd_is(int fd, dev_t dev, ino_t ino)
{
	struct stat st;
	return fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == dev &&
	       st.st_ino == ino;
}

#endif
