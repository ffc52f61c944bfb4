/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kcall.h -- system calls the library makes on files of its own (the pool
 * file, its segment in /dev/shm, /proc): straight to the kernel where the
 * library runs inside the preload shim, whose hook would route their
 * paths first (some 10-20 us a call on a process's first use of a pool),
 * through the C library elsewhere. Its own descriptors are closed so too:
 * the shim keeps the program from closing them (pmemfile_pool_own_fds),
 * and would keep the library from it as well. Results as the C library's:
 * -1 with errno set on failure.
 */
#ifndef PMEMFILE_KCALL_H
#define PMEMFILE_KCALL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Set by the preload shim. */
extern long syscall_no_intercept(long nr, ...) __attribute__((weak));

static inline long kcall(long nr, long a, long b, long c, long d)
{
	if (!syscall_no_intercept)
		return syscall(nr, a, b, c, d);
	long r = syscall_no_intercept(nr, a, b, c, d);
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

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

/*
 * Unmaps the library's own mapping (the pool's) in a fork child or at an
 * exit, where the shim's hooks run outside its guard: libc's munmap would
 * be taken for the program's and checked against its maps of pool files,
 * under a lock the fork's child holds (a deadlock).
 */
static inline int k_munmap(void *addr, size_t len)
{
	return (int)kcall(SYS_munmap, (long)addr, (long)len, 0, 0);
}

static inline long k_read(int fd, void *buf, size_t n)
{
	return kcall(SYS_read, fd, (long)buf, (long)n, 0);
}

/*
 * Whether a write of the library's to its own files (the segment, the
 * pool file by descriptor) may reach offset end under the process's file
 * size limit (RLIMIT_FSIZE): past it the write fails with EFBIG and the
 * kernel sends the program SIGXFSZ, which kills it by default.
 */
static inline bool k_fsize_allows(uint64_t end)
{
	struct rlimit rl;
	return kcall(SYS_prlimit64, 0, RLIMIT_FSIZE, 0, (long)&rl) != 0 ||
	       rl.rlim_cur == RLIM_INFINITY || end <= rl.rlim_cur;
}

/*
 * Where the library's descriptors are numbered from at most: beside the
 * shared segment's (share.c), under 1024. The kernel sizes a process's
 * table of descriptors to its highest number and copies all of it at
 * each fork and vfork: at three quarters of a limit of 20000, each vfork
 * of a shell holding a pool copied 16384 entries, some 50 us.
 */
#define K_FD_HIGH_MAX 900

/*
 * Where the library's descriptors are numbered from: the top quarter of
 * the process's limit, or K_FD_HIGH_MAX when that is lower; 0 where the
 * limit is too low for it.
 */
static inline int k_fd_high_from(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < 64 ||
	    rl.rlim_cur > INT_MAX)
		return 0;
	rlim_t from = rl.rlim_cur / 4 * 3;
	return (int)(from > K_FD_HIGH_MAX ? K_FD_HIGH_MAX : from);
}

/*
 * Moves the library's descriptor fd up there, closing fd: a program may
 * expect open to give it the lowest number free, or put files of its own
 * at low numbers (dup2, a shell's "exec 3>file", which took over a pool's
 * journal in journal mode). fd itself where it cannot be moved (a low
 * limit, no number free); -1 stays -1, errno kept.
 */
static inline int k_fd_high_at(int fd, int from)
{
	if (fd < 0 || from == 0 || fd >= from)
		return fd;
	int high = (int)kcall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, from, 0);
	if (high < 0)
		return fd;
	k_close(fd);
	return high;
}

/* The same with the place asked of the limit now (k_fd_high_from). */
static inline int k_fd_high(int fd)
{
	return k_fd_high_at(fd, k_fd_high_from());
}

/*
 * The descriptors of own[0..n_own) that are open (not -1) into fds, up to
 * n of them; returns how many there are.
 */
static inline int k_fds_list(const int *own, int n_own, int *fds, int n)
{
	int have = 0;
	for (int i = 0; i < n_own; ++i) {
		if (own[i] < 0)
			continue;
		if (have < n)
			fds[have] = own[i];
		have++;
	}
	return have;
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

/*
 * A program may put a file of its own at the number of one of the
 * library's descriptors (dup2, dup3), so each use checks it (fd_is). The
 * shim sees every such call, and refuses a close of them: under it, the
 * count of those calls (pf_own_fds_gen, 0 when nobody counts them) says
 * whether a check made since still holds, and a read or write by
 * descriptor costs no fstat (10,000 of them in a tar x of 100 MB).
 */
extern _Atomic uint64_t pf_own_fds_gen;

/* fd_is, or true when it was at *checked (0: never) and nothing changed. */
static inline bool fd_is_kept(int fd, dev_t dev, ino_t ino, uint64_t *checked)
{
	uint64_t gen =
	    atomic_load_explicit(&pf_own_fds_gen, memory_order_acquire);
	if (gen != 0 && fd >= 0 && *checked == gen)
		return true;
	if (!fd_is(fd, dev, ino))
		return false;
	*checked = gen;
	return true;
}

#endif
